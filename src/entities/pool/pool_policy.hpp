#pragma once

// The connection pool's policy: which connection an acquirer gets, when one opens, waits, is reused or is
// closed. A pure state machine: no sockets, no timers, no clock reads (time is passed in), so it is tested
// with a fake clock. The I/O shell (connection_pool) owns the sockets and does what the results say; it has
// no sweep timer: idle connections expire lazily, when it next acquires or releases (expire_idle).

#include <igtcloud/entities/options.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace igtcloud::entities::detail {

/// The clock of every time point the policy is given (the shell reads it; tests pass a fake time).
using pool_clock = std::chrono::steady_clock;
/// Identity of a connection in one policy: never 0, never reused within one policy (even after close).
using conn_id = std::uint64_t;
/// Identity of a queued acquire: never 0, increasing in queue order, never reused within one policy.
using waiter_id = std::uint64_t;

/// The pool's limits, as session_options gives them.
struct pool_limits {
    /// [16] connections open or being opened at once. 0 is refused; values above pool_policy::max_slots are
    /// taken as max_slots (more than the process could open anyway), so SIZE_MAX means "unlimited".
    std::size_t max_connections{16};
    /// [60 s] an idle connection is closed this long after its last use. <= 0: idle connections are never
    /// kept (a release without a waiter closes).
    std::chrono::milliseconds idle_timeout{60'000};
};

/// What the shell must do for one acquirer.
struct grant {
    /// reuse: hand over the idle, open connection `conn` (the shell should still check that its socket is
    /// not readable, i.e. not closed by the server, and call closed() if it is).
    /// open: open a new connection in the slot `conn`, reserved for this acquirer; then call opened(conn), or
    /// closed(conn) if opening failed.
    enum class kind { reuse, open } how{};
    conn_id conn{}; ///< the connection (reuse) or the reserved slot's new identity (open)

    friend bool operator==(grant const&, grant const&) = default;
};

/// Snapshot of the pool (session::stats()). open == idle + in_use.
struct pool_counters {
    std::size_t open{};       ///< connections established: idle + in_use
    std::size_t idle{};       ///< open and unused, kept for reuse
    std::size_t in_use{};     ///< open and held by a request
    std::size_t connecting{}; ///< slots granted for opening, not yet opened() nor closed()
    std::size_t queued{};     ///< acquirers waiting for a connection
    std::uint64_t created{};  ///< open grants ever handed out (connection attempts)
    std::uint64_t reused{};   ///< reuse grants ever handed out (from idle or passed on by a release)

    friend bool operator==(pool_counters const&, pool_counters const&) = default;
};

/// The pool's state machine. Every connection is in exactly one state: connecting (a slot granted for
/// opening), in use, or idle; free slots and closed connections are not tracked. A connection's id is freed
/// by closed(), by a release that says close, by expire_idle(), by acquire()'s `to_close` and by shutdown();
/// afterwards calls naming it are ignored as described on each member.
///
/// Guarantees: open + connecting <= max_connections; waiters queue only while open + connecting ==
/// max_connections, and then no connection is idle; waiters are served in FIFO order; a slot freed while
/// someone waits goes to the oldest waiter at once, so no waiter starves and no slot leaks; a fresh acquire
/// (see acquire()) is only ever granted a slot to open, never a connection that carried a request.
///
/// Cost: acquire, opened, release and closed are O(1) amortized and allocate nothing once the pool has
/// reached its high-water mark (except `to_close` when an idle connection is closed by acquire, and the
/// waiter queue's growth); cancel_wait is O(log queued + position); expire_idle and next_expiry are O(idle).
///
/// Thread safety: none; the shell serializes every call (it holds a mutex).
class pool_policy {
public:
    /// The largest max_connections honoured; larger values are taken as this.
    static constexpr std::size_t max_slots = std::size_t{1} << 20;

    /// Throws std::invalid_argument when limits.max_connections == 0.
    explicit pool_policy(pool_limits limits);

