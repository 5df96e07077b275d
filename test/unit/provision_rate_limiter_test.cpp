// Unit tests of the provisioning rate limiter (a token bucket), driven by a fake clock: greedy takers record
// when they were let through, and the records are checked against DESIGN.md §9's bound.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

#include "entities/provision/rate_limiter.hpp"

namespace {

namespace data = boost::unit_test::data;
using namespace std::chrono_literals;
using igtcloud::entities::detail::rate_limiter;
using time_point = rate_limiter::clock::time_point;
using duration = rate_limiter::clock::duration;

constexpr time_point t0 = time_point{} + 1h; // the fake clock's start

/// The times a taker that asks again exactly when told to is let through, over [t0, t0 + span).
std::vector<time_point> greedy_takes(double rate, duration span)
{
    rate_limiter limiter(rate, t0);
    std::vector<time_point> takes;
    for (auto now = t0; now < t0 + span;) {
        auto const wait = limiter.take(now);
        if (wait == duration::zero())
            takes.push_back(now);
        else
            now += wait;
    }
    return takes;
}

/// The most takes any closed one-second window [t, t + 1 s] holds.
std::size_t busiest_second(std::vector<time_point> const& takes)
{
    std::size_t most = 0;
    for (std::size_t i = 0, j = 0; i < takes.size(); ++i) {
        while (j < takes.size() && takes[j] <= takes[i] + 1s)
            ++j;
        most = std::max(most, j - i);
    }
    return most;
}

std::vector<double> const rates{0.5, 1.0, 3.0, 9.5, 10.0, 100.0, 1'000.0, 12'345.6};

} // namespace

BOOST_AUTO_TEST_SUITE(rate_limiter_suite)

BOOST_DATA_TEST_CASE(holds_any_second_to_the_bound_on_greedy_takers, data::make(rates), rate)
{
    auto const takes = greedy_takes(rate, 10s);
    BOOST_TEST(busiest_second(takes) <= static_cast<std::size_t>(1.1 * rate + 1), "rate " << rate);
}

BOOST_DATA_TEST_CASE(keeps_the_long_run_rate_on_greedy_takers, data::make(rates), rate)
{
    auto const takes = greedy_takes(rate, 20s);
    // one token at the start, then `rate` per second
    auto const expected = 1.0 + rate * 20.0;
    BOOST_TEST(static_cast<double>(takes.size()) >= expected - 1.0, "rate " << rate);
    BOOST_TEST(static_cast<double>(takes.size()) <= expected + 1.0, "rate " << rate);
}

BOOST_DATA_TEST_CASE(starts_with_one_token_not_a_second_worth_on_a_fresh_bucket, data::make(rates), rate)
{
    rate_limiter limiter(rate, t0);
    BOOST_TEST(limiter.take(t0) == duration::zero());
    auto const wait = limiter.take(t0);
    BOOST_TEST(wait > duration::zero()); // a second request at the start waits
    // and the wait is the time one token takes to come, rounded up to the clock's tick
    auto const expected = std::chrono::duration<double>(1.0 / rate);
    BOOST_TEST(std::chrono::duration<double>(wait).count() >= expected.count());
    BOOST_TEST(std::chrono::duration<double>(wait - duration(1)).count() < expected.count());
}

BOOST_AUTO_TEST_CASE(lets_a_small_burst_through_after_an_idle_time_on_a_rested_bucket)
{
    rate_limiter limiter(100.0, t0);
    BOOST_TEST(limiter.burst() == 10.0);
    BOOST_TEST(limiter.take(t0) == duration::zero());
    auto const later = t0 + 1h; // idle for long: the bucket holds no more than its burst
    std::size_t at_once = 0;
    while (limiter.take(later) == duration::zero())
        ++at_once;
    BOOST_TEST(at_once == 10u);
    BOOST_TEST(rate_limiter(5.0, t0).burst() == 1.0); // never below one token
}

BOOST_AUTO_TEST_CASE(waits_a_nanosecond_at_least_on_a_huge_rate)
{
    rate_limiter limiter(1e12, t0);
    BOOST_TEST(limiter.take(t0) == duration::zero());
    auto const wait = limiter.take(t0);
    BOOST_TEST(wait == duration(1)); // 1 ps rounded up: never zero, which would mean "taken"
    BOOST_TEST(limiter.take(t0 + wait) == duration::zero());
    limiter.take(t0 + 1h);
    BOOST_TEST(limiter.tokens() == 1e11 - 1); // capped at the burst, one taken
    auto const takes = greedy_takes(1e9, 1ms);
    BOOST_TEST(takes.size() >= 999'999u);
    BOOST_TEST(takes.size() <= 1'000'001u);
}

BOOST_AUTO_TEST_CASE(caps_the_wait_on_a_tiny_rate)
{
    rate_limiter slow(1e-3, t0);
    BOOST_TEST(slow.take(t0) == duration::zero());
    BOOST_TEST(std::chrono::duration<double>(slow.take(t0)).count() == 1000.0,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(slow.take(t0 + 1000s) == duration::zero());

    rate_limiter tiny(1e-300, t0);
    BOOST_TEST(tiny.take(t0) == duration::zero());
    auto const wait = tiny.take(t0);
    BOOST_TEST(std::chrono::duration<double>(wait).count() == rate_limiter::max_wait_seconds,
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(tiny.take(t0 + wait) > duration::zero()); // the cap is a wait, not a token
}

BOOST_AUTO_TEST_CASE(gives_nothing_more_on_time_going_nowhere)
{
    rate_limiter limiter(10.0, t0);
    BOOST_TEST(limiter.take(t0) == duration::zero());
    auto const wait = limiter.take(t0 + 50ms);
    BOOST_TEST(wait == duration(50ms));
    for (int i = 0; i < 1000; ++i) // the same instant again and again
        BOOST_TEST_REQUIRE(limiter.take(t0 + 50ms) == wait);
    // an earlier instant counts as no time passed: no tokens appear, none are lost
    BOOST_TEST(limiter.take(t0) == wait);
    auto const last = limiter.take(t0 + 99ms); // 0.01 token short: 1 ms, give or take the rounding up
    BOOST_TEST(last >= duration(1ms) - duration(1));
    BOOST_TEST(last <= duration(1ms) + duration(1));
    BOOST_TEST(limiter.take(t0 + 100ms) == duration::zero());
}

BOOST_AUTO_TEST_SUITE_END()
