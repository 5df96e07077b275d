// One client connection: connect, TLS handshake, one request/answer exchange, liveness check, close.
#include "entities/transport/connection.hpp"

#include <igtcloud/entities/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>

#include "entities/cancellation.hpp"
#include "entities/transport/answer_parser.hpp"
#include "entities/transport/proxy.hpp"
#include <openssl/ssl.h>
#include <poll.h>

namespace igtcloud::entities::detail {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto aborted = asio::error::operation_aborted;
// Reserved up front: Beast's default growth read a 1.29 MB list in ~2,500 reads, this in ~21.
constexpr std::size_t read_buffer_reserve = 64 * 1024;
constexpr std::uint32_t proxy_head_limit = 8 * 1024; // the proxy's answer to CONNECT: a short head

bool is_ip_literal(std::string const& host)
{
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

template <class Stream>
asio::awaitable<exchange_outcome> exchange_on(Stream& stream, beast::flat_buffer& buffer,
                                              wire_request const& request, answer_parser& parser)
{
    exchange_outcome out;
    // Each step first looks for a cancellation that came between steps (cancellation.hpp).
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) {
        out.ec = aborted;
        co_return out;
    }
    std::array<asio::const_buffer, 2> const bytes{asio::buffer(request.head), asio::buffer(request.body)};
    auto [write_ec, written] = co_await asio::async_write(stream, bytes, use_tuple);
    (void)written;
    if (write_ec) {
        out.ec = write_ec;
        co_return out;
    }
    out.wrote_all = true;
    // One read at a time (what http::async_read does inside), looking for a cancellation before each: one
    // emitted from a body sink's call, which runs between two reads when none is pending, would otherwise
    // reach no operation and the body would be read to its end.
    while (!out.ec && !parser.is_done()) {
        if (cancel_requested(co_await asio::this_coro::cancellation_state)) {
            out.ec = aborted;
            break;
        }
        auto [read_ec, read] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        (void)read;
        out.ec = read_ec;
    }
    out.received_any = parser.got_some();
    co_return out;
}

} // namespace

tls_session_cache::~tls_session_cache()
{
    if (latest_ != nullptr) ::SSL_SESSION_free(latest_);
}

namespace {
// The SSL_CTX slot that points at the cache. Not the "app data" slot: asio::ssl::context owns that one.
int cache_index() noexcept
{
    static int const index = ::SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}
} // namespace

void tls_session_cache::install(asio::ssl::context& context) noexcept
{
    SSL_CTX_set_session_cache_mode(context.native_handle(),
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    ::SSL_CTX_set_ex_data(context.native_handle(), cache_index(), this);
    SSL_CTX_sess_set_new_cb(context.native_handle(), &tls_session_cache::on_new_session);
}

int tls_session_cache::on_new_session(SSL* ssl, SSL_SESSION* session)
{
    auto* self =
        static_cast<tls_session_cache*>(::SSL_CTX_get_ex_data(::SSL_get_SSL_CTX(ssl), cache_index()));
    if (self == nullptr) return 0;
    std::lock_guard lock(self->mutex_);
    if (self->latest_ != nullptr) ::SSL_SESSION_free(self->latest_);
    self->latest_ = session;
    return 1; // the cache keeps the reference OpenSSL gave it
}

void tls_session_cache::offer(SSL* ssl) const noexcept
{
    std::lock_guard lock(mutex_);
    if (latest_ != nullptr) ::SSL_set_session(ssl, latest_);
}

connection::connection(asio::any_io_executor executor) : executor_(std::move(executor))
{
    buffer_.reserve(read_buffer_reserve);
}

beast::tcp_stream& connection::tcp() noexcept
{
    if (auto* tls = std::get_if<beast::ssl_stream<beast::tcp_stream>>(&stream_)) return tls->next_layer();
    return std::get<beast::tcp_stream>(stream_);
}

beast::tcp_stream const& connection::tcp() const noexcept
{
    return const_cast<connection*>(this)->tcp();
}

bool connection::is_open() const noexcept
{
    return !std::holds_alternative<std::monostate>(stream_) && tcp().socket().is_open();
}

asio::awaitable<boost::system::error_code> connection::async_open(peer const& to, steady_time deadline)
{
    // The stream lives in the connection from the start, so close() aborts a pending connect or handshake.
    auto& tcp = stream_.emplace<beast::tcp_stream>(executor_);
    buffer_.clear();
    proxy_status_ = 0;
    tcp.expires_at(deadline); // covers the connect, the CONNECT exchange and the TLS handshake
    // Each step first looks for a cancellation that came between steps (cancellation.hpp).
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return aborted;
    auto [ec, endpoint] = co_await tcp.async_connect(to.endpoints, use_tuple);
    (void)endpoint;
    if (ec) co_return ec;
    tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return aborted;
    if (to.proxy != nullptr && to.proxy->tunnel)
        if (auto tunnel_ec = co_await async_connect_tunnel(tcp, to)) co_return tunnel_ec;
    if (to.tls == nullptr) co_return boost::system::error_code{};
    beast::tcp_stream connected = std::move(tcp);
    auto& tls = stream_.emplace<beast::ssl_stream<beast::tcp_stream>>(std::move(connected), *to.tls);
    // SNI carries host names only (RFC 6066); verification checks names and IP literals alike.
    if (!is_ip_literal(to.host) && SSL_set_tlsext_host_name(tls.native_handle(), to.host.c_str()) != 1)
        co_return boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                            asio::error::get_ssl_category());
    if (to.sessions != nullptr) to.sessions->offer(tls.native_handle());
    if (to.verify_peer) tls.set_verify_callback(asio::ssl::host_name_verification(to.host));
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return aborted;
    auto [handshake_ec] = co_await tls.async_handshake(asio::ssl::stream_base::client, use_tuple);
    co_return handshake_ec;
}

