#pragma once

// The pool's thin I/O shell around pool_policy: it owns the connection objects, parks waiting operations
// (parked_waiter.hpp), hands connections over, and closes what the policy says. Thread-safe (one mutex, no
// I/O under it).
//
//   acquire(deadline, fresh) --policy--> lease{reuse idle | open new slot} | park on a timer until a grant
//   lease.release(reusable, keep_alive) --policy--> idle | hand-off to the oldest waiter | close
//   ~lease() without release --> close, slot freed (every error path, cancellation, exception)
//
// Events (when a hook is set; called outside the mutex, what it throws is swallowed): queued when an acquire
// waits; connection_opened at lease.opened(), with the time since the open grant; connection_closed for
// every connection closed, with its reason: not_reusable (released with reusable=false), failed (a lease
// destroyed without release, or opening failed), stale (found readable before reuse, or at a reusable
// release), idle_expired (expired, or evicted for a fresh acquire: see pool_policy::acquire), shutdown
// (closed by shutdown(), or dropped or released after it). A connection granted for opening but given up
// before any attempt (its waiter's deadline passed as it was granted) was never opened: no event.

#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "entities/parked_waiter.hpp"
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
    /// Came from a reuse grant: the connection carried an earlier request.
    bool reused() const noexcept { return reused_; }
    /// The caller opened the connection of an open grant (emits connection_opened).
    void opened();
    /// Back to the pool: kept for reuse when `reusable`, else closed.
    void release(bool reusable, std::optional<std::chrono::seconds> keep_alive);

private:
    friend class connection_pool;
    void reset() noexcept;

    connection_pool* pool_{};
    std::shared_ptr<connection> conn_{};
    conn_id id_{};
    steady_time granted_at_{}; ///< when the policy granted it (connection_opened's duration)
    bool needs_open_{};
    bool reused_{};
};

/// An unordered_map that keeps the nodes of erased entries for later inserts: with one connection going in
/// and out of the pool per request, the steady state allocates nothing. Not thread-safe (the pool's lock).
template <class Key, class Value>
class recycling_map {
public:
    using map_type = std::unordered_map<Key, Value>;

    void put(Key key, Value value)
    {
        if (auto it = map_.find(key); it != map_.end()) {
            it->second = std::move(value);
        } else if (spare_.empty()) {
            map_.emplace(key, std::move(value));
        } else {
            auto node = std::move(spare_.back());
            spare_.pop_back();
            node.key() = key;
            node.mapped() = std::move(value);
            map_.insert(std::move(node));
        }
    }
    /// Removes `key`, giving its value (empty when absent).
    std::optional<Value> take(Key key) noexcept
    {
        auto node = map_.extract(key);
        if (!node) return std::nullopt;
        std::optional<Value> value(std::move(node.mapped()));
        node.mapped() = Value{};
        try {
            spare_.push_back(std::move(node));
        } catch (...) { // no room to keep it: the node is freed instead
        }
        return value;
    }
    map_type const& items() const noexcept { return map_; }

private:
    map_type map_;
    std::vector<typename map_type::node_type> spare_;
};

class connection_pool {
    /// A queued acquirer; what it was granted is set under the lock before its wake-up.
    struct waiter {
        waiter(asio::any_io_executor const& owner, steady_time deadline) : parked(owner, deadline) {}
        parked_waiter parked;
        std::optional<grant> granted{};
        std::shared_ptr<connection> conn{};
        steady_time granted_at{};
        bool failed{};
    };

public:
    /// `hook` (a copy is kept) receives the pool's events; empty: none, and no event is ever built.
    connection_pool(asio::any_io_executor executor, pool_limits limits, event_hook hook);

    /// An acquirer's place in the queue, kept by the caller (in its coroutine frame) while it waits.
    class ticket {
        friend class connection_pool;
        std::optional<waiter> waiter_{};
        waiter_id id_{};
        asio::any_io_executor owner_{};
    };

