// The soak's histogram and /proc sampling.
#include "soak_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace igtcloud::soak {

void histogram::add(std::chrono::microseconds d) noexcept
{
    auto const us = static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 1));
    auto const i =
        std::min<std::size_t>(static_cast<std::size_t>(std::bit_width(us) - 1), buckets.size() - 1);
    ++buckets[i];
    ++count;
}

std::uint64_t histogram::quantile_us(double q) const noexcept
{
    if (count == 0) return 0;
    auto const rank = static_cast<std::uint64_t>(q * static_cast<double>(count - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        seen += buckets[i];
        if (seen >= rank) return std::uint64_t{2} << i;
    }
    return std::uint64_t{1} << buckets.size();
}

sample sample_process()
{
    sample s;
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size_pages = 0, resident_pages = 0;
    statm >> size_pages >> resident_pages;
    s.rss_kib = resident_pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++s.open_fds;
    return s;
}

namespace {

template <class Field>
double median(std::vector<sample> const& samples, std::size_t from, std::size_t to, Field field)
{
    std::vector<std::uint64_t> v;
    for (std::size_t i = from; i < to && i < samples.size(); ++i)
        v.push_back(field(samples[i]));
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return static_cast<double>(v[v.size() / 2]);
}

double ratio(double last, double base)
{
    return base == 0 ? 0.0 : last / base - 1.0;
}

} // namespace

flatness assess(std::vector<sample> const& samples)
{
    flatness f;
    if (samples.size() < 10) return f;
    auto const n = samples.size();
    auto const& base = samples[n / 5];
    auto const& last = samples.back();
    f.rss_kib_at_20pct = base.rss_kib;
    f.rss_kib_last = last.rss_kib;
    f.fds_at_20pct = base.open_fds;
    f.fds_last = last.open_fds;
    for (auto const& s : samples)
        f.fds_max = std::max(f.fds_max, s.open_fds);
    f.rss_growth = ratio(static_cast<double>(last.rss_kib), static_cast<double>(base.rss_kib));
    f.fds_growth = ratio(static_cast<double>(last.open_fds), static_cast<double>(base.open_fds));
    auto const rss = [](sample const& s) { return s.rss_kib; };
    auto const fds = [](sample const& s) { return s.open_fds; };
    f.rss_window_growth =
        ratio(median(samples, n - n / 10, n, rss), median(samples, n * 15 / 100, n / 4, rss));
    f.fds_window_growth =
        ratio(median(samples, n - n / 10, n, fds), median(samples, n * 15 / 100, n / 4, fds));
    f.flat = std::abs(f.rss_growth) <= 0.05 && std::abs(f.fds_window_growth) <= 0.05;
    return f;
}

void print_table(std::array<op_counters, op_count> const& counters)
{
    std::printf("\n%-24s %9s %9s %7s %7s %7s %7s %9s %9s\n", "operation", "started", "ok", "4xx", "5xx",
                "transp", "proto", "p50 us", "p99 us");
    for (std::size_t i = 0; i < op_count; ++i) {
        auto const& c = counters[i];
        auto const u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
        std::printf("%-24s %9llu %9llu %7llu %7llu %7llu %7llu %9llu %9llu\n",
                    std::string(op_names[i]).c_str(), u(c.started), u(c.ok), u(c.http_4xx), u(c.http_5xx),
                    u(c.transport), u(c.protocol), u(c.latency.quantile_us(0.5)),
                    u(c.latency.quantile_us(0.99)));
    }
}

} // namespace igtcloud::soak
