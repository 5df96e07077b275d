// Retry decisions: Retry-After parsing, full-jitter backoff, the retry budget, failure classification.
// A Retry-After date goes to the HTTP-date parser beside the RFC 3339 one (date_time.cpp).
#include "entities/retry/retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>

#include "entities/date_time.hpp"

namespace igtcloud::entities::detail {
namespace {

namespace chr = std::chrono;
using ms = chr::milliseconds;

constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

// delay-seconds: 1*DIGIT, saturating at ms::max().
std::optional<ms> delay_seconds(std::string_view text) noexcept
{
    constexpr auto max_seconds = static_cast<std::uint64_t>(ms::max().count() / 1000);
    std::uint64_t seconds = 0;
    bool saturated = false;
    for (char const c : text) {
        if (!is_digit(c)) return std::nullopt;
        if (saturated) continue; // still check every character
        seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
        saturated = seconds > max_seconds;
    }
    if (saturated) return ms::max();
    return ms{static_cast<ms::rep>(seconds) * 1000};
}

// ratio in fixed-point units, at most `cap`; 0 for negative, zero or NaN.
std::uint64_t deposit_for(double ratio, std::uint64_t unit, std::uint64_t cap) noexcept
{
    if (!(ratio > 0)) return 0;
    double const units = ratio * static_cast<double>(unit);
    if (units >= static_cast<double>(cap)) return cap;
    return std::min(cap, static_cast<std::uint64_t>(std::llround(units)));
}

// A seed unique to this thread: random_device when it works, always mixed with a process-wide counter
// and the address of a thread-local, so two threads never share a sequence.
std::uint64_t thread_seed(void const* thread_address) noexcept
{
    static std::atomic<std::uint64_t> counter{0};
    std::uint64_t seed = 0;
    try {
        std::random_device device;
        seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    } catch (...) { // no entropy source: the mix below still differs per thread
    }
    auto const mix = counter.fetch_add(1, std::memory_order_relaxed) ^
                     static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(thread_address));
    jitter_source mixer{mix};
    return seed ^ mixer();
}

} // namespace

std::optional<ms> parse_retry_after(std::string_view value, chr::system_clock::time_point now) noexcept
{
    while (!value.empty() && is_ows(value.front()))
        value.remove_prefix(1);
    while (!value.empty() && is_ows(value.back()))
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (is_digit(value.front())) return delay_seconds(value);

    auto const date = parse_http_date(value, now);
    if (!date) return std::nullopt;
    // Milliseconds on both sides: system_clock's nanoseconds cannot hold years past 2262. The date is a
    // whole second, so (date - floor(now)) is the exact wait rounded up to a millisecond.
    auto const wait = chr::time_point_cast<ms>(*date) - chr::floor<ms>(now);
    return std::max(wait, ms{0});
}

ms backoff_delay(retry_options const& options, unsigned retry_number, std::uint64_t random) noexcept
{
    auto const initial = options.initial_backoff.count();
    auto const max = options.max_backoff.count();
    if (initial <= 0 || max <= 0) return ms{0};
    unsigned const shift = retry_number == 0 ? 0 : retry_number - 1;
    // initial * 2^shift <= max  <=>  initial <= floor(max / 2^shift), which cannot overflow.
    auto cap = max;
    if (shift < 63 && initial <= (max >> shift)) cap = initial << shift;
    return ms{static_cast<ms::rep>(random % (static_cast<std::uint64_t>(cap) + 1))};
}

std::optional<ms> retry_delay(retry_options const& options, unsigned retry_number, std::uint64_t random,
                              std::optional<ms> retry_after) noexcept
{
    if (!retry_after) return backoff_delay(options, retry_number, random);
    if (*retry_after > options.max_retry_after) return std::nullopt;
    return *retry_after;
}

bool is_retryable_status(unsigned status) noexcept
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

bool is_retryable_failure(boost::system::error_code ec) noexcept
{
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    // error_code == enum compares category and value exactly (no equivalence through conditions).
    return ec == asio::error::connection_refused || ec == asio::error::connection_reset ||
           ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
           ec == asio::error::not_connected || ec == asio::error::network_unreachable ||
           ec == asio::error::host_unreachable || ec == asio::error::eof ||
           ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == asio::ssl::error::stream_truncated;
}

retry_budget::retry_budget(retry_options const& options) noexcept
    : cap_{std::uint64_t{options.budget_burst} * unit}
    , deposit_{deposit_for(options.budget_ratio, unit, cap_)}
    , balance_{cap_}
{}

void retry_budget::record_request() noexcept
{
    if (deposit_ == 0) return;
    // No overflow: balance <= cap_ and deposit_ <= cap_ <= 2^32 * 10^9 < 2^63.
    auto current = balance_.load(std::memory_order_relaxed);
    while (current < cap_ && !balance_.compare_exchange_weak(current, std::min(cap_, current + deposit_),
                                                             std::memory_order_relaxed))
        ;
}

bool retry_budget::try_spend() noexcept
{
    // Relaxed is enough: the balance guards no other data, and each change is one atomic read-modify-write.
    auto current = balance_.load(std::memory_order_relaxed);
    do {
        if (current < unit) return false;
    } while (!balance_.compare_exchange_weak(current, current - unit, std::memory_order_relaxed));
    return true;
}

double retry_budget::balance() const noexcept
{
    return static_cast<double>(balance_.load(std::memory_order_relaxed)) / static_cast<double>(unit);
}

std::uint64_t jitter_source::operator()() noexcept
{
    // splitmix64 (Steele, Lea, Flood 2014; Vigna's constants).
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

std::uint64_t random_jitter() noexcept
{
    thread_local char address_of_this_thread;
    thread_local jitter_source source{thread_seed(&address_of_this_thread)};
    return source();
}

} // namespace igtcloud::entities::detail
