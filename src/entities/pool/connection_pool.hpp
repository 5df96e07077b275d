#pragma once

// The pool's thin I/O shell around pool_policy: it owns the connection objects, parks waiting operations on
// timers, hands connections over, and closes what the policy says. Thread-safe (one mutex, no I/O under it).
//
//   acquire(deadline) --policy--> lease{reuse idle | open new slot} | park on a timer until release/closed
//   lease.release(reusable, keep_alive) --policy--> idle | hand-off to the oldest waiter | close
//   ~lease() without release --> close, slot freed (every error path, cancellation, exception)

#include <igtcloud/entities/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "entities/pool/pool_policy.hpp"
#include "entities/transport/connection.hpp"

namespace igtcloud::entities::detail {

class connection_pool;

/// One connection held by one operation. Move-only.
class lease {
public:
    lease() = default;
    lease(lease&& other) noexcept;
    lease& operator=(lease&& other) noexcept;
    ~lease();

    connection& conn() const noexcept { return *conn_; }
    bool needs_open() const noexcept { return needs_open_; }
    bool reused() const noexcept { return reused_; }
    /// The caller opened the connection of an open grant.
    void opened();
    /// Back to the pool: kept for reuse when `reusable`, else closed.
    void release(bool reusable, std::optional<std::chrono::seconds> keep_alive);

private:
    friend class connection_pool;
    void reset() noexcept;

    connection_pool* pool_{};
    std::shared_ptr<connection> conn_{};
    conn_id id_{};
    bool needs_open_{};
    bool reused_{};
};

class connection_pool {
public:
    connection_pool(asio::any_io_executor executor, pool_limits limits);

    /// A connection (FIFO among waiters) before `deadline`: error::timeout after it, operation_aborted when
    /// the caller's cancellation slot fires, error::shut_down after shutdown(). Idle connections that the
    /// server closed (or that have junk to read) are closed and skipped, never handed out.
    asio::awaitable<api_result<lease>> acquire(steady_time deadline);

    pool_counters counters() const;

    /// Closes idle connections, fails waiters with operation_aborted, and closes in-use connections on their
    /// operations' executors (their pending I/O completes with operation_aborted). Later acquires fail.
    void shutdown();

private:
    friend class lease;
    struct waiter {
        std::shared_ptr<asio::steady_timer> timer;
        asio::any_io_executor executor;
        std::optional<grant> granted{};
        std::shared_ptr<connection> conn{};
        bool failed{};
    };
    struct in_use_entry {
        std::weak_ptr<connection> conn;
        asio::any_io_executor executor;
    };

    lease make_lease(grant g, std::shared_ptr<connection> conn, asio::any_io_executor const& owner);
    void give_back(lease& l, bool reusable, std::optional<std::chrono::seconds> keep_alive);
    void drop(lease& l);
    void mark_opened(lease& l);
    /// With the lock held: gives `handoff` to its waiter and wakes it.
    void hand_off(std::pair<waiter_id, grant> const& handoff, std::shared_ptr<connection> conn);
    /// With the lock held: moves expired/closed idle connections into `doomed` (closed after unlocking).
    void take_idle(std::vector<conn_id> const& ids, std::vector<std::shared_ptr<connection>>& doomed);

    asio::any_io_executor executor_;
    mutable std::mutex mutex_;
    pool_policy policy_;
    std::unordered_map<conn_id, std::shared_ptr<connection>> idle_;
    std::unordered_map<conn_id, in_use_entry> in_use_;
    std::unordered_map<waiter_id, waiter*> waiters_;
    std::uint64_t stale_{}; ///< reuse grants of idle connections found closed: nothing was sent on them
};

} // namespace igtcloud::entities::detail
