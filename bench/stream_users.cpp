// bench_stream_users: one GET /data/users from a running server (issue 16: a 100,000-user list in bounded
// memory), and this process's CPU and peak memory. One JSON line on stdout:
//   {"contender": ..., "users": N, "bytes": B, "seconds": s, "cpu_s": c, "cpu_us_per_user": u,
//    "peak_rss_kib": k}
//
//   --mode foreach    ours: async_for_each_user, each user looked at (its loginId's length summed) and
//   dropped
//   --mode get_users  ours: async_get_users, the list decoded as it arrives into one vector
//   --mode buffered   the reference (what async_get_users did before issue 16): a hand-written Beast read of
//                     the whole body into a std::string, then the library's whole-document decode
//                     (entities::decode<std::vector<user_info>>) beside it
// bench/stream_users.sh runs the three side by side against the mock server process.
#include <igtcloud/entities.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "measure.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace entities = igtcloud::entities;

struct args {
    std::uint16_t port{};
    std::string mode{"foreach"};
    std::string jwt{"mock-token"};
};

[[noreturn]] void usage(std::string const& why)
{
    std::cerr << "bench_stream_users: " << why
              << "\nusage: bench_stream_users --port P [--mode foreach|get_users|buffered] [--jwt T]\n";
    std::exit(2);
}

args parse(int argc, char** argv)
{
    args a;
    for (int i = 1; i < argc; i += 2) {
        std::string_view const name = argv[i];
        if (i + 1 >= argc) usage("missing value for " + std::string(name));
        std::string const value = argv[i + 1];
        if (name == "--port")
            a.port = static_cast<std::uint16_t>(std::stoul(value));
        else if (name == "--mode")
            a.mode = value;
        else if (name == "--jwt")
            a.jwt = value;
        else
            usage("unknown option " + std::string(name));
    }
    if (a.port == 0) usage("--port is required");
    if (a.mode != "foreach" && a.mode != "get_users" && a.mode != "buffered") usage("bad --mode");
    return a;
}

struct outcome {
    std::size_t users{};
    std::size_t checksum{}; ///< the loginIds' lengths: every user looked at
};

/// Ours: the library's GET /users, streamed to a callable or into a vector.
outcome list_ours(args const& a)
{
    asio::io_context ioc;
    entities::session s(ioc.get_executor(),
                        {.base_url = "http://127.0.0.1:" + std::to_string(a.port) + "/data",
                         .jwt = a.jwt,
                         .accept_encoding = false,
                         .max_response_bytes = std::size_t(1) << 30});
    outcome out;
    entities::request_options const opts{.timeout = std::chrono::minutes(10)};
    auto fail = [](entities::api_error const& e) {
        std::cerr << "the list failed: " << e.to_string() << '\n';
        std::exit(1);
    };
    if (a.mode == "foreach") {
        s.users().async_for_each_user(
            opts, [&](entities::user_info u) { out.checksum += u.login_id.value_or("").size(); },
            [&](entities::api_result<std::size_t> r) {
                if (!r) fail(r.error());
                out.users = *r;
                s.async_shutdown([] {});
            });
    } else {
        s.users().async_get_users(opts, [&](entities::api_result<std::vector<entities::user_info>> r) {
            if (!r) fail(r.error());
            out.users = r->size();
            for (auto const& u : *r)
                out.checksum += u.login_id.value_or("").size();
            s.async_shutdown([] {});
        });
    }
    ioc.run();
    return out;
}

/// The reference: the whole body read into memory by a plain Beast parser, then decoded whole.
outcome list_buffered(args const& a)
{
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), a.port});
    http::request<http::empty_body> req{http::verb::get, "/data/users", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept, "application/json");
    req.set("X-JWT", a.jwt);
    http::write(socket, req);
    beast::flat_buffer buffer;
    buffer.reserve(64 * 1024);
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    http::read(socket, buffer, parser);
    if (parser.get().result_int() != 200) return {};
    auto users = entities::decode<std::vector<entities::user_info>>(parser.get().body());
    if (!users) {
        std::cerr << "decode failed: " << users.error().to_string() << '\n';
        std::exit(1);
    }
    outcome out{users->size(), 0};
    for (auto const& u : *users)
        out.checksum += u.login_id.value_or("").size();
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    auto const a = parse(argc, argv);
    auto const started = std::chrono::steady_clock::now();
    double const cpu0 = igtcloud::bench::cpu_seconds();
    auto const out = a.mode == "buffered" ? list_buffered(a) : list_ours(a);
    double const cpu = igtcloud::bench::cpu_seconds() - cpu0;
    double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (out.users == 0) return 1;
    std::string const contender = a.mode == "buffered" ? "buffered-decode" : "ours-" + a.mode;
    std::printf("{\"contender\":\"%s\",\"users\":%zu,\"checksum\":%zu,\"seconds\":%.3f,\"cpu_s\":%.3f,"
                "\"cpu_us_per_user\":%.3f,\"peak_rss_kib\":%ld}\n",
                contender.c_str(), out.users, out.checksum, seconds, cpu, cpu * 1e6 / double(out.users),
                igtcloud::bench::peak_rss_kib());
    return 0;
}
