#pragma once

// The request rate of a provisioning run (provision_options::rate, DESIGN.md §9): a token bucket as a pure
// state machine. No timers and no clock reads: the caller passes the time in, so it is tested with a fake
// clock. The I/O shell is the provisioner's worker: it asks take(now) before each request and, when told to
// wait, sleeps that long on a steady_timer of the run's strand, then asks again.
//
//   tokens refill at `rate` per second, up to burst() = max(1, rate / 10); the bucket starts with 1 token
//   take(now): refill for the time since the last call; >= 1 token: take one, answer 0 (send now)
//              else answer the time until one is due (nothing taken; ask again then)
//
// Hence any one-second window holds at most burst() + rate <= 1.1 * rate + 1 takes, the long-run rate is
// `rate`, and the start is no burst of a full second's worth.

#include <chrono>

namespace igtcloud::entities::detail {

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;
    /// The longest wait take() answers (about 3 years), so that a tiny rate cannot overflow a duration.
    static constexpr double max_wait_seconds = 1e8;

    /// `rate`: requests per second, finite and > 0 (the caller checks); `start`: the time of the first take.
    rate_limiter(double rate, clock::time_point start) noexcept;

    /// At `now`: zero when a token was taken (send now), else how long until one is due (nothing taken).
    /// A `now` earlier than an earlier call's counts as no time passed.
    clock::duration take(clock::time_point now) noexcept;

    /// The bucket's capacity: max(1, rate / 10) tokens.
    double burst() const noexcept { return burst_; }
    /// The tokens in the bucket after the last call.
    double tokens() const noexcept { return tokens_; }

private:
    double rate_;
    double burst_;
    double tokens_;
    clock::time_point last_;
};

} // namespace igtcloud::entities::detail
