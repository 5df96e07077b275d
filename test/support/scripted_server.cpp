// The scripted HTTP peer.
#include "support/scripted_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include <openssl/ssl.h>

namespace igtcloud::test {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Reads and discards until the client closes (or the read is cancelled).
template <class Stream>
asio::awaitable<void> until_closed(Stream& stream)
{
    std::array<char, 4096> sink{};
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
        if (ec) co_return;
    }
}

/// Writes `byte` every `every`, forever (until a write fails or the wait is cancelled).
template <class Stream>
asio::awaitable<void> drip_forever(Stream& stream, std::chrono::milliseconds every, char const byte)
{
    asio::steady_timer timer(stream.get_executor());
    for (;;) {
        timer.expires_after(every);
        auto [tec] = co_await timer.async_wait(use_tuple);
        if (tec) co_return;
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(&byte, 1), use_tuple);
        if (ec) co_return;
    }
}

/// Writes `count` bytes of 'x'; false when a write failed.
template <class Stream>
asio::awaitable<bool> write_filler(Stream& stream, std::size_t count)
{
    std::string const block(std::size_t{1} << 20, 'x');
    while (count > 0) {
        auto const n = std::min(count, block.size());
        auto [ec, written] = co_await asio::async_write(stream, asio::buffer(block.data(), n), use_tuple);
        if (ec) co_return false;
        count -= n;
    }
    co_return true;
}

std::unique_ptr<ssl::context> make_context(peer_options const& o)
{
    if (o.tls_cert_file.empty() || o.tls_key_file.empty()) return nullptr;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->use_certificate_chain_file(o.tls_cert_file);
    ctx->use_private_key_file(o.tls_key_file, ssl::context::pem);
    if (o.tls_max_version != 0) {
        SSL_CTX_set_max_proto_version(ctx->native_handle(), o.tls_max_version);
        if (o.tls_max_version < TLS1_2_VERSION) {
            SSL_CTX_set_min_proto_version(ctx->native_handle(), 0);
            SSL_CTX_set_security_level(ctx->native_handle(), 0); // SHA-1 signatures of TLS 1.0/1.1
            SSL_CTX_set_cipher_list(ctx->native_handle(), "ALL:@SECLEVEL=0");
        }
    }
    return ctx;
}
} // namespace

std::string http_answer(unsigned status, std::string_view body, std::string_view extra_headers,
                        std::string_view content_type)
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
    if (!body.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += extra_headers;
    out += "\r\n";
    out += body;
    return out;
}

std::string chunked_answer(std::string_view body, std::size_t chunk, std::string_view extra_headers,
                           std::string_view content_type)
{
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(content_type) + "\r\n";
    out += extra_headers;
    out += "Transfer-Encoding: chunked\r\n\r\n";
    char size[24];
    for (std::size_t at = 0; at < body.size(); at += chunk) {
        auto const piece = body.substr(at, chunk);
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        out.append(size).append(piece).append("\r\n");
    }
    return out + "0\r\n\r\n";
}

std::ostream& operator<<(std::ostream& os, failure how)
{
    switch (how) {
    case failure::reset: return os << "reset";
    case failure::close: return os << "close";
    case failure::stall: return os << "stall";
    }
    return os << "failure(" << static_cast<int>(how) << ')';
}

struct scripted_server::impl : std::enable_shared_from_this<impl> {
    impl(responder r, peer_options o) : respond(std::move(r)), tls(make_context(o)), silent(o.silent) {}

    /// Counts one read or write step; true when it is the one to fail.
    bool fails_now() noexcept
    {
        auto const step = steps.fetch_add(1) + 1;
        if (step != fault_step.load()) return false;
        fault_done.store(true);
        return true;
    }

    /// The armed failure, once the peer read a request or wrote half of an answer.
    template <class Stream>
    asio::awaitable<void> fail(Stream& stream)
    {
        boost::system::error_code ignored;
        auto& socket = stream.lowest_layer();
        switch (fault_how.load()) {
        case failure::reset:
            socket.set_option(tcp::socket::linger(true, 0), ignored);
            socket.close(ignored);
            break;
        case failure::close: socket.shutdown(tcp::socket::shutdown_both, ignored); break;
        case failure::stall: co_await until_closed(stream); break;
        }
    }

