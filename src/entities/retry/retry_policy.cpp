// Retry decisions: Retry-After parsing, full-jitter backoff, the retry budget, failure classification.
// The HTTP-date parser is hand-written (no locale, no std::get_time, no sscanf): it reads the RFC 9110
// grammar left to right with a small cursor, and the C++20 calendar types validate the date.
#include "entities/retry/retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>

namespace igtcloud::entities::detail {
namespace {

namespace chr = std::chrono;
using ms = chr::milliseconds;

constexpr std::string_view short_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::string_view long_days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};
constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

constexpr bool is_alpha(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

template <std::size_t N>
constexpr bool is_one_of(std::string_view const (&names)[N], std::string_view word) noexcept
{
    return std::find(std::begin(names), std::end(names), word) != std::end(names);
}

// A left-to-right reader of one field value; every read either consumes what it matched or fails.
class cursor {
public:
    explicit constexpr cursor(std::string_view s) noexcept : s_{s} {}

    constexpr bool at_end() const noexcept { return pos_ == s_.size(); }
    constexpr bool next_is(char c) const noexcept { return pos_ < s_.size() && s_[pos_] == c; }

    // Consumes `text` when the input continues with it.
    constexpr bool literal(std::string_view text) noexcept
    {
        if (s_.substr(pos_).substr(0, text.size()) != text) return false;
        pos_ += text.size();
        return true;
    }

    // Consumes exactly `width` digits (no sign, no space) into `out`.
    constexpr bool digits(std::size_t width, int& out) noexcept
    {
        if (s_.size() - pos_ < width) return false;
        int value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            char const c = s_[pos_ + i];
            if (!is_digit(c)) return false;
            value = value * 10 + (c - '0');
        }
        pos_ += width;
        out = value;
        return true;
    }

    // Consumes the longest run of ASCII letters (possibly empty).
    constexpr std::string_view word() noexcept
    {
        std::size_t const first = pos_;
        while (pos_ < s_.size() && is_alpha(s_[pos_]))
            ++pos_;
        return s_.substr(first, pos_ - first);
    }

    // Consumes a month name; `out` is 1 for "Jan".
    constexpr bool month(unsigned& out) noexcept
    {
        auto const name = word();
        auto const it = std::find(std::begin(months), std::end(months), name);
        if (it == std::end(months)) return false;
        out = static_cast<unsigned>(it - std::begin(months)) + 1;
        return true;
    }

    // Consumes time-of-day "HH:MM:SS" (hour 00-23, minute 00-59, second 00-60) into the time since midnight.
    constexpr bool time_of_day(chr::seconds& out) noexcept
    {
        int h = 0;
        int m = 0;
        int s = 0;
        if (!digits(2, h) || !literal(":") || !digits(2, m) || !literal(":") || !digits(2, s)) return false;
        if (h > 23 || m > 59 || s > 60) return false;
        out = chr::hours{h} + chr::minutes{m} + chr::seconds{s};
        return true;
    }

private:
    std::string_view s_;
    std::size_t pos_{};
};

// The instant of a calendar date and a time of day (UTC), or nullopt for an invalid date.
std::optional<chr::sys_seconds> instant(int y, unsigned m, int d, chr::seconds time) noexcept
{
    chr::year_month_day const date{chr::year{y}, chr::month{m}, chr::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return chr::sys_days{date} + time;
}

// The full year of a two-digit RFC 850 year: the one ending in `yy` in (now - 50, now + 50].
int full_year(int yy, chr::system_clock::time_point now) noexcept
{
    int const current = static_cast<int>(chr::year_month_day{chr::floor<chr::days>(now)}.year());
    int year = current - ((current % 100) + 100) % 100 + yy;
    if (year > current + 50) year -= 100;
    if (year <= current - 50) year += 100;
    return year;
}

// IMF-fixdate after "Sun, ": "06 Nov 1994 08:49:37 GMT".
std::optional<chr::sys_seconds> imf_fixdate(cursor& c) noexcept
{
    int d = 0;
    unsigned m = 0;
    int y = 0;
    chr::seconds t{};
    if (!c.digits(2, d) || !c.literal(" ") || !c.month(m) || !c.literal(" ") || !c.digits(4, y) ||
        !c.literal(" ") || !c.time_of_day(t) || !c.literal(" GMT") || !c.at_end())
        return std::nullopt;
    return instant(y, m, d, t);
}

// RFC 850 date after "Sunday, ": "06-Nov-94 08:49:37 GMT".
std::optional<chr::sys_seconds> rfc850_date(cursor& c, chr::system_clock::time_point now) noexcept
{
    int d = 0;
    unsigned m = 0;
    int yy = 0;
    chr::seconds t{};
    if (!c.digits(2, d) || !c.literal("-") || !c.month(m) || !c.literal("-") || !c.digits(2, yy) ||
        !c.literal(" ") || !c.time_of_day(t) || !c.literal(" GMT") || !c.at_end())
        return std::nullopt;
    return instant(full_year(yy, now), m, d, t);
}

// asctime date after "Sun ": "Nov  6 08:49:37 1994" (day as SP DIGIT or 2DIGIT).
std::optional<chr::sys_seconds> asctime_date(cursor& c) noexcept
{
    int d = 0;
    unsigned m = 0;
    int y = 0;
    chr::seconds t{};
    if (!c.month(m) || !c.literal(" ")) return std::nullopt;
    bool const day_ok = c.literal(" ") ? c.digits(1, d) : c.digits(2, d);
    if (!day_ok || !c.literal(" ") || !c.time_of_day(t) || !c.literal(" ") || !c.digits(4, y) || !c.at_end())
        return std::nullopt;
    return instant(y, m, d, t);
}

std::optional<chr::sys_seconds> http_date(std::string_view text, chr::system_clock::time_point now) noexcept
{
    cursor c{text};
    auto const day_name = c.word();
    if (c.literal(", ")) {
        if (is_one_of(short_days, day_name)) return imf_fixdate(c);
        if (is_one_of(long_days, day_name)) return rfc850_date(c, now);
        return std::nullopt;
    }
    if (is_one_of(short_days, day_name) && c.literal(" ")) return asctime_date(c);
    return std::nullopt;
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

    auto const date = http_date(value, now);
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
