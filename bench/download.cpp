// bench_download: one GET /data/users/download-files from a running server, and this process's peak memory
// (issue 15: a 300 MiB archive must stream in bounded memory). One JSON line on stdout:
//   {"contender": ..., "bytes": N, "seconds": s, "mib_per_s": x, "cpu_s": c, "peak_rss_kib": k, "sha256": h}
//
//   --mode file       ours: async_download_user_files(download_sink::file(--out)) (PATH.part, fsync, rename)
//   --mode callable   ours: a callable sink that hashes the bytes and drops them
//   --mode buffered   the reference: a hand-written Beast read of the whole body into a std::string (what a
//                     client without streaming holds), hashed
// bench/download.sh runs the three and curl side by side against the mock server process.
#include <igtcloud/entities.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "measure.hpp"
#include "one_shot.hpp"
#include "support/sha256.hpp"
namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;

using args = igtcloud::bench::one_shot_args;

/// Ours: the library's download into a file or a hashing callable. The bytes, or 0 on failure.
std::uint64_t download_ours(args const& a, igtcloud::test::sha256& h)
{
    asio::io_context ioc;
    entities::session s(ioc.get_executor(),
                        {.base_url = "http://127.0.0.1:" + std::to_string(a.port) + "/data", .jwt = a.jwt});
    auto sink = a.mode == "file"
                    ? entities::download_sink::file(a.extra.at("--out"))
                    : entities::download_sink::callable([&](entities::byte_chunk c) {
                          h.add(std::string_view(reinterpret_cast<char const*>(c.data()), c.size()));
                          return boost::system::error_code{};
                      });
    std::uint64_t bytes = 0;
    s.users().async_download_user_files(
        std::move(sink), entities::request_options{.timeout = std::chrono::minutes(10)},
        [&](entities::api_result<std::uint64_t> r) {
            if (r)
                bytes = *r;
            else
                std::cerr << "download failed: " << r.error().to_string() << '\n';
            s.async_shutdown([] {});
        });
    ioc.run();
    return bytes;
}

/// The reference: the whole body read into memory by a plain Beast parser.
std::uint64_t download_buffered(args const& a, igtcloud::test::sha256& h)
{
    auto const answer =
        igtcloud::bench::get_buffered(a.port, "/data/users/download-files", "application/zip", a.jwt);
    if (answer.status != 200) return 0;
    auto const& body = answer.body;
    h.add(body);
    return body.size();
}

} // namespace

int main(int argc, char** argv)
{
    auto const a = igtcloud::bench::parse_one_shot(
        argc, argv, "bench_download", {"file", "callable", "buffered"}, {{"--out", "download.zip"}});
    igtcloud::test::sha256 h;
    auto const started = std::chrono::steady_clock::now();
    double const cpu0 = igtcloud::bench::cpu_seconds();
    std::uint64_t const bytes = a.mode == "buffered" ? download_buffered(a, h) : download_ours(a, h);
    double const cpu = igtcloud::bench::cpu_seconds() - cpu0;
    double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (bytes == 0) return 1;
    std::string const contender = a.mode == "buffered" ? "beast-buffered" : "ours-" + a.mode;
    std::printf("{\"contender\":\"%s\",\"bytes\":%llu,\"seconds\":%.3f,\"mib_per_s\":%.1f,\"cpu_s\":%.3f,"
                "\"peak_rss_kib\":%ld,\"sha256\":\"%s\"}\n",
                contender.c_str(), static_cast<unsigned long long>(bytes), seconds,
                double(bytes) / 1048576.0 / seconds, cpu, igtcloud::bench::peak_rss_kib(),
                a.mode == "file" ? "" : h.hex().c_str());
    return 0;
}
