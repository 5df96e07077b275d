// Unit tests of the attempt loop's policy (replay, refresh, retry, done), driven by a fake clock.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <random>

#include "entities/retry/attempt_policy.hpp"
#include "entities/retry/retry_policy.hpp"

namespace igtcloud::entities::detail {
// Printable decisions, for BOOST_TEST's messages.
inline std::ostream& operator<<(std::ostream& os, attempt_action a)
{
    constexpr char const* names[] = {"replay_fresh", "refresh_tokens", "retry_after", "done"};
    return os << names[static_cast<int>(a)];
}
inline std::ostream& operator<<(std::ostream& os, attempt_decision const& d)
{
    return os << d.action << "(" << d.delay.count() << " ms)";
}
} // namespace igtcloud::entities::detail

namespace {

namespace data = boost::unit_test::data;
using namespace std::chrono_literals;
using igtcloud::entities::retry_options;
using igtcloud::entities::detail::attempt_action;
using igtcloud::entities::detail::attempt_clock;
using igtcloud::entities::detail::attempt_decision;
using igtcloud::entities::detail::attempt_facts;
using igtcloud::entities::detail::attempt_phase;
using igtcloud::entities::detail::attempt_state;
using igtcloud::entities::detail::commit;
using igtcloud::entities::detail::decide;
using igtcloud::entities::detail::is_final;
using igtcloud::entities::detail::retry_budget;
using time_point = attempt_clock::time_point;
using ms = std::chrono::milliseconds;

constexpr time_point t0 = time_point{} + 1h; // the fake clock's start
constexpr time_point deadline = t0 + 30s;
constexpr std::uint64_t random = 50; // with the default 100 ms initial backoff: 50 ms before the first retry

constexpr attempt_decision done{attempt_action::done, {}};
constexpr attempt_decision replay{attempt_action::replay_fresh, {}};
constexpr attempt_decision refresh{attempt_action::refresh_tokens, {}};
constexpr attempt_decision retry(ms delay)
{
    return {attempt_action::retry_after, delay};
}

// A safe operation without a credentials provider, 30 s before its deadline.
attempt_facts operation(bool safe = true, bool refreshable = false)
{
    attempt_facts f;
    f.safe_to_repeat = safe;
    f.tokens_refreshable = refreshable;
    f.deadline = deadline;
    return f;
}

attempt_facts answer(unsigned status, std::optional<ms> retry_after = std::nullopt,
                     attempt_facts f = operation())
{
    f.answered = true;
    f.status = status;
    f.retry_after = retry_after;
    f.wrote_all = true;
    return f;
}

// A reused connection the server had closed: the write went (partly) through, no answer byte came back.
attempt_facts closed_reused(bool wrote_all, attempt_facts f = operation())
{
    f.phase = attempt_phase::exchange;
    f.retryable = true;
    f.reused = true;
    f.wrote_all = wrote_all;
    return f;
}

// A fresh connection refused (retryable, nothing written).
attempt_facts refused(attempt_facts f = operation())
{
    f.phase = attempt_phase::connect;
    f.retryable = true;
    return f;
}

attempt_facts timed_out(attempt_phase phase, attempt_facts f = operation())
{
    f.phase = phase;
    f.timed_out = true;
    f.wrote_all = phase == attempt_phase::exchange;
    return f;
}

attempt_state after(unsigned retries, bool replayed = false, bool refreshed = false)
{
    attempt_state s;
    s.attempts = retries + (replayed ? 1 : 0) + (refreshed ? 1 : 0);
    s.retries = retries;
    s.replayed = replayed;
    s.refreshed = refreshed;
    return s;
}

attempt_decision decide_at(attempt_state const& s, attempt_facts const& f, time_point now = t0,
                           retry_options const& o = {}, std::uint64_t r = random)
{
    return decide(s, f, o, now, r);
}

} // namespace

BOOST_AUTO_TEST_SUITE(attempt_policy)

BOOST_DATA_TEST_CASE(is_done_on_answers_not_worth_a_retry,
                     data::make({200u, 201u, 204u, 400u, 401u, 404u, 500u}), status)
{
    BOOST_TEST(decide_at({}, answer(status)) == done); // 401 too: no credentials provider
}

