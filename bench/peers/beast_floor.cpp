// bench_beast_floor: the floor of our stack. A hand-written Boost.Beast loop on one thread and one
// io_context: `in_flight` keep-alive TCP connections, each writing its request and reading the answer in a
// loop (callbacks), then parsing the body with Boost.JSON. No pool, no timers, no models.
//
// Tuned as PERF-NOTES.md describes:
// - each connection's flat_buffer has 64 KiB reserved, so a 1.29 MB list takes a few dozen reads;
// - the request is built once per connection; a POST changes only its body and Content-Length;
// - the response parser is re-created per answer (no allocation) around the connection's kept body string;
// - one json::parser and one monotonic_resource over one buffer serve the whole run (one thread: one document
//   at a time); the buffer grows once when a document outgrows it, so a warm run parses without the heap.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measure.hpp"
#include "peer_common.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace bench = igtcloud::bench;
namespace peers = igtcloud::bench::peers;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t read_buffer_bytes = 64 * 1024;
constexpr std::uint64_t body_limit = 64u << 20;

/// The heap behind the monotonic resource, counting what it had to give beyond the resource's buffer.
class counting_resource final : public json::memory_resource {
public:
    std::size_t taken() const noexcept { return taken_; }
    void forget() noexcept { taken_ = 0; }

private:
    void* do_allocate(std::size_t n, std::size_t) override
    {
        taken_ += n;
        return ::operator new(n);
    }
    void do_deallocate(void* p, std::size_t, std::size_t) override { ::operator delete(p); }
    bool do_is_equal(json::memory_resource const& other) const noexcept override { return this == &other; }

    std::size_t taken_{};
};

/// Parses one document at a time into memory kept for the whole run.
class json_checker {
public:
    json_checker() { resource_.emplace(buffer_.get(), capacity_, &upstream_); }

    /// Whether `body` parses and the document is what a successful answer holds.
    bool ok(std::string_view body, bool array_ok)
    {
        parser_.reset(&*resource_);
        error_code ec;
        parser_.write(body.data(), body.size(), ec);
        bool good = false;
        if (!ec) {
            json::value const doc = parser_.release(); // on the monotonic storage: destroyed for free
            good = peers::decoded_ok(doc, array_ok);
        }
        parser_.reset(); // drops whatever a failed parse left on the resource, before it is released
        resource_->release();
        if (upstream_.taken() > 0) grow();
        return good;
    }

private:
    /// Makes the buffer big enough for the largest document seen, so the heap is not touched again.
    void grow()
    {
        auto const needed = capacity_ + 2 * upstream_.taken();
        resource_.reset();
        upstream_.forget();
        capacity_ = needed;
        buffer_.reset(new unsigned char[capacity_]);
        resource_.emplace(buffer_.get(), capacity_, &upstream_);
    }

    std::size_t capacity_{64 * 1024};
    std::unique_ptr<unsigned char[]> buffer_{new unsigned char[capacity_]};
    counting_resource upstream_;
    std::optional<json::monotonic_resource> resource_;
    json::parser parser_;
};

/// What every connection of the run shares.
struct run_state {
    bench::bench_args const& args;
    bench::window& win;
    tcp::endpoint endpoint{};
    unsigned status{};
    bool array_ok{};
    bool post{};
    json_checker json{};
};

/// One keep-alive connection: connect, then request -> answer until the window has no more requests.
class connection {
public:
    connection(asio::io_context& io, run_state& run) : run_(run), socket_(io)
    {
        buffer_.reserve(read_buffer_bytes);
        auto const& args = run.args;
        request_.method(run.post ? http::verb::post : http::verb::get);
        request_.target(args.target);
        request_.version(11);
        request_.set(http::field::host, peers::host_header(args));
        request_.set(http::field::user_agent, peers::user_agent);
        request_.set(http::field::accept, "application/json");
        request_.set("X-JWT", args.jwt);
        request_.set("X-CSRF-TOKEN", args.csrf_token);
        if (run.post) request_.set(http::field::content_type, "application/json");
    }
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    void connect()
    {
        error_code ignored;
        socket_.close(ignored);
        buffer_.clear();
        socket_.async_connect(run_.endpoint, [this](error_code ec) { on_connected(ec); });
    }

private:
    void on_connected(error_code ec)
    {
        if (!ec) socket_.set_option(tcp::no_delay(true), ec);
        if (!ec) return issue();
        std::uint64_t n{}; // no connection: spend a request as an error, so a dead server ends the run
        if (!run_.win.next(n)) return;
        run_.win.end(bench::clock::now(), false);
        connect();
    }

    void issue()
    {
        std::uint64_t n{};
        if (!run_.win.next(n)) {
            error_code ignored;
            socket_.close(ignored);
            return;
        }
        started_ = bench::clock::now();
        busy_ = true;
        if (run_.post) {
            request_.body() = bench::post_body(run_.args, n);
            request_.prepare_payload();
        }
        serializer_.emplace(request_);
        http::async_write(socket_, *serializer_, [this](error_code ec, std::size_t) { on_written(ec); });
    }

    void on_written(error_code ec)
    {
        if (ec) return fail();
        body_.clear(); // keeps its capacity: the parser appends into it
        parser_.emplace();
        parser_->body_limit(body_limit);
        parser_->get().body() = std::move(body_);
        http::async_read(socket_, buffer_, *parser_, [this](error_code e, std::size_t) { on_read(e); });
    }

    void on_read(error_code ec)
    {
        if (ec) return fail();
        auto& res = parser_->get();
        bool const ok = res.result_int() == run_.status && run_.json.ok(res.body(), run_.array_ok);
        bool const keep_alive = res.keep_alive();
        body_ = std::move(res.body());
        busy_ = false;
        run_.win.end(started_, ok);
        if (keep_alive) return issue();
        connect();
    }

    void fail()
    {
        if (busy_) run_.win.end(started_, false);
        busy_ = false;
        connect();
    }

    run_state& run_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    std::optional<http::request_serializer<http::string_body>> serializer_;
    std::optional<http::response_parser<http::string_body>> parser_;
    std::string body_;
    bench::clock::time_point started_{};
    bool busy_{};
};

} // namespace

int main(int argc, char** argv)
try {
    auto args = bench::parse_args(argc, argv);
    bench::recorder rec(args.requests);
    bench::window win(args, rec);

    asio::io_context io{1};
    run_state run{args, win};
    run.endpoint = *tcp::resolver(io).resolve(args.host, std::to_string(args.port)).begin();
    run.status = peers::expected_status(args);
    run.array_ok = peers::expects_array(args);
    run.post = args.method == "POST";

    std::vector<std::unique_ptr<connection>> connections;
    for (unsigned i = 0; i < args.in_flight; ++i)
        connections.push_back(std::make_unique<connection>(io, run));
    for (auto& c : connections)
        c->connect();
    io.run();

    auto const errors = win.errors() + (win.finished() ? 0 : 1);
    rec.print_result("beast_floor", args, errors);
    return errors > 0 ? 1 : 0;
} catch (std::exception const& e) {
    std::cerr << "bench_beast_floor: " << e.what() << '\n';
    return 1;
}
