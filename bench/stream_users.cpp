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

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "measure.hpp"
#include "one_shot.hpp"

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;

using args = igtcloud::bench::one_shot_args;

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
    auto const answer = igtcloud::bench::get_buffered(a.port, "/data/users", "application/json", a.jwt);
    if (answer.status != 200) return {};
    auto users = entities::decode<std::vector<entities::user_info>>(answer.body);
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
    auto const a = igtcloud::bench::parse_one_shot(argc, argv, "bench_stream_users",
                                                   {"foreach", "get_users", "buffered"});
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