BOOST_DATA_TEST_CASE(retries_after_backoff_on_retryable_statuses, data::make({429u, 502u, 503u, 504u}),
                     status)
{
    BOOST_TEST(decide_at({}, answer(status)) == retry(50ms));
    BOOST_TEST(decide_at({}, answer(status), t0, {}, 1000) == retry(ms{1000 % 101}));
    BOOST_TEST(decide_at(after(1), answer(status), t0, {}, 1000) == retry(ms{1000 % 201})); // cap doubles
}

BOOST_AUTO_TEST_CASE(retries_on_retryable_failures)
{
    BOOST_TEST(decide_at({}, refused()) == retry(50ms));
    BOOST_TEST(decide_at({}, closed_reused(true, operation()), t0) == replay); // first: the replay
    BOOST_TEST(decide_at(after(0, true), closed_reused(true)) == retry(50ms));
}

BOOST_AUTO_TEST_CASE(is_done_on_failures_not_worth_a_retry)
{
    auto f = refused();
    f.retryable = false; // a TLS or parse error, a cancellation
    BOOST_TEST(decide_at({}, f) == done);
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::exchange)) ==
               done);          // the deadline covers the operation
    auto queued = operation(); // the pool's wait ran out: error::timeout, but no connect timed out
    queued.phase = attempt_phase::connect;
    BOOST_TEST(decide_at({}, queued) == done);
}

BOOST_AUTO_TEST_CASE(replays_fresh_on_closed_reused_connection)
{
    BOOST_TEST(decide_at({}, closed_reused(false)) == replay);
    BOOST_TEST(decide_at({}, closed_reused(true)) == replay); // fully written, but safe to repeat
    BOOST_TEST(decide_at({}, closed_reused(false, operation(false))) == replay); // unsafe, not all written
    // Outside the attempt limit: even with retries off, and after the last retry.
    BOOST_TEST(decide_at({}, closed_reused(false), t0, retry_options{.max_attempts = 1}) == replay);
    BOOST_TEST(decide_at(after(2), closed_reused(false)) == replay);
    // ... and outside the deadline check: nothing waits before a replay.
    BOOST_TEST(decide_at({}, closed_reused(false), deadline) == replay);
}

BOOST_AUTO_TEST_CASE(does_not_replay_on_unsafe_request_fully_written)
{
    BOOST_TEST(decide_at({}, closed_reused(true, operation(false))) == done);
    BOOST_TEST(decide_at({}, answer(503, std::nullopt, operation(false))) == done);
    BOOST_TEST(decide_at({}, refused(operation(false))) == done); // an unsafe request is never retried
}

BOOST_AUTO_TEST_CASE(does_not_replay_on_other_failures)
{
    auto started = closed_reused(false);
    started.received_any = true; // the answer had begun: the server acted
    BOOST_TEST(decide_at({}, started) == retry(50ms));
    auto unsafe_started = closed_reused(false, operation(false));
    unsafe_started.received_any = true;
    BOOST_TEST(decide_at({}, unsafe_started) == done);
    auto fresh = closed_reused(false);
    fresh.reused = false; // a new connection failing is no stale connection
    BOOST_TEST(decide_at({}, fresh) == retry(50ms));
    auto timeout = closed_reused(false);
    timeout.retryable = false; // a reused connection that timed out
    timeout.timed_out = true;
    BOOST_TEST(decide_at({}, timeout) == done);
    auto stale_answer = answer(503);
    stale_answer.reused = true; // an answer is never a closed connection
    BOOST_TEST(decide_at({}, stale_answer) == retry(50ms));
}

BOOST_AUTO_TEST_CASE(replays_once_on_repeated_closed_connections)
{
    attempt_state s;
    auto const first = decide_at(s, closed_reused(false));
    BOOST_TEST(first == replay);
    commit(s, first);
    BOOST_TEST(s.replayed);
    BOOST_TEST(decide_at(s, closed_reused(false)) == retry(50ms)); // then the retry rules
    BOOST_TEST(decide_at(s, closed_reused(false, operation(false))) == done);
}

BOOST_AUTO_TEST_CASE(refreshes_tokens_once_on_401)
{
    attempt_state s;
    auto const first = decide_at(s, answer(401, std::nullopt, operation(true, true)));
    BOOST_TEST(first == refresh);
    commit(s, first);
    BOOST_TEST(s.refreshed);
    BOOST_TEST(s.retries == 0u); // outside the retry count
    BOOST_TEST(decide_at(s, answer(401, std::nullopt, operation(true, true))) == done);
    // Unsafe requests too (the server refused them), and past the attempt limit.
    BOOST_TEST(decide_at({}, answer(401, std::nullopt, operation(false, true))) == refresh);
    BOOST_TEST(decide_at(after(2), answer(401, std::nullopt, operation(true, true))) == refresh);
    BOOST_TEST(decide_at({}, answer(403, std::nullopt, operation(true, true))) == done);
}

