#pragma once

// When tokens are renewed, and how: a pure state machine (no sockets, timers or clock reads; `now`, the
// deadlines and the random numbers are passed in), like the pool's policy. The authenticator (the I/O shell)
// asks it before every request and after a 401, runs the one call it says to start, parks the others, and
// reports the call's outcome; waiters are counted here, parked and woken there.
//
// Renewal is due when less than min(refresh_margin, lifetime / 3) is left (lifetime = expires_at - issued_at)
// or the tokens have expired. It is a refresh (POST /refresh) for a password login whose JWT has a
// refresh_token claim, else a new login (a service identity always logs in again with a new assertion).
// One call at a time: whoever asks while a call runs waits for it. A transient failure (transport, 5xx,
// 429) is retried with backoff while the latest deadline among the waiters leaves time; a refresh the
// server rejects (400/401) falls back to a login when the grant can log in; a login the server rejects is
// final. A 401 to the current tokens starts one renewal; a 401 to tokens already replaced uses the new ones.

#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace igtcloud::entities::detail::auth {

using auth_clock = std::chrono::system_clock;

/// How the login was made.
enum class grant_kind { password, service_key };
/// The call that renews tokens.
enum class renewal { refresh, login };

/// The lifetime facts of the current tokens.
struct token_times {
    auth_clock::time_point issued_at{};  ///< the JWT's iat, else when the login answer arrived
    auth_clock::time_point expires_at{}; ///< see login_answer.hpp's lifetime rule
    bool refresh_claim{};                ///< the JWT has a refresh_token claim
};

/// The policy's settings.
struct refresh_settings {
    grant_kind grant{grant_kind::password};
    std::chrono::seconds refresh_margin{
        180}; ///< [180 s] renew when less than min(this, lifetime / 3) is left
    bool can_login{
        true}; ///< the credentials to log in are held (false: tokens from a file or the environment)
    /// Backoff between attempts after transient failures: initial_backoff and max_backoff are used (full
    /// jitter, retry_policy.hpp's backoff_delay); max_attempts bounds the attempts of one renewal (>= 1).
    retry_options backoff{.max_attempts = 5,
                          .initial_backoff = std::chrono::milliseconds{200},
                          .max_backoff = std::chrono::milliseconds{5000}};
};

/// Whether `t` needs renewal at `now` (nullopt: use as is), and by which call (for this grant).
std::optional<renewal> renewal_due(token_times const& t, refresh_settings const& s,
                                   auth_clock::time_point now) noexcept;

/// The call that renews tokens for this grant: refresh when the JWT has a refresh_token claim on a password
/// login, else login.
renewal renewal_for(grant_kind g, bool refresh_claim) noexcept;

/// The coordinator: one call in flight, the waiters counted, retries scheduled.
class refresh_policy {
public:
    explicit refresh_policy(refresh_settings settings) noexcept;

    /// What an operation asking for tokens must do.
    struct step {
        enum class kind {
            use,   ///< send the current tokens (of `generation`)
            wait,  ///< a call runs: wait for its outcome (the caller is now counted as a waiter)
            start, ///< start the call `how`, then report it (the caller is counted as a waiter)
            fail,  ///< give up with `failure`
        } what{};
        renewal how{};              ///< start: which call
        std::uint64_t generation{}; ///< use: the tokens' generation (1 for the first login)
        std::optional<api_error> failure{};
    };
    /// An operation wants tokens at `now`; it gives up at `deadline`.
    step need(auth_clock::time_point now, auth_clock::time_point deadline);
    /// The server answered 401 to tokens of `generation` (the operation repeats once with what this says).
    step rejected(std::uint64_t generation, auth_clock::time_point now, auth_clock::time_point deadline);
    /// Takes tokens found elsewhere (the token file, the environment) as the current ones (generation + 1).
    /// Ignored while a call runs (its outcome will replace them anyway).
    void adopt(token_times t) noexcept;
    /// A waiter gave up (its deadline passed, or it was cancelled): it is no longer counted.
    void leave() noexcept;

    /// What the shell does after a call's outcome.
    struct outcome {
        std::size_t wake{};                 ///< waiters to complete now (with the tokens, or `failure`)
        std::optional<api_error> failure{}; ///< the waiters fail with this
        std::optional<auth_clock::time_point> retry_at{}; ///< start the call again at this time (retry_due)
        std::optional<renewal> start_now{}; ///< start this call at once (a rejected refresh falls back)
    };
    /// The call succeeded: these are the new tokens (generation + 1); every waiter wakes. Ignored (nothing
    /// to wake) when no call runs.
    outcome succeeded(token_times t);

    /// How a call failed.
    enum class failure_kind {
        transient, ///< transport, timeout of one attempt, 429, 5xx: worth another attempt
        rejected,  ///< 400/401 from the server: these credentials will not do
    };
    /// The call failed with `error` at `now`; `random` feeds the backoff's jitter.
    outcome failed(failure_kind kind, api_error const& error, auth_clock::time_point now,
                   std::uint64_t random);
    /// The time given by outcome::retry_at has come: the call to start, or nullopt when every waiter has
    /// left meanwhile (nothing runs then) or no retry is pending.
    std::optional<renewal> retry_due();

    bool in_flight() const noexcept { return calling_.has_value(); }
    std::size_t waiters() const noexcept { return waiters_; }
    std::uint64_t generation() const noexcept { return generation_; }
    std::optional<token_times> const& tokens() const noexcept { return tokens_; }
    std::uint64_t calls_started() const noexcept { return started_; }

private:
    step start(renewal how, auth_clock::time_point deadline);
    outcome give_up(api_error e);

    refresh_settings settings_;
    std::optional<token_times> tokens_{};
    std::uint64_t generation_{};
    std::optional<renewal> calling_{}; ///< the call in flight (or waiting for retry_due)
    bool retry_pending_{};             ///< between failed() with retry_at and retry_due()
    unsigned attempts_{};              ///< attempts of the current renewal
    std::size_t waiters_{};
    auth_clock::time_point deadline_{}; ///< the latest deadline among the waiters of the current call
    std::uint64_t started_{};
};

} // namespace igtcloud::entities::detail::auth