    template <class Stream>
    asio::awaitable<void> serve_http(Stream& stream, std::size_t number)
    {
        boost::beast::flat_buffer buffer;
        for (std::size_t index = 0;; ++index) {
            request req;
            auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
            if (ec) co_return;
            {
                std::lock_guard lock(mutex);
                log.push_back(req);
            }
            requests_count.fetch_add(1);
            if (fails_now()) {
                co_await fail(stream);
                co_return;
            }
            auto r = respond(req, number, index);
            if (r.stall) {
                co_await until_closed(stream);
                co_return;
            }
            if (r.delay.count() > 0) {
                asio::steady_timer wait(stream.get_executor(), r.delay);
                co_await wait.async_wait(use_tuple);
            }
            if (fails_now()) {
                auto const half = asio::buffer(r.bytes.data(), r.bytes.size() / 2);
                auto [wec, written] = co_await asio::async_write(stream, half, use_tuple);
                if (!wec) co_await fail(stream);
                co_return;
            }
            auto [wec, written] = co_await asio::async_write(stream, asio::buffer(r.bytes), use_tuple);
            if (wec) co_return;
            if (r.filler > 0 && !co_await write_filler(stream, r.filler)) co_return;
            if (r.drip.count() > 0) {
                co_await (drip_forever(stream, r.drip, r.drip_byte) || until_closed(stream));
                co_return;
            }
            if (r.close) co_return;
        }
    }

    asio::awaitable<void> serve(tcp::socket socket, std::size_t number)
    {
        if (silent.load()) {
            co_await until_closed(socket);
        } else if (tls) {
            ssl::stream<tcp::socket> stream(std::move(socket), *tls);
            auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
            if (!ec) {
                handshakes_count.fetch_add(1);
                co_await serve_http(stream, number);
            }
            boost::system::error_code ignored;
            stream.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
            stream.next_layer().close(ignored);
        } else {
            co_await serve_http(socket, number);
        }
        boost::system::error_code ignored;
        if (socket.is_open()) {
            socket.shutdown(tcp::socket::shutdown_both, ignored);
            socket.close(ignored);
        }
        open_count.fetch_sub(1);
    }

    asio::awaitable<void> accept_loop()
    {
        for (std::size_t number = 0;; ++number) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) co_return;
            accepted.fetch_add(1);
            open_count.fetch_add(1);
            asio::co_spawn(ioc, serve(std::move(socket), number), asio::detached);
        }
    }

    responder respond;
    std::unique_ptr<ssl::context> tls;
    std::atomic<bool> silent;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::thread thread;
    std::atomic<std::size_t> accepted{0}, requests_count{0}, open_count{0}, handshakes_count{0};
    std::atomic<std::size_t> steps{0}, fault_step{0}; ///< steps so far; the one to fail (0: none)
    std::atomic<failure> fault_how{failure::reset};
    std::atomic<bool> fault_done{false};
    mutable std::mutex mutex;
    std::vector<request> log;
};

scripted_server::scripted_server(responder respond, peer_options options)
    : impl_(std::make_shared<impl>(std::move(respond), std::move(options)))
{
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([i = impl_] { i->ioc.run(); });
}

scripted_server::~scripted_server()
{
    stop();
}

void scripted_server::stop()
{
    if (!impl_->thread.joinable()) return;
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t scripted_server::port() const noexcept
{
    return impl_->acceptor.local_endpoint().port();
}
std::string scripted_server::base_url() const
{
    return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + "/data";
}
std::size_t scripted_server::connections() const noexcept
{
    return impl_->accepted.load();
}
std::size_t scripted_server::requests() const noexcept
{
    return impl_->requests_count.load();
}
std::size_t scripted_server::open_connections() const noexcept
{
    return impl_->open_count.load();
}
std::size_t scripted_server::handshakes() const noexcept
{
    return impl_->handshakes_count.load();
}
void scripted_server::set_silent(bool silent) noexcept
{
    impl_->silent.store(silent);
}

void scripted_server::fail_at(std::size_t n, failure how) noexcept
{
    impl_->fault_step.store(0);
    impl_->fault_how.store(how);
    impl_->fault_done.store(false);
    if (n != 0) impl_->fault_step.store(impl_->steps.load() + n);
}

bool scripted_server::failed() const noexcept
{
    return impl_->fault_done.load();
}

std::vector<std::string> scripted_server::targets() const
{
    std::lock_guard lock(impl_->mutex);
    std::vector<std::string> out;
    for (auto const& r : impl_->log)
        out.emplace_back(r.target());
    return out;
}

std::vector<request> scripted_server::received() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

} // namespace igtcloud::test
