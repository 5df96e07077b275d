// The test proxy: CONNECT tunnels and absolute-form forwarding, with an optional basic credential.
#include "support/proxy_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

#include <openssl/evp.h>

namespace igtcloud::test {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using request_t = http::request<http::string_body>;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t body_limit = 64u << 20;

// Computed with OpenSSL, independently of the client's own base64.
std::string basic_credential(std::string const& user, std::string const& password)
{
    std::string const plain = user + ":" + password;
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    auto const n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<unsigned char const*>(plain.data()), static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

std::string const& answer_407()
{
    static std::string const text = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                    "Proxy-Authenticate: Basic realm=\"igtcloud-test\"\r\n"
                                    "Content-Length: 0\r\n\r\n";
    return text;
}

std::string_view constexpr answer_400 =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
std::string_view constexpr answer_502 =
    "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

template <class StringView>
boost::urls::string_view as_url_view(StringView s)
{
    return boost::urls::string_view(s.data(), s.size());
}

// "host:port" or "[v6]:port" -> host, port; false when malformed.
bool split_authority(std::string_view authority, std::string& host, std::string& port)
{
    auto const colon = authority.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == authority.size()) return false;
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return !host.empty();
}

void close_socket(tcp::socket& s)
{
    boost::system::error_code ignored;
    s.shutdown(tcp::socket::shutdown_both, ignored);
    s.close(ignored);
}

asio::awaitable<void> relay(tcp::socket& from, tcp::socket& to)
{
    std::array<char, 16 * 1024> chunk{};
    for (;;) {
        auto [rec, n] = co_await from.async_read_some(asio::buffer(chunk), use_tuple);
        if (rec) co_return;
        auto [wec, written] = co_await asio::async_write(to, asio::buffer(chunk.data(), n), use_tuple);
        (void)written;
        if (wec) co_return;
    }
}

asio::awaitable<boost::system::error_code> connect_to(tcp::socket& socket, std::string const& host,
                                                      std::string const& port)
{
    tcp::resolver resolver(socket.get_executor());
    auto [rec, results] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec) co_return rec;
    auto [cec, endpoint] = co_await asio::async_connect(socket, results, use_tuple);
    (void)endpoint;
    co_return cec;
}

// The forward-mode connection to one origin, kept across the client's requests.
struct origin_link {
    std::string authority{};
    std::optional<tcp::socket> socket{};
    boost::beast::flat_buffer buffer{};
};

} // namespace

struct proxy_server::impl : std::enable_shared_from_this<impl> {
    explicit impl(proxy_server_options const& o)
        : required(o.user.empty() && o.password.empty() ? std::string()
                                                        : basic_credential(o.user, o.password))
    {}

    // Records the request; false (after answering 407) when it lacks the required credential.
    asio::awaitable<bool> admit(tcp::socket& client, request_t const& req)
    {
        auto const it = req.find(http::field::proxy_authorization);
        std::string const authorization =
            it == req.end() ? std::string() : std::string(it->value().data(), it->value().size());
        {
            std::lock_guard lock(mutex);
            seen_targets.emplace_back(req.target().data(), req.target().size());
            last_auth = authorization;
        }
        if (required.empty() || authorization == required) co_return true;
        rejected.fetch_add(1);
        co_await asio::async_write(client, asio::buffer(answer_407()), use_tuple);
        co_return false;
    }

    asio::awaitable<void> tunnel(tcp::socket client, boost::beast::flat_buffer& buffer, std::string target)
    {
        std::string host, port;
        tcp::socket upstream(client.get_executor());
        if (!split_authority(target, host, port) || co_await connect_to(upstream, host, port)) {
            co_await asio::async_write(client, asio::buffer(answer_502), use_tuple);
            close_socket(client);
            co_return;
        }
        static constexpr std::string_view ok = "HTTP/1.1 200 Connection established\r\n\r\n";
        auto [wec, n] = co_await asio::async_write(client, asio::buffer(ok), use_tuple);
        (void)n;
        if (wec) co_return;
        tunnels_opened.fetch_add(1);
        if (buffer.size() != 0) { // the client did not wait for the 200
            auto [early_ec, early] = co_await asio::async_write(upstream, buffer.data(), use_tuple);
            (void)early;
            if (early_ec) co_return;
        }
        co_await (relay(client, upstream) || relay(upstream, client));
        close_socket(client);
        close_socket(upstream);
    }

