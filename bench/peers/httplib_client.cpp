// bench_httplib: cpp-httplib, one thread per connection. `in_flight` threads, each with its own keep-alive
// httplib::Client doing blocking request -> answer in a loop and parsing each body with a plain
// boost::json::parse. The measure window and recorder are not thread-safe: one mutex guards every call into
// them.
#include <boost/json/parse.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "measure.hpp"
#include "peer_common.hpp"
#include <httplib.h>

namespace {

namespace json = boost::json;
namespace bench = igtcloud::bench;
namespace peers = igtcloud::bench::peers;

/// What the threads share; `win` only under `mutex`.
struct run_state {
    bench::bench_args const& args;
    bench::window& win;
    std::mutex mutex{};
    httplib::Headers headers{};
    unsigned status{};
    bool array_ok{};
    bool post{};
};

bool decoded_ok(run_state const& run, httplib::Result const& res)
{
    if (!res || res->status != int(run.status)) return false;
    boost::system::error_code ec;
    json::value const doc = json::parse(res->body, ec);
    return !ec && peers::decoded_ok(doc, run.array_ok);
}

/// One connection's thread: requests until the window has none left.
void run_connection(run_state& run)
{
    httplib::Client client(run.args.host, run.args.port); // Host: host:port, unless the port is 80
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    for (;;) {
        std::uint64_t n{};
        {
            std::lock_guard lock(run.mutex);
            if (!run.win.next(n)) break;
        }
        auto const started = bench::clock::now();
        auto const res = run.post ? client.Post(run.args.target, run.headers, bench::post_body(run.args, n),
                                                "application/json")
                                  : client.Get(run.args.target, run.headers);
        bool const ok = decoded_ok(run, res);
        std::lock_guard lock(run.mutex);
        run.win.end(started, ok);
    }
}

} // namespace

int main(int argc, char** argv)
{
    auto args = bench::parse_args(argc, argv);
    bench::recorder rec(args.requests);
    bench::window win(args, rec);

    run_state run{args, win};
    run.headers = {{"User-Agent", std::string(peers::user_agent)},
                   {"Accept", "application/json"},
                   {"X-JWT", args.jwt},
                   {"X-CSRF-TOKEN", args.csrf_token}};
    run.status = peers::expected_status(args);
    run.array_ok = peers::expects_array(args);
    run.post = args.method == "POST";

    std::vector<std::thread> threads;
    threads.reserve(args.in_flight);
    for (unsigned i = 0; i < args.in_flight; ++i)
        threads.emplace_back(run_connection, std::ref(run));
    for (auto& t : threads)
        t.join();

    auto const errors = win.errors() + (win.finished() ? 0 : 1);
    rec.print_result("httplib", args, errors);
    return errors > 0 ? 1 : 0;
}
