#include "measure.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <sys/resource.h>

namespace igtcloud::bench {
namespace {

[[noreturn]] void usage(std::string_view problem)
{
    std::cerr
        << "bench: " << problem
        << "\noptions: --host H --port P --target T --method GET|POST --mode M --in-flight N --requests N"
           " --warmup N --jwt T --csrf-token T --run-id ID\n";
    std::exit(2);
}

template <class Int>
Int number(std::string_view name, std::string_view text)
{
    Int value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) usage("bad number for " + std::string(name));
    return value;
}

} // namespace

double cpu_seconds() noexcept
{
    ::rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto const seconds = [](::timeval t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// VmHWM: this process's peak resident set (ru_maxrss may include the parent that started us).
long peak_rss_kib()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

bench_args parse_args(int argc, char** argv)
{
    bench_args a;
    for (int i = 1; i < argc; i += 2) {
        std::string_view const name = argv[i];
        if (i + 1 >= argc) usage("missing value for " + std::string(name));
        std::string_view const value = argv[i + 1];
        if (name == "--host")
            a.host = value;
        else if (name == "--port")
            a.port = number<std::uint16_t>(name, value);
        else if (name == "--target")
            a.target = value;
        else if (name == "--method")
            a.method = value;
        else if (name == "--mode")
            a.mode = value;
        else if (name == "--in-flight")
            a.in_flight = number<unsigned>(name, value);
        else if (name == "--requests")
            a.requests = number<std::uint64_t>(name, value);
        else if (name == "--warmup")
            a.warmup = number<std::uint64_t>(name, value);
        else if (name == "--jwt")
            a.jwt = value;
        else if (name == "--csrf-token")
            a.csrf_token = value;
        else if (name == "--run-id")
            a.run_id = value;
        else
            usage("unknown option " + std::string(name));
    }
    if (a.method != "GET" && a.method != "POST") usage("--method is GET or POST");
    if (a.in_flight == 0 || a.requests == 0) usage("--in-flight and --requests must be positive");
    return a;
}

std::string login_id(bench_args const& args, std::uint64_t n)
{
    return "bench-" + args.run_id + "-" + std::to_string(n) + "@example.org";
}

std::string post_body(bench_args const& args, std::uint64_t n)
{
    auto const id = login_id(args, n);
    return R"({"name":"Bench","familyName":"User","email":")" + id + R"(","loginId":")" + id + R"("})";
}

recorder::recorder(std::uint64_t requests) : latency_ns_(requests) {}

void recorder::start()
{
    count_ = 0;
    trace_allocations(true);
    allocs_started_ = allocations();
    cpu_started_ = cpu_seconds();
    started_ = clock::now();
}

void recorder::record(clock::duration latency) noexcept
{
    if (count_ >= latency_ns_.size()) return;
    auto const ns = std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
    latency_ns_[count_++] = static_cast<std::uint64_t>(std::max<long long>(ns, 0));
}

void recorder::stop()
{
    stopped_ = clock::now();
    cpu_stopped_ = cpu_seconds();
    allocs_stopped_ = allocations();
    trace_allocations(false);
}

void recorder::print_result(std::string_view contender, bench_args const& args, std::uint64_t errors) const
{
    std::vector<std::uint64_t> sorted(latency_ns_.begin(), latency_ns_.begin() + long(count_));
    std::sort(sorted.begin(), sorted.end());
    auto const percentile_us = [&](double p) {
        if (sorted.empty()) return 0.0;
        auto const at = std::min(sorted.size() - 1, std::size_t(p * double(sorted.size())));
        return double(sorted[at]) / 1e3;
    };
    auto const n = double(count_ == 0 ? 1 : count_);
    auto const seconds = std::chrono::duration<double>(stopped_ - started_).count();
    std::printf(
        "{\"contender\":\"%.*s\",\"mode\":\"%s\",\"method\":\"%s\",\"target\":\"%s\",\"in_flight\":%u,"
        "\"requests\":%llu,\"errors\":%llu,\"seconds\":%.6f,\"rps\":%.1f,\"cpu_us_per_req\":%.3f,"
        "\"allocs_per_req\":%.2f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"peak_rss_kib\":%ld}\n",
        int(contender.size()), contender.data(), args.mode.c_str(), args.method.c_str(), args.target.c_str(),
        args.in_flight, static_cast<unsigned long long>(count_), static_cast<unsigned long long>(errors),
        seconds, n / seconds, (cpu_stopped_ - cpu_started_) * 1e6 / n,
        double(allocs_stopped_ - allocs_started_) / n, percentile_us(0.50), percentile_us(0.99),
        peak_rss_kib());
    std::fflush(stdout);
}

bool window::next(std::uint64_t& n) noexcept
{
    if (issued_ == total()) return false;
    if (issued_ == 0 && args_.warmup == 0) rec_.start(); // no warm-up: measure from the first request
    n = issued_++;
    return true;
}

void window::end(clock::time_point started, bool ok) noexcept
{
    if (!ok) ++errors_;
    ++ended_;
    if (ended_ == args_.warmup) {
        rec_.start();
    } else if (ended_ > args_.warmup) {
        rec_.record(clock::now() - started);
        if (ended_ == total()) rec_.stop();
    }
}

} // namespace igtcloud::bench
