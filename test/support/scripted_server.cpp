// The scripted HTTP peer.
#include "support/scripted_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <thread>

namespace igtcloud::test {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

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

struct scripted_server::impl : std::enable_shared_from_this<impl> {
    explicit impl(responder r) : respond(std::move(r)) {}

    asio::awaitable<void> serve(tcp::socket socket, std::size_t number)
    {
        boost::beast::flat_buffer buffer;
        for (std::size_t index = 0;; ++index) {
            request req;
            auto [ec, n] = co_await http::async_read(socket, buffer, req, use_tuple);
            if (ec) break;
            {
                std::lock_guard lock(mutex);
                log.push_back(req);
            }
            requests_count.fetch_add(1);
            auto r = respond(req, number, index);
            if (r.stall) {
                asio::steady_timer forever(socket.get_executor(), std::chrono::hours(1));
                co_await forever.async_wait(use_tuple);
                break;
            }
            if (r.delay.count() > 0) {
                asio::steady_timer wait(socket.get_executor(), r.delay);
                co_await wait.async_wait(use_tuple);
            }
            auto [wec, written] = co_await asio::async_write(socket, asio::buffer(r.bytes), use_tuple);
            if (wec || r.close) break;
        }
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
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
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::thread thread;
    std::atomic<std::size_t> accepted{0}, requests_count{0}, open_count{0};
    mutable std::mutex mutex;
    std::vector<request> log;
};

scripted_server::scripted_server(responder respond) : impl_(std::make_shared<impl>(std::move(respond)))
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
    return "http://127.0.0.1:" + std::to_string(port()) + "/data";
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
