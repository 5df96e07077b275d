#pragma once

// The attempt loop's policy: after each attempt of an operation, whether to replay it on a fresh connection,
// repeat it with refreshed tokens, retry it after a wait, or be done. A pure function of explicit facts: no
// sockets, no timers, no clock reads (`now` is passed in), no random source (a random value is passed in),
// and it never spends the retry budget itself. The pipeline's run_operation is the I/O shell around it.
//
//   attempt_state   what the operation did so far: attempts, retries, replayed?, refreshed?, finished?
//   attempt_facts   what the last attempt met, and the operation's standing facts:
//                   outcome: answered {status, retry_after} | failed {phase: connect | exchange,
//                            timed_out, retryable (the peer or the path went away), wrote_all, received_any};
//                   reused (the connection carried an earlier request); safe_to_repeat, tokens_refreshable,
//                   deadline
//   decide(state, facts, options, now, random) -> attempt_decision, the first that applies, in this order:
//   1 replay_fresh    not replayed yet; a reused connection failed (retryably) before any byte of the
//                     answer, and the request was not fully written or is safe to repeat. Outside the retry
//                     budget and the attempt limit: nothing reached the server's logic.
//   2 refresh_tokens  not refreshed yet; a 401 answer and tokens that can be refreshed (once, outside the
//                     budget and the attempt limit, whether or not the request is safe to repeat).
//   3 retry_after(d)  safe to repeat; retries + 1 < max_attempts; a 429/502/503/504 answer, a retryable
//                     failure, or a connect timeout; retry_delay() gives d (a Retry-After above
//                     max_retry_after gives none); now + d < deadline (so a connect timeout is retried only
//                     with time left). Conditional on the session's budget, which the policy does not touch:
//                     the shell calls retry_budget::try_spend() for this decision only and, when it
//                     refuses, takes it as done (so the budget is spent exactly when a retry goes).
//   4 done            otherwise: the last attempt's result is the operation's.
//   is_final(state, facts, options): done whatever the time (decide() would not look at the clock).
//   commit(state, decision) records a decision the shell carries out; after done, decide() answers done.

#include <igtcloud/entities/options.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace igtcloud::entities::detail {

/// The clock of the deadline and of `now` (the shell reads it; tests pass a fake time).
using attempt_clock = std::chrono::steady_clock;

/// What an operation's attempts did so far. Starts empty; only commit() changes it.
struct attempt_state {
    unsigned attempts{}; ///< attempts made (commit() counts the one its decision follows)
    unsigned retries{};  ///< retries after a wait made (replays and refreshes not included)
    bool replayed{};     ///< the one replay on a fresh connection was used
    bool refreshed{};    ///< the one repeat with refreshed tokens was used
    bool finished{};     ///< a done decision was committed
};

/// Where a failed attempt failed.
enum class attempt_phase {
    connect,  ///< before anything was written: pool, resolve, TCP connect, proxy tunnel, TLS handshake
    exchange, ///< writing the request or reading the answer
};

/// What the last attempt met, and what the operation is.
struct attempt_facts {
    bool answered{};   ///< a complete answer arrived: status, retry_after
    unsigned status{}; ///< the answer's HTTP status
    std::optional<std::chrono::milliseconds> retry_after{}; ///< the answer's valid Retry-After
    attempt_phase phase{};                                  ///< failures: where
    bool timed_out{};          ///< failures: the phase's time ran out (connect_timeout or the deadline)
    bool retryable{};          ///< failures: the peer or the path went away (is_retryable_failure)
    bool wrote_all{};          ///< failures: the whole request was written (the server may have acted on it)
    bool received_any{};       ///< failures: some of the answer arrived
    bool reused{};             ///< the attempt ran on a connection that carried an earlier request
    bool safe_to_repeat{};     ///< the operation may run twice (GET, PUT, DELETE, POST /users)
    bool tokens_refreshable{}; ///< a credentials provider can give other tokens
    attempt_clock::time_point deadline{}; ///< the operation's
};

enum class attempt_action { replay_fresh, refresh_tokens, retry_after, done };

/// What to do after an attempt.
struct attempt_decision {
    attempt_action action{attempt_action::done};
    std::chrono::milliseconds delay{}; ///< retry_after: the wait before the next attempt (>= 0)

    friend bool operator==(attempt_decision const&, attempt_decision const&) = default;
};

/// The decision after the attempt `facts` describe, given the attempts before it (`state`, not yet
/// counting it), the retry options, the time now and a uniformly distributed 64-bit value for the backoff's
/// jitter. See the header comment for the rules and their order. Does not throw; thread-safe.
attempt_decision decide(attempt_state const& state, attempt_facts const& facts, retry_options const& options,
                        attempt_clock::time_point now, std::uint64_t random) noexcept;

/// True when decide() answers done for these facts whatever `now` and `random` are: the shell then need not
/// read the clock nor draw a random value (the common path: a success answer). Does not throw; thread-safe.
bool is_final(attempt_state const& state, attempt_facts const& facts, retry_options const& options) noexcept;

/// Records in `state` the attempt a decision followed and the decision as the shell carries it out (a
/// retry_after refused by the budget is committed as done).
void commit(attempt_state& state, attempt_decision decision) noexcept;

} // namespace igtcloud::entities::detail
