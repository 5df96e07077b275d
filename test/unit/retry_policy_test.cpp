// Unit tests of the retry policy: Retry-After parsing against a fixed `now`, full-jitter backoff bounds,
// the retry budget's exact arithmetic (also under concurrency), failure classification, jitter sources.
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "entities/retry/retry_policy.hpp"
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

namespace chr = std::chrono;
namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ent = igtcloud::entities;
using namespace std::chrono_literals;
using igtcloud::entities::retry_options;
using igtcloud::entities::detail::backoff_delay;
using igtcloud::entities::detail::is_retryable_failure;
using igtcloud::entities::detail::is_retryable_status;
using igtcloud::entities::detail::jitter_source;
using igtcloud::entities::detail::parse_retry_after;
using igtcloud::entities::detail::random_jitter;
using igtcloud::entities::detail::retry_budget;
using igtcloud::entities::detail::retry_delay;
using ms = chr::milliseconds;
using time_point = chr::system_clock::time_point;

constexpr long long refused = -1; // parse_retry_after / retry_delay said nullopt
constexpr long long saturated = ms::max().count();

// An instant given as a UTC calendar date and time.
time_point at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0)
{
    return chr::sys_days{chr::year{y} / chr::month{mo} / chr::day{d}} + chr::hours{h} + chr::minutes{mi} +
           chr::seconds{s};
}

// Printable results: milliseconds, or `refused`.
long long wait_ms(std::string_view value, time_point now)
{
    auto const r = parse_retry_after(value, now);
    return r ? r->count() : refused;
}

long long ms_between(time_point from, time_point to)
{
    return chr::duration_cast<ms>(to - from).count();
}

// The RFC 9110 example instant, Sun, 06 Nov 1994 08:49:37 GMT, in its three forms.
constexpr std::string_view imf_example = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr std::string_view rfc850_example = "Sunday, 06-Nov-94 08:49:37 GMT";
constexpr std::string_view asctime_example = "Sun Nov  6 08:49:37 1994";
time_point const example_instant = at(1994, 11, 6, 8, 49, 37);
time_point const now_1994 = example_instant - 37s; // the fixed `now` of most date tests

retry_options backoff(ms initial, ms max)
{
    retry_options o;
    o.initial_backoff = initial;
    o.max_backoff = max;
    return o;
}

retry_options budget_options(double ratio, unsigned burst)
{
    retry_options o;
    o.budget_ratio = ratio;
    o.budget_burst = burst;
    return o;
}

