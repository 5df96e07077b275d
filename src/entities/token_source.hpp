#pragma once

// The tokens an attempt sends: the static jwt / csrf_token of session_options, or those of the caller's
// asynchronous credentials_provider, fetched one call at a time.
//
//   get(deadline)            static: at once | provider: the current tokens, or wait for the one call
//                            in progress (starting it when there is none: `initial`)
//                            tokens whose renew_at has passed are not sent: one `expiring` call (the other
//                            attempts park as for a refresh), then the new tokens (sent whatever their
//                            renew_at, so a provider that cannot renew is not asked again and again)
//   get(deadline, rejected)  the server answered 401 to generation `rejected`: when that is still the current
//                            generation, one `refresh` call (however many attempts met the 401), then the
//                            new tokens; when a refresh already replaced it, the newer tokens at once
//
// Waiters park (parked_waiter.hpp, deadline = the operation's) until the call completes, like the pool's
// waiters. A provider that drops its handler without calling it fails the call's waiters.

#include <igtcloud/entities/options.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "entities/parked_waiter.hpp"

namespace igtcloud::entities::detail {

namespace asio = boost::asio;

/// Tokens and the generation they belong to (0: the static tokens; provider tokens count from 1).
struct tokens_ref {
    std::shared_ptr<access_tokens const> tokens{};
    std::uint64_t generation{};
};

class token_source : public std::enable_shared_from_this<token_source> {
public:
    /// Static tokens (checked by the session's constructor) or the provider of `options`.
    explicit token_source(session_options const& options);

    /// Whether a 401 can be answered by new tokens (a provider exists).
    bool refreshable() const noexcept { return static_cast<bool>(provider_); }

    /// The tokens to send before `deadline` (error::timeout after it; operation_aborted when the caller's
    /// cancellation slot fires; the provider's error when its call failed; error::invalid_argument when it
    /// returned a value with control characters).
    asio::awaitable<api_result<tokens_ref>> get(std::chrono::steady_clock::time_point deadline,
                                                std::optional<std::uint64_t> rejected = std::nullopt);

    /// Provider calls made so far (for tests and stats).
    std::uint64_t calls() const;

private:
    struct waiter {
        parked_waiter parked;
        /// The call's error, when it failed (set under the lock before the wake-up).
        std::optional<api_error> failure{};
    };
    /// With the lock held: starts a call unless one runs; returns the reason when the caller must run it.
    std::optional<credentials_reason> begin_call_locked(std::optional<std::uint64_t> rejected);
    /// With the lock held: the current tokens' renew_at has passed (the clock is read only when one is set).
    bool expiring_locked() const;
    void run_provider(credentials_reason reason);
    void complete(api_result<access_tokens> result);

    credentials_provider provider_;
    tokens_ref static_;
    mutable std::mutex mutex_; // guards everything below
    tokens_ref current_{};
    bool calling_{};
    std::uint64_t calls_{};
    std::uint64_t next_waiter_{};
    std::unordered_map<std::uint64_t, waiter*> waiters_;
};

} // namespace igtcloud::entities::detail