    // Sends one absolute-form request on to its origin and relays the answer; false: close the client.
    asio::awaitable<bool> forward(tcp::socket& client, request_t req, origin_link& origin)
    {
        auto const url = boost::urls::parse_absolute_uri(as_url_view(req.target()));
        if (!url || url->scheme_id() != boost::urls::scheme::http || url->encoded_host().empty() ||
            req.find(http::field::host) == req.end()) {
            co_await asio::async_write(client, asio::buffer(answer_400), use_tuple);
            co_return false;
        }
        std::string const host(url->encoded_host_address());
        std::string const port = url->has_port() ? std::string(url->port()) : std::string("80");
        std::string const authority = host + ":" + port;
        if (origin.authority != authority || !origin.socket || !origin.socket->is_open()) {
            origin = origin_link{authority, tcp::socket(client.get_executor()), {}};
            if (co_await connect_to(*origin.socket, host, port)) {
                origin.socket.reset();
                co_await asio::async_write(client, asio::buffer(answer_502), use_tuple);
                co_return false;
            }
        }
        std::string const target(url->encoded_target());
        req.target(target.empty() ? "/" : target);
        req.erase(http::field::proxy_authorization);
        req.erase("Proxy-Connection");
        forwarded_count.fetch_add(1);
        {
            std::lock_guard lock(mutex);
            origin_log.push_back(req);
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        auto [ec, written] = co_await http::async_write(*origin.socket, req, use_tuple);
        (void)written;
        if (!ec)
            ec = std::get<0>(co_await http::async_read(*origin.socket, origin.buffer, parser, use_tuple));
        if (ec) {
            close_socket(*origin.socket);
            origin.socket.reset();
            co_await asio::async_write(client, asio::buffer(answer_502), use_tuple);
            co_return false;
        }
        auto res = parser.release();
        bool const keep = res.keep_alive() && req.keep_alive();
        if (!res.keep_alive()) {
            close_socket(*origin.socket);
            origin.socket.reset();
        }
        auto [cec, sent] = co_await http::async_write(client, res, use_tuple);
        (void)sent;
        co_return !cec && keep;
    }

    asio::awaitable<void> serve(tcp::socket client)
    {
        boost::beast::flat_buffer buffer;
        origin_link origin;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(body_limit);
            auto [ec, n] = co_await http::async_read(client, buffer, parser, use_tuple);
            (void)n;
            if (ec) break;
            auto req = parser.release();
            if (!co_await admit(client, req)) {
                if (!req.keep_alive()) break;
                continue;
            }
            if (req.method() == http::verb::connect) {
                co_await tunnel(std::move(client), buffer,
                                std::string(req.target().data(), req.target().size()));
                co_return;
            }
            if (!co_await forward(client, std::move(req), origin)) break;
        }
        close_socket(client);
        if (origin.socket) close_socket(*origin.socket);
    }

    asio::awaitable<void> accept_loop()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) co_return;
            accepted.fetch_add(1);
            asio::co_spawn(ioc, serve(std::move(socket)), asio::detached);
        }
    }

    std::string const required; // expected Proxy-Authorization, "" for none
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::thread thread;
    std::atomic<std::size_t> accepted{0}, tunnels_opened{0}, forwarded_count{0}, rejected{0};
    mutable std::mutex mutex; // guards the three below
    std::vector<std::string> seen_targets;
    std::optional<std::string> last_auth;
    std::vector<request_t> origin_log;
};

proxy_server::proxy_server(proxy_server_options options) : impl_(std::make_shared<impl>(options))
{
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([i = impl_] { i->ioc.run(); });
}

proxy_server::~proxy_server()
{
    stop();
}

void proxy_server::stop()
{
    if (!impl_->thread.joinable()) return;
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t proxy_server::port() const noexcept
{
    return impl_->acceptor.local_endpoint().port();
}

std::string proxy_server::url() const
{
    return "http://127.0.0.1:" + std::to_string(port());
}

std::string proxy_server::url_with(std::string const& userinfo) const
{
    return "http://" + userinfo + "@127.0.0.1:" + std::to_string(port());
}

std::size_t proxy_server::connections() const noexcept
{
    return impl_->accepted.load();
}
std::size_t proxy_server::tunnels() const noexcept
{
    return impl_->tunnels_opened.load();
}
std::size_t proxy_server::forwarded() const noexcept
{
    return impl_->forwarded_count.load();
}
std::size_t proxy_server::auth_failures() const noexcept
{
    return impl_->rejected.load();
}

std::optional<std::string> proxy_server::last_authorization() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->last_auth;
}

std::vector<std::string> proxy_server::targets() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->seen_targets;
}

std::vector<http::request<http::string_body>> proxy_server::sent_to_origin() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->origin_log;
}

} // namespace igtcloud::test