    /// The answer to acquire(). Exactly one of: `granted`, `queued`, or neither: refused because the pool is
    /// shut down (refused()); the shell then fails the request with error::shut_down.
    struct acquire_result {
        std::optional<grant> granted{};    ///< go ahead: reuse or open `granted->conn`
        std::optional<waiter_id> queued{}; ///< wait: the grant comes later from release() or closed()
        /// Idle connections removed from the pool (expired, or evicted for a fresh acquire): close them, and
        /// report them as close_reason::idle_expired.
        std::vector<conn_id> to_close{};
        /// Neither granted nor queued: the pool is shut down.
        bool refused() const noexcept { return !granted && !queued; }
    };
    /// A request wants a connection at `now`. Idle connections are tried most-recent-first: each one whose
    /// expiry (see release()) is <= now is removed and appended to `to_close`, until one that has not expired
    /// is granted for reuse (expired connections behind it are left for expire_idle()). Else, when
    /// open + connecting < max_connections, a new slot is granted for opening. Else the caller is queued
    /// (FIFO). After shutdown(): refused.
    ///
    /// `fresh` (replaying a request that met a connection the server had just closed): never a reuse grant.
    /// When open + connecting < max_connections, a new slot is granted for opening (idle connections are
    /// left alone, expired ones for expire_idle()). Else, when a connection is idle, the least recently used
    /// one is evicted (the only entry of `to_close`, expired or not) and its slot granted for opening. Else
    /// the caller is queued like any other, in the same FIFO; whoever serves it gives it an open grant (see
    /// release()). An eviction is reported as close_reason::idle_expired: a healthy idle connection whose
    /// idle life the pool cut short to free its slot, as an expiry would; the least recently used one is
    /// usually the nearest to expiry. Not `stale` (nobody checked it), `not_reusable` (no answer said so) nor
    /// `failed` (nothing failed), which monitoring would read as trouble with the server.
    acquire_result acquire(pool_clock::time_point now, bool fresh = false);

    /// The shell finished opening `conn` (TCP + TLS done): it is now in use by the acquirer that got the
    /// open grant. Returns false, changing nothing, when `conn` is not connecting (unknown, closed, or
    /// opened before).
    bool opened(conn_id conn);

    /// The answer to release().
    struct release_result {
        /// A waiter to complete now with this grant: the same connection to reuse or, when it is closed, a
        /// fresh slot to open.
        std::optional<std::pair<waiter_id, grant>> handoff{};
        bool close{}; ///< the shell closes the released connection
        /// Why, when `close` (else none): failed (was connecting, or unknown), not_reusable (reusable=false),
        /// shutdown, idle_expired (its expiry <= now, or closed for a fresh waiter).
        close_reason why{};
    };
    /// The user of `conn` is done with it at `now`:
    /// - reusable=false (Connection: close, HTTP/1.0, an error, a partial read, a cancellation...) closes it.
    /// - `keep_alive` is the server's `Keep-Alive: timeout=` if it sent one. A kept connection expires at
    ///   min(now + idle_timeout, max(now, now + keep_alive - 1 s)); the 1 s margin covers the server's
    ///   clock having started earlier and the request's time on the wire. An expiry <= now (keep_alive of
    ///   0 or 1 s, or idle_timeout 0) closes it.
    /// - A kept connection goes to the oldest waiter (reuse grant), else becomes idle. A closed one's slot
    ///   goes to the oldest waiter (open grant).
    /// - When the oldest waiter acquired `fresh`, a connection that would be kept is closed instead (why:
    ///   idle_expired, as an eviction) and its slot goes to that waiter (open grant).
    /// - Closes after shutdown(), and for a connecting `conn` (opening abandoned) whatever `reusable` says.
    /// - An unknown `conn` changes nothing and answers close; an idle one (a double release) changes nothing
    ///   and answers keep.
    release_result release(conn_id conn, pool_clock::time_point now, bool reusable,
                           std::optional<std::chrono::seconds> keep_alive = std::nullopt);

    /// `conn` (connecting, in use or idle) is gone: it failed to open, failed mid-exchange, or the server
    /// closed it (the shell found it readable before reuse). Frees its slot; the oldest waiter, if any, gets
    /// an open grant for a fresh slot. Unknown or already freed ids are ignored (nullopt).
    std::optional<std::pair<waiter_id, grant>> closed(conn_id conn);