    /// acquire() in two steps, so that the common case costs no coroutine frame: a lease (or the pool's
    /// error) at once when the policy grants or refuses; nullopt when the caller is queued in `t`, which must
    /// then be awaited with wait(t) (and outlive it). `owner`: the caller's executor.
    std::optional<api_result<lease>> acquire_now(asio::any_io_executor const& owner, steady_time deadline,
                                                 bool fresh, ticket& t);
    /// The lease for the queued `t` (see acquire() for the errors).
    asio::awaitable<api_result<lease>> wait(ticket& t);

    /// A connection (FIFO among waiters) before `deadline`: error::timeout after it, operation_aborted when
    /// the caller's cancellation slot fires, error::shut_down after shutdown(). Idle connections that the
    /// server closed (or that have junk to read) are closed and skipped, never handed out. `fresh` (to replay
    /// a request that met a connection the server had just closed): always a new connection (needs_open()),
    /// evicting the least recently used idle one if the pool is full (pool_policy::acquire).
    asio::awaitable<api_result<lease>> acquire(steady_time deadline, bool fresh = false);

    pool_counters counters() const;

    /// Closes idle connections, fails waiters with operation_aborted, and closes in-use connections on their
    /// operations' executors (their pending I/O completes with operation_aborted). Later acquires fail.
    void shutdown();

private:
    friend class lease;
    struct in_use_entry {
        std::weak_ptr<connection> conn;
        asio::any_io_executor executor;
    };

    /// A connection to close after unlocking, and why (its connection_closed event).
    struct doomed_conn {
        std::shared_ptr<connection> conn;
        close_reason why{};
    };
    using doomed_list = std::vector<doomed_conn>;

    lease make_lease(grant g, std::shared_ptr<connection> conn, asio::any_io_executor const& owner,
                     steady_time granted_at);
    /// With the lock held: asks the policy until it grants a connection that is fit to use (idle ones found
    /// readable are closed as stale), queues or refuses. A reused connection is moved into `reused`.
    pool_policy::acquire_result take_grant(bool fresh, doomed_list& doomed,
                                           std::shared_ptr<connection>& reused);
    /// Parks the queued acquirer `id` until it is granted, times out, is cancelled or fails by shutdown().
    asio::awaitable<api_result<lease>> wait_for_grant(waiter_id id, waiter& w, asio::any_io_executor owner);
    void give_back(lease& l, bool reusable, std::optional<std::chrono::seconds> keep_alive);
    /// Closes `l`'s connection and frees its slot; `report`: emit connection_closed (failed, or shutdown).
    void drop(lease& l, bool report) noexcept;
    void mark_opened(lease& l);
    /// With the lock held: gives `handoff` to its waiter and wakes it.
    void hand_off(std::pair<waiter_id, grant> const& handoff, std::shared_ptr<connection> conn);
    /// With the lock held: moves the idle connections `ids` into `doomed` (closed after unlocking).
    void take_idle(std::vector<conn_id> const& ids, close_reason why, doomed_list& doomed);
    /// Without the lock: closes `doomed`, one connection_closed event each.
    void close_all(doomed_list& doomed) const noexcept;
    void emit_closed(close_reason why) const noexcept;
    /// Calls the hook (which must be set), swallowing what it throws.
    void emit(event const& e) const noexcept;

    asio::any_io_executor executor_;
    event_hook hook_;
    mutable std::mutex mutex_;
    pool_policy policy_;
    recycling_map<conn_id, std::shared_ptr<connection>> idle_;
    recycling_map<conn_id, in_use_entry> in_use_;
    std::unordered_map<waiter_id, waiter*> waiters_;
    std::atomic<std::size_t> waiting_{}; ///< waiters_.size(), readable without the lock
    std::uint64_t stale_{}; ///< reuse grants of idle connections found closed: nothing was sent on them
};

} // namespace igtcloud::entities::detail
