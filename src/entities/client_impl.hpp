#pragma once

// The shared state of a session: validated options, the parsed base URL, the TLS context, the pool, the
// resolver cache and the shutdown bookkeeping. Operations hold it by shared_ptr, so it outlives the session
// object while any operation runs.

#include <igtcloud/entities/options.hpp>
#include <igtcloud/entities/session.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "entities/base_url.hpp"
#include "entities/pool/connection_pool.hpp"
#include "entities/retry/retry_policy.hpp"
#include "entities/token_source.hpp"
#include "entities/transport/connection.hpp"
#include "entities/transport/proxy.hpp"

namespace igtcloud::entities::detail {

struct client_impl {
    /// Validates everything (throws std::invalid_argument / system_error; messages hold no secret).
    client_impl(asio::any_io_executor executor, session_options options);

    /// The server's addresses (cached for a minute) and TLS settings, or the resolver's error.
    asio::awaitable<api_result<std::shared_ptr<peer const>>> resolve(steady_time deadline);

    /// Marks the session shut down, closes the pool; `handler` (may be empty) runs once nothing is in flight.
    void shutdown(asio::any_completion_handler<void()> handler);
    void operation_started() noexcept { in_flight_.fetch_add(1, std::memory_order_relaxed); }
    void operation_finished();
    bool is_shut_down() const noexcept { return shut_down_.load(std::memory_order_acquire); }

    asio::any_io_executor executor;
    session_options options;
    base_url url;
    std::optional<proxy_route> proxy; // none: direct
    tls_session_cache tls_sessions;   // before tls: the context refers to it until destroyed
    std::unique_ptr<asio::ssl::context> tls;
    connection_pool pool;
    std::shared_ptr<token_source> tokens;
    retry_budget budget;
    std::atomic<std::uint64_t> retried{0}; ///< attempts repeated: replays, 401 refreshes, retries

    /// The executor of an operation whose handler has a cancellation slot: one of a few strands made with the
    /// session, taken in turn. co_spawn delivers cancellation through the operation's executor, which must
    /// then serialize it with the operation's steps; made once, they cost an operation no allocation.
    asio::any_io_executor const& next_strand() noexcept
    {
        return strands_[next_strand_.fetch_add(1, std::memory_order_relaxed) % strands_.size()];
    }

private:
    static constexpr std::size_t strand_count = 16;
    std::vector<asio::any_io_executor> strands_;
    std::atomic<std::size_t> next_strand_{0};
    std::atomic<bool> shut_down_{false};
    std::atomic<std::size_t> in_flight_{0};
    std::mutex mutex_; // guards the two below
    std::shared_ptr<peer const> resolved_;
    steady_time resolved_at_{};
    std::vector<asio::any_completion_handler<void()>> shutdown_waiters_;
};

} // namespace igtcloud::entities::detail
