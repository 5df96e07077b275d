// The tests' raw HTTP client: Beast's async operations on a private io_context, run to completion one at a
// time, each under the client's timeout.
#include "support/raw_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>

#include <thread>

#include <openssl/ssl.h>

namespace igtcloud::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

void throw_if(error_code const& ec, char const* what)
{
    if (ec) throw boost::system::system_error(ec, what);
}

} // namespace

std::optional<std::string> response::header(std::string_view name) const
{
    for (auto const& h : headers)
        if (beast::iequals(h.name, name)) return h.value;
    return std::nullopt;
}

struct raw_client::impl {
    explicit impl(client_options o) : opts(std::move(o)) { buffer.reserve(64 * 1024); }

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    /// Runs the operation started by `start(stream, done)` to completion under the timeout.
    template <class Start>
    error_code run(Start&& start)
    {
        error_code result = asio::error::timed_out;
        auto done = [&result](error_code ec, auto&&...) { result = ec; };
        lowest().expires_after(opts.timeout);
        if (tls)
            start(*tls, done);
        else
            start(*plain, done);
        context.restart();
        context.run();
        return result;
    }

    void connect(std::uint16_t port);
    void handshake();

    client_options opts;
    asio::io_context context{1};
    ssl::context tls_context{ssl::context::tls_client};
    std::optional<beast::tcp_stream> plain{};
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls{};
    beast::flat_buffer buffer{};
    std::uint16_t port{};
    /// The peer's end of stream was read. Boost 1.81's epoll reactor may wait for a readiness edge that
    /// never comes when a socket is read again after end of stream, so later reads fail at once instead.
    bool eof{false};
};

void raw_client::impl::connect(std::uint16_t p)
{
    port = p;
    plain.emplace(context);
    tcp::endpoint const endpoint{asio::ip::address_v4::loopback(), port};
    error_code result = asio::error::timed_out;
    plain->expires_after(opts.timeout);
    plain->async_connect(endpoint, [&](error_code ec) { result = ec; });
    context.run();
    throw_if(result, "raw_client: connect");
    if (opts.tls) handshake();
}

void raw_client::impl::handshake()
{
    tls_context.set_verify_mode(opts.verify ? ssl::verify_peer : ssl::verify_none);
    if (!opts.ca_file.empty()) tls_context.load_verify_file(opts.ca_file.string());
    tls.emplace(std::move(*plain), tls_context);
    plain.reset();
    if (!SSL_set_tlsext_host_name(tls->native_handle(), opts.host_name.c_str()))
        throw_if(error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
                 "raw_client: SNI");
    if (opts.verify) tls->set_verify_callback(ssl::host_name_verification(opts.host_name));
    error_code result = asio::error::timed_out;
    lowest().expires_after(opts.timeout);
    tls->async_handshake(ssl::stream_base::client, [&result](error_code ec) { result = ec; });
    context.restart();
    context.run();
    throw_if(result, "raw_client: TLS handshake");
}

raw_client::raw_client(std::uint16_t port, client_options opts)
    : impl_(std::make_unique<impl>(std::move(opts)))
{
    impl_->connect(port);
}

raw_client::~raw_client() = default;

response raw_client::send(request const& req)
{
    http::request<http::string_body> msg;
    msg.method_string(req.method);
    msg.target(req.target);
    msg.version(req.version);
    bool has_host = false;
    for (auto const& h : req.headers) {
        msg.insert(h.name, h.value);
        has_host = has_host || beast::iequals(h.name, "Host");
    }
    if (!has_host) msg.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
        msg.body() = req.body;
        msg.prepare_payload();
    }
    auto ec = impl_->run([&msg](auto& s, auto& done) { http::async_write(s, msg, done); });
    throw_if(ec, "raw_client: write");
    return read();
}

void raw_client::send_raw(std::string_view bytes)
{
    auto ec = impl_->run([bytes](auto& s, auto& done) { asio::async_write(s, asio::buffer(bytes), done); });
    throw_if(ec, "raw_client: write");
}

error_code raw_client::read_response(response& out)
{
    out = response{};
    if (impl_->eof && impl_->buffer.size() == 0) return make_error_code(http::error::end_of_stream);
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    auto ec = impl_->run([&](auto& s, auto& done) { http::async_read(s, impl_->buffer, parser, done); });
    impl_->eof = impl_->eof || ec == http::error::end_of_stream || ec == http::error::partial_message;
    if (!parser.is_header_done()) return ec ? ec : make_error_code(http::error::partial_message);
    auto const& msg = parser.get();
    out.status = msg.result_int();
    for (auto const& f : msg)
        out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    out.body = msg.body();
    return ec;
}

response raw_client::read()
{
    response out;
    throw_if(read_response(out), "raw_client: read");
    return out;
}

bool raw_client::closed_by_peer(std::chrono::milliseconds wait)
{
    if (impl_->buffer.size() != 0) return false;
    if (impl_->eof) return true;
    auto const saved = impl_->opts.timeout;
    impl_->opts.timeout = wait;
    auto ec = impl_->run([this](auto& s, auto& done) {
        s.async_read_some(impl_->buffer.prepare(4096), [this, done](error_code e, std::size_t n) {
            impl_->buffer.commit(n);
            done(e);
        });
    });
    impl_->opts.timeout = saved;
    bool const closed =
        ec == asio::error::eof || ec == asio::error::connection_reset || ec == ssl::error::stream_truncated;
    impl_->eof = impl_->eof || closed;
    return closed;
}

void raw_client::close() noexcept
{
    error_code ignored;
    impl_->lowest().socket().close(ignored);
}

bool eventually(std::function<bool()> const& condition, std::chrono::milliseconds limit)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace igtcloud::test