    /// The queued acquirer `w` gave up (cancelled, timed out). true: removed from the queue. false: not
    /// queued, i.e. already granted (or unknown, or failed by shutdown): the shell must then release() or
    /// closed() what that waiter was granted.
    bool cancel_wait(waiter_id w);

    /// Removes the idle connections whose expiry is <= now and returns them, oldest use first; the shell
    /// closes them (and must not call closed() for them, though doing so is harmless).
    std::vector<conn_id> expire_idle(pool_clock::time_point now);
    /// The earliest expiry among idle connections, or nullopt when none (for tests and a shell that would
    /// sweep on a timer; connection_pool expires lazily instead).
    std::optional<pool_clock::time_point> next_expiry() const noexcept;

    /// The answer to shutdown().
    struct shutdown_result {
        std::vector<conn_id> to_close{};  ///< the idle connections, removed: close them
        std::vector<waiter_id> waiters{}; ///< the waiters (oldest first), removed: fail them
    };
    /// Stops the pool: removes every idle connection and every waiter (fresh or not). Afterwards acquire() is
    /// refused and release() always closes; connections connecting or in use stay counted until released or
    /// closed. Calling it again returns nothing new.
    shutdown_result shutdown();
    /// Whether shutdown() was called.
    bool is_shut_down() const noexcept { return stopped_; }

    /// Current figures; created and reused count since construction.
    pool_counters counters() const noexcept;

private:
    /// A slot's state; the values index set_state()'s table of counts.
    enum class state : std::uint8_t { free, connecting, in_use, idle };
    static constexpr std::size_t none = static_cast<std::size_t>(-1); ///< "no slot" in the idle list
    /// A queued acquirer.
    struct waiting {
        waiter_id id{};
        bool fresh{}; ///< acquire(now, true): must get an open grant
    };
    /// Room for one connection, reused by successive connections under new ids.
    struct slot {
        conn_id id{};                         ///< current identity; 0 when free
        state st{state::free};                ///< exactly one state at a time
        pool_clock::time_point expiry{};      ///< idle only
        std::size_t newer{none}, older{none}; ///< idle list links (idle only)
    };

    slot* find(conn_id conn) noexcept;          ///< the live slot named `conn`, or nullptr
    conn_id open_slot();                        ///< takes a free slot (new id), state connecting
    void set_state(slot& s, state to) noexcept; ///< every state change, counts included
    void free_slot(slot& s) noexcept;           ///< any state -> free (unlinked from the idle list)
    void push_idle(slot& s) noexcept;           ///< in_use -> idle, as the most recent
    void unlink_idle(slot& s) noexcept;         ///< off the idle list (state unchanged)
    std::optional<std::pair<waiter_id, grant>> serve_waiter_fresh(); ///< open grant for the oldest waiter
    /// When a connection released at `now` with the server's `keep_alive` expires (see release()).
    pool_clock::time_point expiry_for(pool_clock::time_point now,
                                      std::optional<std::chrono::seconds> keep_alive) const noexcept;

    std::size_t max_;                                   ///< max_connections, capped at max_slots
    std::chrono::milliseconds idle_timeout_;            ///< clamped to [0, ~100 years]
    std::vector<slot> slots_{};                         ///< grows to the high-water mark, at most max_
    std::vector<std::size_t> free_{};                   ///< indices of free slots in slots_
    std::deque<waiting> waiters_{};                     ///< FIFO, ids increasing
    std::size_t newest_idle_{none}, oldest_idle_{none}; ///< ends of the idle list (slot::newer/older)
    std::size_t idle_{}, in_use_{}, connecting_{};      ///< slots in each state, kept by set_state()
    std::uint64_t created_{}, reused_{};                ///< grants handed out, by kind
    waiter_id last_waiter_{};                           ///< the last waiter id handed out
    bool stopped_{};                                    ///< shutdown() was called
};

} // namespace igtcloud::entities::detail
