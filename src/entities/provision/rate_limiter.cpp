// The token bucket of provision_options::rate (see rate_limiter.hpp).
#include "entities/provision/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace igtcloud::entities::detail {
namespace {

/// Floating-point slack on "one whole token": a wait computed to the nanosecond may refill 0.999999999.
constexpr double token_slack = 1e-9;

} // namespace

rate_limiter::rate_limiter(double rate, clock::time_point start) noexcept
    : rate_(rate)
    , burst_(std::max(1.0, rate / 10.0))
    , tokens_(1.0)
    , last_(start)
{}

rate_limiter::clock::duration rate_limiter::take(clock::time_point now) noexcept
{
    if (now > last_) {
        auto const seconds = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(burst_, tokens_ + seconds * rate_);
        last_ = now;
    }
    if (tokens_ + token_slack >= 1.0) {
        tokens_ = std::max(0.0, tokens_ - 1.0);
        return clock::duration::zero();
    }
    auto const seconds = std::min((1.0 - tokens_) / rate_, max_wait_seconds);
    auto const wait = std::chrono::duration<double>(seconds);
    // rounded up, and never zero: zero means "taken"
    return std::max(clock::duration(1), std::chrono::ceil<clock::duration>(wait));
}

} // namespace igtcloud::entities::detail
