// A gzip bomb against the streaming inflater (issue 16): 1 GiB of zeros, about 1 MB of gzip made here by
// streaming deflate over one zero buffer, fed to the inflater in 64 KiB chunks (as a read buffer would hand
// them) under the default limit, session_options::max_response_bytes (64 MiB). It must end in
// error::response_too_large with the process's peak RSS under 64 MiB. Prints one JSON line; exits 0 when both
// hold, 1 otherwise.
//   bench_gzip_bomb [zeros_mib] [limit_mib]      defaults: 1024 and the session's default limit
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "entities/transport/inflater.hpp"
#include "measure.hpp"
#include <sys/resource.h>
#include <zlib.h>

namespace {

namespace ent = igtcloud::entities;
using boost::system::error_code;

/// A field of /proc/self/status in KiB (VmHWM: the peak resident set; VmRSS: now), -1 when absent.
long status_kib(std::string_view field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':')
            return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    return -1;
}

double cpu_seconds()
{
    ::rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// `zeros` zero bytes as one gzip member, deflated from a 1 MiB zero buffer: the bomb is never whole in
/// memory before it is compressed.
std::string make_bomb(std::uint64_t zeros)
{
    z_stream z{};
    if (::deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        std::cerr << "bench_gzip_bomb: deflateInit2 failed\n";
        std::exit(2);
    }
    std::string const block(1u << 20, '\0');
    std::string out;
    char buffer[1 << 16];
    auto run = [&](std::size_t n, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
        z.avail_in = static_cast<uInt>(n);
        int rc = Z_OK;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            rc = ::deflate(&z, flush);
            out.append(buffer, sizeof buffer - z.avail_out);
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    };
    for (std::uint64_t left = zeros; left != 0;) {
        auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
        run(n, Z_NO_FLUSH);
        left -= n;
    }
    run(0, Z_FINISH);
    ::deflateEnd(&z);
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::uint64_t const zeros = (argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024) << 20;
    std::uint64_t const limit =
        argc > 2 ? std::strtoull(argv[2], nullptr, 10) << 20 : ent::session_options{}.max_response_bytes;
    constexpr std::size_t chunk = 64 * 1024; // what a 64 KiB read buffer hands on

    auto const bomb = make_bomb(zeros);
    long const rss_before_kib = status_kib("VmRSS");
    long const peak_before_kib = status_kib("VmHWM"); // the bomb's making
    // From here VmHWM is the decode's own peak: "5" resets it to the current RSS (Linux 4.0+).
    bool const peak_reset = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");

    auto const a0 = igtcloud::bench::allocations();
    auto const c0 = cpu_seconds();
    auto const t0 = std::chrono::steady_clock::now();
    ent::detail::inflater inf(ent::detail::content_coding::gzip, limit);
    std::uint64_t delivered = 0;
    std::uint64_t fed = 0;
    error_code ec;
    auto consumer = [&delivered](std::string_view piece) {
        delivered += piece.size(); // dropped, as a decoder that keeps nothing would
        return error_code{};
    };
    for (std::size_t at = 0; at < bomb.size() && !ec; at += chunk) {
        auto const piece = std::string_view(bomb).substr(at, chunk);
        ec = inf.feed(piece, consumer);
        fed += piece.size();
    }
    if (!ec) ec = inf.finish();
    auto const decode_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto const cpu_ms = (cpu_seconds() - c0) * 1e3;
    auto const allocations = igtcloud::bench::allocations() - a0;
    long const decode_peak_kib = status_kib("VmHWM");
    long const peak_kib = std::max(peak_before_kib, decode_peak_kib); // the whole process

    bool const stopped = ec == ent::error::response_too_large;
    bool const bounded = peak_kib >= 0 && peak_kib < 64 * 1024;
    std::cout << R"({"program":"gzip_bomb","zeros_bytes":)" << zeros << R"(,"gzip_bytes":)" << bomb.size()
              << R"(,"limit_bytes":)" << limit << R"(,"gzip_bytes_fed":)" << fed << R"(,"decoded_bytes":)"
              << inf.decoded_bytes() << R"(,"delivered_bytes":)" << delivered << R"(,"result":")"
              << (ec ? ec.message() : "success") << R"(","response_too_large":)"
              << (stopped ? "true" : "false") << R"(,"decode_ms":)" << decode_ms << R"(,"decode_cpu_ms":)"
              << cpu_ms << R"(,"allocations_during_decode":)" << allocations << R"(,"rss_before_decode_kib":)"
              << rss_before_kib << R"(,"peak_rss_before_decode_kib":)" << peak_before_kib
              << R"(,"peak_rss_during_decode_kib":)" << (peak_reset ? decode_peak_kib : -1)
              << R"(,"peak_rss_kib":)" << peak_kib << R"(,"peak_rss_under_64_mib":)"
              << (bounded ? "true" : "false") << "}\n";
    return stopped && bounded ? 0 : 1;
}