// Spends until refused; returns how many retries went.
unsigned drain(retry_budget& b)
{
    unsigned n = 0;
    while (b.try_spend())
        ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(retry_policy)

// ---------------------------------------------------------------- Retry-After: delay-seconds

BOOST_AUTO_TEST_CASE(reads_seconds_on_delay_seconds)
{
    BOOST_TEST(wait_ms("120", now_1994) == 120'000); // RFC 9110 §10.2.3 example
    BOOST_TEST(wait_ms("1", now_1994) == 1'000);
    BOOST_TEST(wait_ms("0", now_1994) == 0);
    BOOST_TEST(wait_ms("86400", now_1994) == 86'400'000);
    // `now` plays no part in delay-seconds.
    BOOST_TEST(wait_ms("5", time_point{}) == 5'000);
}

BOOST_AUTO_TEST_CASE(accepts_on_leading_zeros)
{
    BOOST_TEST(wait_ms("007", now_1994) == 7'000);
    BOOST_TEST(wait_ms("000", now_1994) == 0);
    // Many leading zeros are not a huge number.
    BOOST_TEST(wait_ms(std::string(200, '0') + "5", now_1994) == 5'000);
}

BOOST_AUTO_TEST_CASE(trims_on_surrounding_whitespace)
{
    BOOST_TEST(wait_ms(" 120", now_1994) == 120'000);
    BOOST_TEST(wait_ms("120 ", now_1994) == 120'000);
    BOOST_TEST(wait_ms("\t 120 \t", now_1994) == 120'000);
    BOOST_TEST(wait_ms(std::string(" \t") + std::string(imf_example) + "\t ", now_1994) == 37'000);
}

BOOST_AUTO_TEST_CASE(saturates_on_huge_delay_seconds)
{
    // The largest number of seconds whose milliseconds fit, and the next one.
    BOOST_TEST(wait_ms("9223372036854775", now_1994) == 9'223'372'036'854'775'000);
    BOOST_TEST(wait_ms("9223372036854776", now_1994) == saturated);
    BOOST_TEST(wait_ms("18446744073709551615", now_1994) == saturated); // 2^64 - 1
    BOOST_TEST(wait_ms("18446744073709551616", now_1994) == saturated); // 2^64
    BOOST_TEST(wait_ms(std::string(1000, '9'), now_1994) == saturated);
    // Saturation does not stop the validation of the remaining characters.
    BOOST_TEST(wait_ms(std::string(1000, '9') + "x", now_1994) == refused);
    BOOST_TEST(wait_ms("18446744073709551616 1", now_1994) == refused);
}

BOOST_AUTO_TEST_CASE(refuses_on_malformed_delay_seconds)
{
    // Signs, fractions, exponents, units, lists, other whitespace, non-ASCII (full-width, Arabic-Indic)
    // digits.
    for (std::string_view bad :
         {"",     " ",    "\t \t",  "-1",      "+1",    "-0",    "1.5",     "1.",    "1e3",    "0x10",
          "12 0", "120s", "120,60", "120, 60", "1_000", "\v120", "120\r\n", "\n120", "１２０", "٣"}) {
        BOOST_TEST_CONTEXT("value '" << bad << "'")
        BOOST_TEST(wait_ms(bad, now_1994) == refused);
    }
    std::string nul_last{"12"};
    nul_last.push_back('\0');
    std::string const nul_first = '\0' + std::string{"12"};
    BOOST_TEST(wait_ms(nul_last, now_1994) == refused);
    BOOST_TEST(wait_ms(nul_first, now_1994) == refused);
}

// ---------------------------------------------------------------- Retry-After: HTTP-date

BOOST_AUTO_TEST_CASE(reads_date_on_rfc_examples)
{
    BOOST_TEST(wait_ms(imf_example, now_1994) == 37'000);
    BOOST_TEST(wait_ms(rfc850_example, now_1994) == 37'000);
    BOOST_TEST(wait_ms(asctime_example, now_1994) == 37'000);
    // RFC 9110 §10.2.3's own Retry-After example.
    BOOST_TEST(wait_ms("Fri, 31 Dec 1999 23:59:59 GMT", at(1999, 12, 31, 23, 58, 59)) == 60'000);
}

BOOST_AUTO_TEST_CASE(agrees_on_every_form_of_one_instant)
{
    auto const now = at(2023, 1, 1);
    auto const want = ms_between(now, at(2024, 2, 29, 23, 5, 9));
    BOOST_TEST(wait_ms("Thu, 29 Feb 2024 23:05:09 GMT", now) == want);
    BOOST_TEST(wait_ms("Thursday, 29-Feb-24 23:05:09 GMT", now) == want);
    BOOST_TEST(wait_ms("Thu Feb 29 23:05:09 2024", now) == want);
    // asctime's day in two digits is also valid (2DIGIT / SP DIGIT).
    BOOST_TEST(wait_ms("Sun Nov 06 08:49:37 1994", now_1994) == 37'000);
    auto const ten = ms_between(now, at(2023, 3, 10, 1, 2, 3));
    BOOST_TEST(wait_ms("Fri, 10 Mar 2023 01:02:03 GMT", now) == ten);
    BOOST_TEST(wait_ms("Fri Mar 10 01:02:03 2023", now) == ten);
}

BOOST_AUTO_TEST_CASE(reads_every_month_and_day_name)
{
    char const* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto const now = at(2000, 1, 1);
    for (unsigned m = 1; m <= 12; ++m) {
        std::string const value = std::string("Sat, 01 ") + months[m - 1] + " 2005 00:00:00 GMT";
        BOOST_TEST_CONTEXT(value)
        BOOST_TEST(wait_ms(value, now) == ms_between(now, at(2005, m, 1)));
    }
    for (std::string_view day : {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
        BOOST_TEST(wait_ms(std::string(day) + ", 06 Nov 1994 08:49:37 GMT", now_1994) == 37'000);
    for (std::string_view day :
         {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
        BOOST_TEST(wait_ms(std::string(day) + ", 06-Nov-94 08:49:37 GMT", now_1994) == 37'000);
    for (std::string_view day : {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
        BOOST_TEST(wait_ms(std::string(day) + " Nov  6 08:49:37 1994", now_1994) == 37'000);
}

BOOST_AUTO_TEST_CASE(ignores_weekday_on_mismatch)
{
    // Robust parsing (RFC 9110 §5.6.7): a valid name that does not match the date is not an error.
    BOOST_TEST(wait_ms("Mon, 06 Nov 1994 08:49:37 GMT", now_1994) == 37'000);
    BOOST_TEST(wait_ms("Friday, 06-Nov-94 08:49:37 GMT", now_1994) == 37'000);
}

BOOST_AUTO_TEST_CASE(gives_zero_on_date_not_in_future)
{
    BOOST_TEST(wait_ms(imf_example, example_instant) == 0);
    BOOST_TEST(wait_ms(imf_example, example_instant + 1ns) == 0);
    BOOST_TEST(wait_ms(imf_example, example_instant + 1h) == 0);
    BOOST_TEST(wait_ms(asctime_example, at(2030, 1, 1)) == 0);
    BOOST_TEST(wait_ms("Sat, 01 Jan 0000 00:00:00 GMT", now_1994) == 0);
}

BOOST_AUTO_TEST_CASE(rounds_up_on_sub_millisecond_now)
{
    BOOST_TEST(wait_ms(imf_example, example_instant - 1ns) == 1);
    BOOST_TEST(wait_ms(imf_example, example_instant - 1ms) == 1);
    BOOST_TEST(wait_ms(imf_example, example_instant - 1001us) == 2);
    BOOST_TEST(wait_ms(imf_example, example_instant - 2s + 250us) == 2'000);
}

BOOST_AUTO_TEST_CASE(computes_without_overflow_on_far_dates)
{
    // Beyond year 2262, where system_clock's nanoseconds end.
    auto const want =
        (chr::sys_days{chr::year{9999} / 12 / 31} + 23h + 59min + 59s - chr::floor<chr::seconds>(now_1994));
    BOOST_TEST(wait_ms("Fri, 31 Dec 9999 23:59:59 GMT", now_1994) == chr::duration_cast<ms>(want).count());
    BOOST_TEST(wait_ms("Fri Dec 31 23:59:59 9999", now_1994) == chr::duration_cast<ms>(want).count());
}

BOOST_AUTO_TEST_CASE(picks_century_on_two_digit_year)
{
    // At most 50 years ahead of the year of `now`; further ahead means the previous century.
    auto const now = at(2024, 6, 1);
    BOOST_TEST(wait_ms("Monday, 01-Jul-24 00:00:00 GMT", now) == ms_between(now, at(2024, 7, 1)));
    BOOST_TEST(wait_ms("Monday, 01-Jan-74 00:00:00 GMT", now) == ms_between(now, at(2074, 1, 1)));
    BOOST_TEST(wait_ms("Monday, 01-Jan-75 00:00:00 GMT", now) == 0); // 1975, not 2075
    BOOST_TEST(wait_ms("Monday, 06-Nov-94 08:49:37 GMT", now) == 0); // 1994
    // Near the end of a century, low digits are the next one.
    auto const late = at(2099, 6, 1);
    BOOST_TEST(wait_ms("Monday, 01-Jan-01 00:00:00 GMT", late) == ms_between(late, at(2101, 1, 1)));
    BOOST_TEST(wait_ms("Monday, 01-Jan-49 00:00:00 GMT", late) == ms_between(late, at(2149, 1, 1)));
    BOOST_TEST(wait_ms("Monday, 01-Jan-50 00:00:00 GMT", late) == 0); // 2050, not 2150
    // The century decides the calendar: 29 Feb 00 exists in 2000, not in 2200.
    BOOST_TEST(wait_ms("Tuesday, 29-Feb-00 00:00:00 GMT", at(1990, 1, 1)) ==
               ms_between(at(1990, 1, 1), at(2000, 2, 29)));
    BOOST_TEST(wait_ms("Tuesday, 29-Feb-00 00:00:00 GMT", at(2160, 1, 1)) == refused);
}

BOOST_AUTO_TEST_CASE(validates_on_calendar_and_clock_fields)
{
    auto const now = at(2000, 1, 1);
    BOOST_TEST(wait_ms("Sat, 29 Feb 2020 00:00:00 GMT", now) == ms_between(now, at(2020, 2, 29)));
    BOOST_TEST(wait_ms("Wed, 31 Dec 2025 23:59:59 GMT", now) ==
               ms_between(now, at(2025, 12, 31, 23, 59, 59)));
    // A leap second is the next minute's first.
    BOOST_TEST(wait_ms("Wed, 31 Dec 2025 23:59:60 GMT", now) == ms_between(now, at(2026, 1, 1)));
    for (std::string_view bad :
         {"Mon, 30 Feb 2015 00:00:00 GMT", "Sun, 29 Feb 2015 00:00:00 GMT", "Sun, 29 Feb 2100 00:00:00 GMT",
          "Sun, 31 Apr 2015 00:00:00 GMT", "Sun, 32 Jan 2015 00:00:00 GMT", "Sun, 00 Jan 2015 00:00:00 GMT",
          "Sun, 01 Jan 2015 24:00:00 GMT", "Sun, 01 Jan 2015 25:00:00 GMT", "Sun, 01 Jan 2015 00:60:00 GMT",
          "Sun, 01 Jan 2015 00:00:61 GMT", "Sun, 01 Jan 2015 99:99:99 GMT", "Sunday, 30-Feb-15 00:00:00 GMT",
          "Sunday, 01-Jan-15 25:00:00 GMT", "Sun Feb 30 00:00:00 2015", "Sun Jan  0 00:00:00 2015",
          "Sun Jan 32 00:00:00 2015", "Sun Jan  1 24:00:00 2015"}) {
        BOOST_TEST_CONTEXT("value '" << bad << "'")
        BOOST_TEST(wait_ms(bad, now) == refused);
    }
}

BOOST_AUTO_TEST_CASE(refuses_on_bad_names)
{
    for (std::string_view bad :
         {"Sux, 06 Nov 1994 08:49:37 GMT", "sun, 06 Nov 1994 08:49:37 GMT", "SUN, 06 Nov 1994 08:49:37 GMT",
          "Su, 06 Nov 1994 08:49:37 GMT", ", 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nox 1994 08:49:37 GMT",
          "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nove 1994 08:49:37 GMT", "Sun, 06 No 1994 08:49:37 GMT",
          "Sun, 06 November 1994 08:49:37 GMT", "Sunnyday, 06-Nov-94 08:49:37 GMT",
          "sunday, 06-Nov-94 08:49:37 GMT", "Sunday, 06-Nox-94 08:49:37 GMT", "Sux Nov  6 08:49:37 1994",
          "Sun Nox  6 08:49:37 1994", "Sun nov  6 08:49:37 1994"}) {
        BOOST_TEST_CONTEXT("value '" << bad << "'")
        BOOST_TEST(wait_ms(bad, now_1994) == refused);
    }
}

BOOST_AUTO_TEST_CASE(refuses_on_mixed_forms)
{
    for (std::string_view bad : {"Sunday, 06 Nov 1994 08:49:37 GMT", // long day name, IMF body
                                 "Sun, 06-Nov-94 08:49:37 GMT",      // short day name, RFC 850 body
                                 "Sunday Nov  6 08:49:37 1994",      // long day name, asctime body
                                 "Sun, Nov  6 08:49:37 1994",        // comma, asctime body
                                 "Sun Nov  6 08:49:37 1994 GMT",     // asctime with a zone
                                 "Sun 06 Nov 1994 08:49:37 GMT",     // IMF without the comma
                                 "Sun, 06 Nov 1994 08:49:37",        // IMF without the zone
                                 "Sunday, 06-Nov-1994 08:49:37 GMT", // RFC 850 with a four-digit year
                                 "Sun, 06 Nov 94 08:49:37 GMT",      // IMF with a two-digit year
                                 "Sun Nov  6 08:49:37 94"}) {        // asctime with a two-digit year
        BOOST_TEST_CONTEXT("value '" << bad << "'")
        BOOST_TEST(wait_ms(bad, now_1994) == refused);
    }
}

BOOST_AUTO_TEST_CASE(refuses_on_wrong_layout)
{
    for (std::string_view bad : {"Sun, 06 Nov 1994 08:49:37 GMT x",
                                 "Sun, 06 Nov 1994 08:49:37 GMTx",
                                 "Sun, 06 Nov 1994 08:49:37 UTC",
                                 "Sun, 06 Nov 1994 08:49:37 gmt",
                                 "Sun, 06 Nov 1994 08:49:37 +0000",
                                 "Sun,06 Nov 1994 08:49:37 GMT",
                                 "Sun,  06 Nov 1994 08:49:37 GMT",
                                 "Sun, 6 Nov 1994 08:49:37 GMT",
                                 "Sun, 06  Nov 1994 08:49:37 GMT",
                                 "Sun, 06 Nov 1994  08:49:37 GMT",
                                 "Sun, 06 Nov 1994 8:49:37 GMT",
                                 "Sun, 06 Nov 1994 08:49 GMT",
                                 "Sun, 06 Nov 1994 08:49:37.5 GMT",
                                 "Sun, 06 Nov 1994 08-49-37 GMT",
                                 "Sun, 06 Nov 01994 08:49:37 GMT",
                                 "Sun, -6 Nov 1994 08:49:37 GMT",
                                 "Sun, 06 Nov +994 08:49:37 GMT",
                                 "Sun, 06-Nov-1994 08:49:37 GMT",
                                 "Sunday, 06 Nov 94 08:49:37 GMT",
                                 "Sunday, 6-Nov-94 08:49:37 GMT",
                                 "Sunday, 06-Nov-94 08:49:37",
                                 "Sunday,06-Nov-94 08:49:37 GMT",
                                 "Sun Nov 6 08:49:37 1994",
                                 "Sun Nov   6 08:49:37 1994",
                                 "Sun  Nov  6 08:49:37 1994",
                                 "Sun Nov  6 08:49:37  1994",
                                 "Sun Nov  6 08:49:37 1994 x",
                                 "Sun Nov  6 08:49:37 19945",
                                 "Sun Nov 006 08:49:37 1994",
                                 "Sun\tNov  6 08:49:37 1994",
                                 "Sun,\t06 Nov 1994 08:49:37 GMT",
                                 "Sun, 06 Nov 1994 08:49:37 GMT, 120",
                                 "1994-11-06T08:49:37Z",
                                 "Sun, 06 Nov 1994 08:49:37 GMT\r\n"}) {
        BOOST_TEST_CONTEXT("value '" << bad << "'")
        BOOST_TEST(wait_ms(bad, now_1994) == refused);
    }
    std::string with_nul{imf_example};
    with_nul[4] = '\0';
    BOOST_TEST(wait_ms(with_nul, now_1994) == refused);
}

BOOST_AUTO_TEST_CASE(refuses_on_every_truncation)
{
    for (std::string_view full : {imf_example, rfc850_example, asctime_example}) {
        BOOST_TEST_REQUIRE(wait_ms(full, now_1994) == 37'000);
        for (std::size_t n = 0; n < full.size(); ++n) {
            BOOST_TEST_CONTEXT("value '" << full.substr(0, n) << "'")
            BOOST_TEST(wait_ms(full.substr(0, n), now_1994) == refused);
        }
    }
}

// ---------------------------------------------------------------- backoff_delay / retry_delay

BOOST_AUTO_TEST_CASE(stays_within_cap_on_random_inputs)
{
    auto const o = backoff(100ms, 5'000ms);
    std::mt19937_64 rng{20240601};
    for (unsigned n = 1; n <= 10; ++n) {
        long long const cap = std::min(5'000LL, 100LL << (n - 1));
        long long low = cap;
        long long high = 0;
        unsigned lower_half = 0;
        unsigned upper_half = 0;
        constexpr unsigned draws = 20'000;
        for (unsigned i = 0; i < draws; ++i) {
            long long const d = backoff_delay(o, n, rng()).count();
            BOOST_TEST_REQUIRE(d >= 0);
            BOOST_TEST_REQUIRE(d <= cap);
            low = std::min(low, d);
            high = std::max(high, d);
            (2 * d < cap ? lower_half : upper_half) += 1;
        }
        BOOST_TEST_CONTEXT("retry " << n << ", cap " << cap)
        {
            // Full jitter spreads over the whole range: ends reached, halves evenly hit.
            BOOST_TEST(low * 50 <= cap);
            BOOST_TEST(high * 50 >= cap * 49);
            BOOST_TEST(lower_half > draws * 2 / 5);
            BOOST_TEST(upper_half > draws * 2 / 5);
        }
    }
}

BOOST_AUTO_TEST_CASE(doubles_until_max_on_successive_retries)
{
    auto const o = backoff(100ms, 5'000ms);
    long long const caps[] = {100, 200, 400, 800, 1'600, 3'200, 5'000, 5'000};
    for (unsigned n = 1; n <= 8; ++n) {
        auto const cap = caps[n - 1];
        BOOST_TEST_CONTEXT("retry " << n)
        {
            // The ends are reachable, and cap + 1 wraps to 0: the range is exactly [0, cap].
            BOOST_TEST(backoff_delay(o, n, 0).count() == 0);
            BOOST_TEST(backoff_delay(o, n, static_cast<std::uint64_t>(cap)).count() == cap);
            BOOST_TEST(backoff_delay(o, n, static_cast<std::uint64_t>(cap) + 1).count() == 0);
            BOOST_TEST(backoff_delay(o, n, static_cast<std::uint64_t>(cap) - 1).count() == cap - 1);
        }
    }
    // 0 is taken as the first retry.
    BOOST_TEST(backoff_delay(o, 0, 100).count() == 100);
    BOOST_TEST(backoff_delay(o, 0, 101).count() == 0);
}

BOOST_AUTO_TEST_CASE(caps_without_overflow_on_large_retry_numbers)
{
    auto const o = backoff(100ms, 5'000ms);
    for (unsigned n : {31u, 32u, 33u, 62u, 63u, 64u, 65u, 1000u, std::numeric_limits<unsigned>::max()}) {
        BOOST_TEST_CONTEXT("retry " << n)
        {
            BOOST_TEST(backoff_delay(o, n, 5'000).count() == 5'000);
            BOOST_TEST(backoff_delay(o, n, 5'001).count() == 0);
            BOOST_TEST(backoff_delay(o, n, std::numeric_limits<std::uint64_t>::max()).count() <= 5'000);
        }
    }
    // Extreme settings: the cap itself near the top of the representable range.
    auto const huge = backoff(1ms, ms::max());
    BOOST_TEST(backoff_delay(huge, 62, std::uint64_t{1} << 61).count() == (1LL << 61));
    BOOST_TEST(backoff_delay(huge, 62, (std::uint64_t{1} << 61) + 1).count() == 0);
    BOOST_TEST(backoff_delay(huge, 63, std::uint64_t{1} << 62).count() == (1LL << 62));
    BOOST_TEST(backoff_delay(huge, 64, std::numeric_limits<std::uint64_t>::max()).count() ==
               ms::max().count());
    BOOST_TEST(backoff_delay(huge, 1000, (std::uint64_t{1} << 63) - 1).count() == ms::max().count());
    auto const top = backoff(ms::max(), ms::max());
    BOOST_TEST(backoff_delay(top, 2, std::numeric_limits<std::uint64_t>::max()).count() == ms::max().count());
    BOOST_TEST(backoff_delay(top, 64, std::uint64_t{1} << 63).count() == 0);
}

BOOST_AUTO_TEST_CASE(caps_at_max_on_initial_above_max)
{
    auto const o = backoff(10'000ms, 5'000ms);
    BOOST_TEST(backoff_delay(o, 1, 5'000).count() == 5'000);
    BOOST_TEST(backoff_delay(o, 1, 5'001).count() == 0);
}

BOOST_AUTO_TEST_CASE(gives_zero_on_non_positive_settings)
{
    auto const any = std::numeric_limits<std::uint64_t>::max();
    for (auto const& o : {backoff(0ms, 5'000ms), backoff(-5ms, 5'000ms), backoff(100ms, 0ms),
                          backoff(100ms, -1ms), backoff(ms::min(), ms::min()), backoff(0ms, 0ms)})
        for (unsigned n : {0u, 1u, 2u, 64u, 1000u})
            BOOST_TEST(backoff_delay(o, n, any).count() == 0);
}

BOOST_AUTO_TEST_CASE(prefers_retry_after_on_retry_delay)
{
    retry_options o; // max_retry_after 30 s, backoff 100 ms .. 5 s
    auto const delay = [&](std::optional<ms> retry_after, unsigned n = 1, std::uint64_t random = 77) {
        auto const r = retry_delay(o, n, random, retry_after);
        return r ? r->count() : refused;
    };
    // No Retry-After: the backoff.
    BOOST_TEST(delay(std::nullopt, 1, 77) == 77);
    BOOST_TEST(delay(std::nullopt, 3, 401) == 0);
    BOOST_TEST(delay(std::nullopt, 3, 399) == 399);
    // Retry-After as asked, neither jittered nor capped by max_backoff, up to max_retry_after.
    BOOST_TEST(delay(0ms) == 0);
    BOOST_TEST(delay(1'000ms) == 1'000);
    BOOST_TEST(delay(20'000ms, 9, 3) == 20'000);
    BOOST_TEST(delay(30'000ms) == 30'000);
    // Longer than max_retry_after: no retry.
    BOOST_TEST(delay(30'001ms) == refused);
    BOOST_TEST(delay(ms::max()) == refused);
    o.max_retry_after = 0ms;
    BOOST_TEST(delay(0ms) == 0);
    BOOST_TEST(delay(1ms) == refused);
}

// ---------------------------------------------------------------- retry_budget

BOOST_AUTO_TEST_CASE(spends_burst_then_one_per_ten_on_defaults)
{
    retry_budget b{retry_options{}}; // ratio 0.1, burst 10
    BOOST_TEST(b.balance() == 10.0);
    BOOST_TEST(drain(b) == 10u);
    BOOST_TEST(b.balance() == 0.0);
    for (int cycle = 0; cycle < 50; ++cycle) {
        BOOST_TEST_CONTEXT("cycle " << cycle)
        {
            for (int i = 0; i < 9; ++i) {
                b.record_request();
                BOOST_TEST(!b.try_spend());
            }
            b.record_request(); // the tenth: exactly 1.0, not 0.9999999999999999
            BOOST_TEST(b.try_spend());
            BOOST_TEST(!b.try_spend());
        }
    }
}

BOOST_AUTO_TEST_CASE(deposits_exactly_on_decimal_ratio)
{
    retry_budget b{budget_options(0.3, 5)};
    BOOST_TEST(drain(b) == 5u);
    for (int i = 0; i < 10; ++i)
        b.record_request();
    BOOST_TEST(drain(b) == 3u); // 10 * 0.3 == 3 exactly (summing doubles gives 2.9999999999999996)
    for (int i = 0; i < 3; ++i)
        b.record_request();
    BOOST_TEST(!b.try_spend()); // 0.9
    b.record_request();
    BOOST_TEST(b.try_spend()); // 1.2
    BOOST_TEST(b.balance() == 0.2);
}

BOOST_AUTO_TEST_CASE(caps_balance_on_burst)
{
    retry_budget b{retry_options{}};
    for (int i = 0; i < 1000; ++i)
        b.record_request();
    BOOST_TEST(b.balance() == 10.0);
    BOOST_TEST(drain(b) == 10u);
    // Partly spent, then refilled: still capped.
    for (int i = 0; i < 1000; ++i)
        b.record_request();
    BOOST_TEST(b.try_spend());
    for (int i = 0; i < 5; ++i)
        b.record_request();
    BOOST_TEST(b.balance() == 9.5);
    for (int i = 0; i < 50; ++i)
        b.record_request();
    BOOST_TEST(drain(b) == 10u);
}

BOOST_AUTO_TEST_CASE(refills_nothing_on_negative_or_nan_ratio)
{
    for (double ratio : {-0.1, -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN(), 0.0, -0.0}) {
        BOOST_TEST_CONTEXT("ratio " << ratio)
        {
            retry_budget b{budget_options(ratio, 3)};
            BOOST_TEST(drain(b) == 3u);
            for (int i = 0; i < 1000; ++i)
                b.record_request();
            BOOST_TEST(!b.try_spend());
        }
    }
}

BOOST_AUTO_TEST_CASE(refills_to_burst_on_huge_ratio)
{
    for (double ratio : {7.0, 1e300, std::numeric_limits<double>::infinity()}) {
        BOOST_TEST_CONTEXT("ratio " << ratio)
        {
            retry_budget b{budget_options(ratio, 7)};
            BOOST_TEST(drain(b) == 7u);
            b.record_request();
            BOOST_TEST(drain(b) == 7u);
        }
    }
    retry_budget one{budget_options(1.0, 2)};
    BOOST_TEST(drain(one) == 2u);
    one.record_request();
    BOOST_TEST(drain(one) == 1u);
}

BOOST_AUTO_TEST_CASE(allows_nothing_on_zero_burst)
{
    retry_budget b{budget_options(1.0, 0)};
    BOOST_TEST(!b.try_spend());
    for (int i = 0; i < 100; ++i)
        b.record_request();
    BOOST_TEST(!b.try_spend());
    BOOST_TEST(b.balance() == 0.0);
}

BOOST_AUTO_TEST_CASE(holds_bound_on_every_window)
{
    // A random mix of operations and retry attempts: in every window [i, j) of the run,
    // retries allowed <= burst + ratio * operations, i.e. 10 * retries <= 10 * 10 + operations.
    retry_budget b{retry_options{}};
    std::mt19937_64 rng{7};
    std::vector<int> ops{0};     // prefix sums
    std::vector<int> retries{0}; // prefix sums
    constexpr int steps = 3'000;
    for (int i = 0; i < steps; ++i) {
        // The burst first, then one operation per two attempts: the budget runs dry, never full.
        bool const op = i >= 10 && rng() % 3 == 0;
        int spent = 0;
        if (op)
            b.record_request();
        else
            spent = b.try_spend() ? 1 : 0;
        ops.push_back(ops.back() + (op ? 1 : 0));
        retries.push_back(retries.back() + spent);
    }
    bool ok = true;
    for (int i = 0; i <= steps && ok; ++i)
        for (int j = i; j <= steps && ok; ++j)
            ok = 10 * (retries[j] - retries[i]) <= 100 + (ops[j] - ops[i]);
    BOOST_TEST(ok);
    // And it is tight: nothing was lost, the burst plus every whole retry deposited could be spent.
    BOOST_TEST(retries.back() > 100);
    BOOST_TEST(retries.back() + static_cast<int>(drain(b)) == 10 + ops.back() / 10);
}

BOOST_AUTO_TEST_CASE(never_overspends_on_concurrent_threads)
{
    constexpr unsigned threads = 8;
    {
        // No deposits: exactly the burst goes, however the threads interleave.
        retry_budget b{budget_options(0.0, 5'000)};
        std::atomic<unsigned> spent{0};
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                for (int i = 0; i < 20'000; ++i)
                    if (b.try_spend()) spent.fetch_add(1, std::memory_order_relaxed);
            });
        for (auto& th : pool)
            th.join();
        BOOST_TEST(spent.load() == 5'000u);
        BOOST_TEST(b.balance() == 0.0);
    }
    {
        // Deposits and spends racing: never more than burst + ratio * operations, nothing lost below the cap.
        retry_budget b{budget_options(0.1, 10)};
        BOOST_TEST(drain(b) == 10u);
        std::atomic<unsigned> spent{0};
        constexpr int per_thread = 20'000;
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    if (t % 2 == 0) b.record_request();
                    if (b.try_spend()) spent.fetch_add(1, std::memory_order_relaxed);
                }
            });
        for (auto& th : pool)
            th.join();
        // Every depositor also spends right after each deposit, so the balance stays far below the cap:
        // nothing is lost, and the deposits (a whole number of retries) are spent exactly.
        auto const total = spent.load() + drain(b);
        unsigned const deposited = threads / 2 * per_thread / 10;
        BOOST_TEST(total == deposited);
    }
}

// ---------------------------------------------------------------- classification

BOOST_AUTO_TEST_CASE(retries_only_on_429_502_503_504)
{
    std::set<unsigned> const retryable{429, 502, 503, 504};
    for (unsigned s = 0; s < 1000; ++s) {
        BOOST_TEST_CONTEXT("status " << s)
        BOOST_TEST(is_retryable_status(s) == (retryable.count(s) == 1));
    }
    BOOST_TEST(!is_retryable_status(429 + 65536));
    BOOST_TEST(!is_retryable_status(std::numeric_limits<unsigned>::max()));
}

BOOST_AUTO_TEST_CASE(retries_on_transport_failures)
{
    boost::system::error_code const yes[] = {
        asio::error::connection_refused,   asio::error::connection_reset,
        asio::error::connection_aborted,   asio::error::broken_pipe,
        asio::error::not_connected,        asio::error::network_unreachable,
        asio::error::host_unreachable,     asio::error::eof,
        http::error::end_of_stream,        http::error::partial_message,
        asio::ssl::error::stream_truncated};
    for (auto const& ec : yes) {
        BOOST_TEST_CONTEXT(ec.category().name() << ":" << ec.value() << " " << ec.message())
        BOOST_TEST(is_retryable_failure(ec));
    }
}

BOOST_AUTO_TEST_CASE(does_not_retry_on_other_failures)
{
    auto const ssl_error = [](int reason) {
        return boost::system::error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
                                         asio::error::get_ssl_category());
    };
    boost::system::error_code const no[] = {
        {}, // success
        asio::error::operation_aborted,
        asio::error::timed_out,
        boost::beast::error::timeout,
        ent::make_error_code(ent::error::timeout),
        ent::make_error_code(ent::error::invalid_argument),
        ent::make_error_code(ent::error::invalid_response),
        ent::make_error_code(ent::error::response_too_large),
        ent::make_error_code(ent::error::unexpected_status),
        ent::make_error_code(ent::error::shut_down),
        ent::make_error_code(ent::http_status::too_many_requests),
        ent::make_error_code(ent::http_status::service_unavailable),
        ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED),
        ssl_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE),
        ssl_error(SSL_R_WRONG_VERSION_NUMBER),
        asio::ssl::error::unspecified_system_error,
        http::error::body_limit,
        http::error::bad_version,
        http::error::bad_status,
        http::error::header_limit,
        asio::error::host_not_found,
        asio::error::host_not_found_try_again,
        asio::error::access_denied,
        asio::error::address_in_use,
        asio::error::message_size,
        asio::error::already_open, // asio.misc, as eof, but another value
        asio::error::not_found,
        // The retryable values under other categories: the category counts.
        boost::system::error_code(asio::error::connection_refused, ent::error_category()),
        boost::system::error_code(asio::error::connection_reset, ent::http_category()),
        boost::system::error_code(asio::error::eof, boost::system::system_category()),
        boost::system::error_code(static_cast<int>(asio::ssl::error::stream_truncated),
                                  asio::error::get_misc_category()),
        boost::system::error_code(static_cast<int>(http::error::end_of_stream),
                                  asio::error::get_misc_category()),
        boost::system::error_code(asio::error::connection_refused, boost::system::generic_category()),
    };
    for (auto const& ec : no) {
        BOOST_TEST_CONTEXT(ec.category().name() << ":" << ec.value() << " " << ec.message())
        BOOST_TEST(!is_retryable_failure(ec));
    }
}

// ---------------------------------------------------------------- jitter

BOOST_AUTO_TEST_CASE(repeats_splitmix64_on_same_seed)
{
    // Reference outputs of splitmix64 (Vigna's splitmix64.c) for seed 0.
    jitter_source zero{0};
    BOOST_TEST(zero() == 0xe220a8397b1dcdafu);
    BOOST_TEST(zero() == 0x6e789e6aa1b965f4u);
    BOOST_TEST(zero() == 0x06c45d188009454fu);
    jitter_source a{1234567};
    jitter_source b{1234567};
    jitter_source c{1234568};
    for (int i = 0; i < 100; ++i) {
        auto const x = a();
        BOOST_TEST(x == b());
        BOOST_TEST(x != c());
    }
}

BOOST_AUTO_TEST_CASE(differs_on_calls_and_threads)
{
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(random_jitter());
    BOOST_TEST(seen.size() == 1000u);
    // Every thread has its own seed: no two threads start the same sequence.
    constexpr unsigned threads = 8;
    std::vector<std::uint64_t> firsts(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&firsts, t] { firsts[t] = random_jitter(); });
    for (auto& th : pool)
        th.join();
    std::set<std::uint64_t> const distinct(firsts.begin(), firsts.end());
    BOOST_TEST(distinct.size() == threads);
    for (auto f : firsts)
        BOOST_TEST(seen.count(f) == 0u);
}

BOOST_AUTO_TEST_CASE(spreads_backoff_on_random_jitter)
{
    // The real source drives backoff_delay over its whole range.
    auto const o = backoff(1'000ms, 1'000ms);
    long long low = 1'000;
    long long high = 0;
    for (int i = 0; i < 10'000; ++i) {
        long long const d = backoff_delay(o, 1, random_jitter()).count();
        low = std::min(low, d);
        high = std::max(high, d);
    }
    BOOST_TEST(low < 20);
    BOOST_TEST(high > 980);
}

BOOST_AUTO_TEST_SUITE_END()
