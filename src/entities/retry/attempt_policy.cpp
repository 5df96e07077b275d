// The attempt loop's decisions: replay, refresh, retry or done, from explicit facts (see the header).
#include "entities/retry/attempt_policy.hpp"

#include "entities/retry/retry_policy.hpp"

namespace igtcloud::entities::detail {
namespace {

// The server closed a kept-alive connection just as it was reused: the answer never started, and the
// server cannot have acted on the request (not all of it was written) or acting twice is harmless.
bool met_closed_connection(attempt_facts const& f) noexcept
{
    return !f.answered && f.reused && !f.received_any && (!f.wrote_all || f.safe_to_repeat) && f.retryable;
}

bool is_rejected_tokens(attempt_facts const& f) noexcept
{
    return f.answered && f.status == 401 && f.tokens_refreshable;
}

// Whether the outcome is worth another attempt, if the operation allows one: a retryable status or failure,
// or a connect that timed out (connect_timeout, shorter than the deadline: with no time left on the
// deadline, the deadline rule in decide() says done).
bool is_worth_retry(attempt_facts const& f) noexcept
{
    if (f.answered) return is_retryable_status(f.status);
    if (f.phase == attempt_phase::connect && f.timed_out) return true;
    return f.retryable;
}

// Whether a retry may follow at all, before its delay and the deadline are considered.
bool may_retry(attempt_state const& state, attempt_facts const& f, retry_options const& options) noexcept
{
    return f.safe_to_repeat && state.retries + 1 < options.max_attempts && is_worth_retry(f);
}

} // namespace

bool is_final(attempt_state const& state, attempt_facts const& facts, retry_options const& options) noexcept
{
    if (state.finished) return true;
    return !(!state.replayed && met_closed_connection(facts)) &&
           !(!state.refreshed && is_rejected_tokens(facts)) && !may_retry(state, facts, options);
}

attempt_decision decide(attempt_state const& state, attempt_facts const& facts, retry_options const& options,
                        attempt_clock::time_point now, std::uint64_t random) noexcept
{
    constexpr attempt_decision done{attempt_action::done, {}};
    if (state.finished) return done;
    if (!state.replayed && met_closed_connection(facts)) return {attempt_action::replay_fresh, {}};
    if (!state.refreshed && is_rejected_tokens(facts)) return {attempt_action::refresh_tokens, {}};

    if (!may_retry(state, facts, options)) return done;
    auto const retry_after = facts.answered ? facts.retry_after : std::nullopt;
    auto const delay = retry_delay(options, state.retries + 1, random, retry_after);
    if (!delay) return done; // the server asks for a longer wait than max_retry_after
    // now + delay >= deadline, compared in milliseconds (exact for a whole-millisecond delay), so that no
    // large delay overflows the clock's nanoseconds. A deadline already past gives a difference <= 0.
    if (*delay >= std::chrono::ceil<std::chrono::milliseconds>(facts.deadline - now)) return done;
    return {attempt_action::retry_after, *delay};
}

void commit(attempt_state& state, attempt_decision decision) noexcept
{
    ++state.attempts;
    switch (decision.action) {
    case attempt_action::replay_fresh: state.replayed = true; break;
    case attempt_action::refresh_tokens: state.refreshed = true; break;
    case attempt_action::retry_after: ++state.retries; break;
    case attempt_action::done: state.finished = true; break;
    }
}

} // namespace igtcloud::entities::detail