BOOST_AUTO_TEST_CASE(refreshes_on_401_from_stale_connection)
{
    auto f = answer(401, std::nullopt, operation(true, true));
    f.reused = true; // an answer on a reused connection is an answer: no replay
    BOOST_TEST(decide_at({}, f) == refresh);
    // A failure on a stale connection with a provider: the replay comes first, the tokens stay.
    BOOST_TEST(decide_at({}, closed_reused(false, operation(true, true))) == replay);
    BOOST_TEST(decide_at(after(0, true), answer(401, std::nullopt, operation(true, true))) == refresh);
}

BOOST_AUTO_TEST_CASE(waits_retry_after_on_answer_that_asks)
{
    BOOST_TEST(decide_at({}, answer(503, 2s)) == retry(2s)); // as asked: no jitter, no cap
    BOOST_TEST(decide_at({}, answer(429, 0ms)) == retry(0ms));
    BOOST_TEST(decide_at({}, answer(503, 30s), t0, {}, 0) == done);      // 30 s: the deadline itself
    BOOST_TEST(decide_at({}, answer(503, 29'999ms)) == retry(29'999ms)); // just inside
    BOOST_TEST(decide_at({}, answer(503, 31s)) == done);                 // above max_retry_after
    BOOST_TEST(decide_at({}, answer(200, 1s)) == done);                  // not a retryable status
}

BOOST_AUTO_TEST_CASE(is_done_on_retry_after_past_deadline)
{
    BOOST_TEST(decide_at({}, answer(503, 5s), deadline - 5s) == done);
    BOOST_TEST(decide_at({}, answer(503, 5s), deadline - 5s - 1ms) == retry(5s));
    BOOST_TEST(decide_at({}, answer(503, 5s), deadline - 5s + 1us) == done); // sub-millisecond short
    BOOST_TEST(decide_at({}, answer(503), deadline) == done);                // no time at all
    BOOST_TEST(decide_at({}, answer(503), deadline + 1s) == done);
    BOOST_TEST(decide_at({}, answer(503), deadline - 50ms) == done); // the backoff (50 ms) reaches it
    BOOST_TEST(decide_at({}, answer(503), deadline - 51ms) == retry(50ms));
}

BOOST_AUTO_TEST_CASE(never_overflows_on_huge_delays)
{
    retry_options o;
    o.initial_backoff = ms::max() / 2;
    o.max_backoff = ms::max();
    o.max_retry_after = ms::max();
    auto const huge = std::numeric_limits<std::uint64_t>::max();
    BOOST_TEST(decide_at({}, answer(503), t0, o, huge) == done);
    BOOST_TEST(decide_at({}, answer(503, ms::max()), t0, o) == done);
    auto far = answer(503, ms::max());
    far.deadline = time_point::max();
    BOOST_TEST(decide_at({}, far, t0, o) == done); // ms::max() is longer than the clock's range
}

BOOST_AUTO_TEST_CASE(retries_connect_timeout_on_time_left)
{
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::connect)) == retry(50ms));
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::connect), deadline) == done);
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::connect), deadline - 10ms) == done); // no room to wait
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::connect, operation(false))) == done);
}

BOOST_AUTO_TEST_CASE(is_done_on_connect_timeout_at_last_attempt)
{
    BOOST_TEST(decide_at(after(1), timed_out(attempt_phase::connect)) == retry(50ms)); // the third attempt
    BOOST_TEST(decide_at(after(2), timed_out(attempt_phase::connect)) == done);
    BOOST_TEST(decide_at({}, timed_out(attempt_phase::connect), t0, retry_options{.max_attempts = 1}) ==
               done);
}