// CONNECT host:port through the proxy; on a 2xx answer the socket carries the server's bytes from then on.
asio::awaitable<boost::system::error_code> connection::async_connect_tunnel(beast::tcp_stream& tcp,
                                                                            peer const& to)
{
    auto const& route = *to.proxy;
    http::request<http::empty_body> request{http::verb::connect, route.connect_authority, 11};
    request.set(http::field::host, route.connect_authority);
    if (!route.authorization.empty()) request.set(http::field::proxy_authorization, route.authorization);
    auto [write_ec, written] = co_await http::async_write(tcp, request, use_tuple);
    (void)written;
    if (write_ec) co_return write_ec;
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return aborted;
    http::response_parser<http::empty_body> parser;
    parser.header_limit(proxy_head_limit);
    // A 2xx answer to CONNECT has no body (RFC 9110 9.3.6); other answers fail without reading theirs.
    parser.skip(true);
    auto [read_ec, read] = co_await http::async_read_header(tcp, buffer_, parser, use_tuple);
    (void)read;
    if (read_ec) co_return read_ec;
    proxy_status_ = parser.get().result_int();
    if (proxy_status_ < 200 || proxy_status_ > 299) co_return make_error_code(error::proxy_refused);
    // The TLS handshake reads the socket, not buffer_: bytes the proxy sent early would be lost.
    if (buffer_.size() != 0) co_return make_error_code(error::invalid_response);
    co_return boost::system::error_code{};
}

void wire_request::add_header(std::string_view name, std::string_view value)
{
    head.append(name).append(": ").append(value).append("\r\n");
}

void wire_request::set_tokens(std::string_view jwt, std::string_view csrf_token)
{
    head.resize(tokens_offset);
    if (!jwt.empty()) add_header("X-JWT", jwt);
    if (!csrf_token.empty()) add_header("X-CSRF-TOKEN", csrf_token);
    head.append("\r\n");
}

std::array<std::string_view, 3> wire_request::secrets() const noexcept
{
    auto value_of = [this](std::string_view name) -> std::string_view {
        auto const at = head.find(name);
        if (at == std::string::npos) return {};
        auto const start = at + name.size();
        auto const end = head.find("\r\n", start);
        return std::string_view(head).substr(start,
                                             end == std::string::npos ? std::string::npos : end - start);
    };
    return {value_of("\r\nX-JWT: "), value_of("\r\nX-CSRF-TOKEN: "), value_of("\r\nProxy-Authorization: ")};
}

asio::awaitable<exchange_outcome> connection::async_exchange(wire_request const& request,
                                                             answer_parser& parser, steady_time deadline)
{
    tcp().expires_at(deadline);
    // Not a coroutine itself: hands over the exchange's own (one frame fewer per request).
    if (auto* tls = std::get_if<beast::ssl_stream<beast::tcp_stream>>(&stream_))
        return exchange_on(*tls, buffer_, request, parser);
    return exchange_on(std::get<beast::tcp_stream>(stream_), buffer_, request, parser);
}

bool connection::has_buffered_input() const
{
    if (!is_open()) return true;
    if (buffer_.size() != 0) return true; // bytes beyond the last answer: junk
    if (auto const* tls = std::get_if<beast::ssl_stream<beast::tcp_stream>>(&stream_))
        if (::SSL_pending(const_cast<beast::ssl_stream<beast::tcp_stream>*>(tls)->native_handle()) > 0)
            return true;
    return false;
}

bool connection::has_pending_input() const
{
    if (has_buffered_input()) return true;
    ::pollfd fd{};
    fd.fd = const_cast<connection*>(this)->tcp().socket().native_handle();
    fd.events = POLLIN;
    return ::poll(&fd, 1, 0) != 0; // readable (EOF or data), error, or hang-up
}

void connection::close() noexcept
{
    if (std::holds_alternative<std::monostate>(stream_)) return;
    boost::system::error_code ignored;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
}

} // namespace igtcloud::entities::detail