BOOST_DATA_TEST_CASE(retries_at_most_max_attempts_minus_one, data::make({0u, 1u, 2u, 3u, 7u}), max_attempts)
{
    retry_options o;
    o.max_attempts = max_attempts;
    attempt_state s;
    auto now = t0;
    for (int guard = 0; guard < 20 && !s.finished; ++guard) {
        auto const d = decide_at(s, answer(503), now, o);
        commit(s, d);
        now += d.delay;
    }
    BOOST_TEST(s.finished);
    BOOST_TEST(s.retries == (max_attempts == 0 ? 0u : max_attempts - 1));
    BOOST_TEST(s.attempts == s.retries + 1);
}

BOOST_AUTO_TEST_CASE(retries_only_what_the_budget_grants)
{
    // The shell's rule: a retry goes only when try_spend() grants it; refused, it is committed as done.
    retry_options o;
    o.max_attempts = 10;
    o.budget_burst = 2;
    o.budget_ratio = 0;
    retry_budget budget{o};
    attempt_state s;
    for (int guard = 0; guard < 20 && !s.finished; ++guard) {
        auto d = decide_at(s, answer(503), t0, o, 0);
        if (d.action == attempt_action::retry_after && !budget.try_spend()) d = {};
        commit(s, d);
    }
    BOOST_TEST(s.retries == 2u);
    BOOST_TEST(s.attempts == 3u);
    BOOST_TEST(budget.balance() == 0.0);
}

BOOST_AUTO_TEST_CASE(is_done_after_done_on_any_facts)
{
    attempt_state s;
    commit(s, done);
    BOOST_TEST(s.finished);
    BOOST_TEST(s.attempts == 1u);
    BOOST_TEST(decide_at(s, closed_reused(false)) == done);
    BOOST_TEST(decide_at(s, answer(401, std::nullopt, operation(true, true))) == done);
    BOOST_TEST(decide_at(s, answer(503)) == done);
}

BOOST_AUTO_TEST_CASE(is_final_on_outcomes_no_time_could_change)
{
    BOOST_TEST(is_final({}, answer(200), {}));
    BOOST_TEST(is_final({}, answer(503, std::nullopt, operation(false)), {}));
    BOOST_TEST(is_final(after(2), answer(503), {}));
    BOOST_TEST(!is_final({}, answer(503), {})); // a retry, if the deadline allows
    BOOST_TEST(!is_final({}, timed_out(attempt_phase::connect), {}));
    BOOST_TEST(!is_final(after(2), closed_reused(false), {})); // a replay
    BOOST_TEST(!is_final({}, answer(401, std::nullopt, operation(true, true)), {}));
    BOOST_TEST(is_final(after(0, false, true), answer(401, std::nullopt, operation(true, true)), {}));
    attempt_state finished;
    commit(finished, done);
    BOOST_TEST(is_final(finished, closed_reused(false), {}));
}

BOOST_AUTO_TEST_CASE(counts_attempts_on_commit)
{
    attempt_state s;
    commit(s, replay);
    commit(s, refresh);
    commit(s, retry(1ms));
    commit(s, retry(2ms));
    BOOST_TEST(s.attempts == 4u);
    BOOST_TEST(s.retries == 2u);
    BOOST_TEST(s.replayed);
    BOOST_TEST(s.refreshed);
    BOOST_TEST(!s.finished);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Random attempt outcomes for the model check: every combination of facts, statuses that matter.
attempt_facts random_facts(std::mt19937_64& rng, attempt_facts f)
{
    constexpr unsigned statuses[] = {200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 504};
    auto coin = [&rng] { return (rng() & 1) != 0; };
    f.answered = coin();
    f.status = f.answered ? statuses[rng() % std::size(statuses)] : 0;
    f.retry_after = f.answered && coin() ? std::optional<ms>{ms{rng() % 40'000}} : std::nullopt;
    f.phase = coin() ? attempt_phase::connect : attempt_phase::exchange;
    f.timed_out = !f.answered && coin();
    f.retryable = !f.answered && !f.timed_out && coin();
    f.wrote_all = f.answered || (f.phase == attempt_phase::exchange && coin());
    f.received_any = !f.answered && f.phase == attempt_phase::exchange && coin();
    f.reused = coin();
    return f;
}

// The rules, restated from the header's table: what must happen, given what is allowed.
bool may_replay(attempt_state const& s, attempt_facts const& f)
{
    return !s.replayed && !f.answered && f.reused && !f.received_any && f.retryable &&
           (!f.wrote_all || f.safe_to_repeat);
}

bool may_refresh(attempt_state const& s, attempt_facts const& f)
{
    return !s.refreshed && f.answered && f.status == 401 && f.tokens_refreshable;
}

// Checks one decision against the invariants; the state is the one before it.
void check_decision(attempt_state const& s, attempt_facts const& f, attempt_decision d, time_point now,
                    retry_options const& o)
{
    BOOST_TEST_REQUIRE(!s.finished);
    BOOST_TEST((d.delay >= 0ms));
    switch (d.action) {
    case attempt_action::replay_fresh:
        BOOST_TEST(may_replay(s, f)); // at most one, never an unsafe request fully written
        BOOST_TEST((d.delay == 0ms));
        break;
    case attempt_action::refresh_tokens:
        BOOST_TEST(!may_replay(s, f)); // the replay comes first
        BOOST_TEST(may_refresh(s, f));
        BOOST_TEST((d.delay == 0ms));
        break;
    case attempt_action::retry_after:
        BOOST_TEST(!may_replay(s, f));
        BOOST_TEST(!may_refresh(s, f));
        BOOST_TEST(f.safe_to_repeat);
        BOOST_TEST(s.retries + 1 < o.max_attempts);
        BOOST_TEST((now + d.delay < f.deadline)); // never a wait that crosses the deadline
        BOOST_TEST((d.delay <= std::max(o.max_backoff, o.max_retry_after)));
        if (f.answered) BOOST_TEST((f.status == 429 || (f.status >= 502 && f.status <= 504)));
        if (f.answered && f.retry_after) BOOST_TEST((d.delay == *f.retry_after));
        if (!f.answered) BOOST_TEST((f.retryable || (f.phase == attempt_phase::connect && f.timed_out)));
        break;
    case attempt_action::done:
        BOOST_TEST(!may_replay(s, f)); // nothing allowed was refused
        BOOST_TEST(!may_refresh(s, f));
        break;
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(attempt_policy)

BOOST_DATA_TEST_CASE(keeps_invariants_on_random_sequences, data::make({0u, 1u, 2u, 3u, 5u}), max_attempts)
{
    std::mt19937_64 rng{0x5eed'0000u + max_attempts};
    retry_options o;
    o.max_attempts = max_attempts;
    o.max_retry_after = ms{rng() % 20'000};
    o.budget_burst = 5;
    retry_budget budget{o};
    unsigned operations = 0, total_retries = 0;
    std::map<attempt_action, unsigned> seen; // decisions taken, by action: the run must reach every one
    for (int op = 0; op < 2'000; ++op, ++operations) {
        budget.record_request();
        auto const base = operation((rng() & 1) != 0, (rng() & 1) != 0);
        auto now = t0;
        auto facts = base;
        facts.deadline = t0 + ms{rng() % 20'000};
        attempt_state s;
        for (unsigned n = 0; !s.finished; ++n) {
            BOOST_TEST_REQUIRE(n <= o.max_attempts + 2); // replay + refresh + the allowed retries
            auto const f = random_facts(rng, facts);
            auto d = decide_at(s, f, now, o, rng());
            check_decision(s, f, d, now, o);
            if (is_final(s, f, o)) BOOST_TEST(d == done); // the shell's shortcut agrees
            ++seen[d.action];
            if (d.action == attempt_action::retry_after && !budget.try_spend()) d = {};
            auto const before = s;
            commit(s, d);
            BOOST_TEST(s.attempts == before.attempts + 1);
            now += d.delay + ms{rng() % 3'000}; // the wait, then the next attempt's own time
        }
        BOOST_TEST(s.retries <= (o.max_attempts == 0 ? 0u : o.max_attempts - 1));
        BOOST_TEST(s.attempts == s.retries + (s.replayed ? 1u : 0u) + (s.refreshed ? 1u : 0u) + 1u);
        BOOST_TEST(decide_at(s, random_facts(rng, facts), now, o, rng()) == done); // done is terminal
        total_retries += s.retries;
    }
    BOOST_TEST(seen[attempt_action::replay_fresh] > 0u);
    BOOST_TEST(seen[attempt_action::refresh_tokens] > 0u);
    BOOST_TEST((seen[attempt_action::retry_after] > 0u) == (max_attempts >= 2));
    // The budget's guarantee, seen through the shell's rule: burst + ratio * operations.
    BOOST_TEST(total_retries <= o.budget_burst + o.budget_ratio * operations + 1e-9);
}

BOOST_AUTO_TEST_SUITE_END()
