// The pool's I/O shell: connection objects, parked waiters, hand-offs, closes.
#include "entities/pool/connection_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "entities/emit_event.hpp"

namespace igtcloud::entities::detail {
namespace {

api_error pool_error(error e, char const* what)
{
    return api_error{make_error_code(e), 0, what};
}

api_error aborted()
{
    return api_error{asio::error::operation_aborted, 0, "operation cancelled"};
}

} // namespace

lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr))
    , conn_(std::move(other.conn_))
    , id_(other.id_)
    , granted_at_(other.granted_at_)
    , needs_open_(other.needs_open_)
    , reused_(other.reused_)
{}

lease& lease::operator=(lease&& other) noexcept
{
    if (this != &other) {
        reset();
        pool_ = std::exchange(other.pool_, nullptr);
        conn_ = std::move(other.conn_);
        id_ = other.id_;
        granted_at_ = other.granted_at_;
        needs_open_ = other.needs_open_;
        reused_ = other.reused_;
    }
    return *this;
}

lease::~lease()
{
    reset();
}

void lease::reset() noexcept
{
    if (pool_ != nullptr && conn_) pool_->drop(*this, true);
    pool_ = nullptr;
    conn_.reset();
}

void lease::opened()
{
    pool_->mark_opened(*this);
    needs_open_ = false;
}

void lease::release(bool reusable, std::optional<std::chrono::seconds> keep_alive)
{
    if (pool_ == nullptr) return;
    pool_->give_back(*this, reusable, keep_alive);
    pool_ = nullptr;
    conn_.reset();
}

connection_pool::connection_pool(asio::any_io_executor executor, pool_limits limits, event_hook hook)
    : executor_(std::move(executor))
    , hook_(std::move(hook))
    , policy_(limits)
{}

pool_counters connection_pool::counters() const
{
    std::lock_guard lock(mutex_);
    auto c = policy_.counters();
    c.reused -= stale_;
    return c;
}

lease connection_pool::make_lease(grant g, std::shared_ptr<connection> conn,
                                  asio::any_io_executor const& owner, steady_time granted_at)
{
    if (!conn) conn = std::make_shared<connection>(executor_);
    in_use_.put(g.conn, in_use_entry{conn, owner});
    lease l;
    l.pool_ = this;
    l.conn_ = std::move(conn);
    l.id_ = g.conn;
    l.granted_at_ = granted_at;
    l.needs_open_ = g.how == grant::kind::open;
    l.reused_ = g.how == grant::kind::reuse;
    return l;
}

void connection_pool::take_idle(std::vector<conn_id> const& ids, close_reason why, doomed_list& doomed)
{
    for (auto id : ids) {
        if (auto conn = idle_.take(id)) doomed.push_back(doomed_conn{std::move(*conn), why});
    }
}

void connection_pool::close_all(doomed_list& doomed) const noexcept
{
    for (auto& d : doomed) {
        d.conn->close();
        emit_closed(d.why);
    }
    doomed.clear();
}

void connection_pool::emit_closed(close_reason why) const noexcept
{
    if (!hook_) return;
    event e;
    e.kind = event_kind::connection_closed;
    e.reason = why;
    emit(e);
}

void connection_pool::emit(event const& e) const noexcept
{
    emit_event(hook_, e);
}

void connection_pool::hand_off(std::pair<waiter_id, grant> const& handoff, std::shared_ptr<connection> conn)
{
    auto it = waiters_.find(handoff.first);
    if (it == waiters_.end()) return; // cannot happen: the policy only serves registered waiters
    auto& w = *it->second;
    w.granted = handoff.second;
    w.conn = conn ? std::move(conn) : std::make_shared<connection>(executor_);
    w.granted_at = pool_clock::now();
    in_use_.put(handoff.second.conn, in_use_entry{w.conn, w.parked.get_executor()});
    w.parked.wake();
}

pool_policy::acquire_result connection_pool::take_grant(bool fresh, doomed_list& doomed,
                                                        std::shared_ptr<connection>& reused)
{
    for (;;) {
        auto r = policy_.acquire(pool_clock::now(), fresh);
        take_idle(r.to_close, close_reason::idle_expired, doomed);
        if (!r.granted || r.granted->how == grant::kind::open) return r;
        auto conn = idle_.take(r.granted->conn);
        if (!(*conn)->has_pending_input()) {
            reused = std::move(*conn);
            return r;
        }
        // The server closed this idle connection (or sent junk): close it and ask again.
        doomed.push_back(doomed_conn{std::move(*conn), close_reason::stale});
        ++stale_;
        if (auto handoff = policy_.closed(r.granted->conn)) hand_off(*handoff, nullptr);
    }
}

std::optional<api_result<lease>> connection_pool::acquire_now(asio::any_io_executor const& owner,
                                                              steady_time deadline, bool fresh, ticket& t)
{
    doomed_list doomed;
    std::shared_ptr<connection> reused;
    std::unique_lock lock(mutex_);
    auto const r = take_grant(fresh, doomed, reused);
    if (!r.queued) {
        std::optional<lease> granted;
        if (r.granted) granted = make_lease(*r.granted, std::move(reused), owner, pool_clock::now());
        lock.unlock();
        close_all(doomed);
        if (granted) return std::move(*granted);
        return pool_error(error::shut_down, "the session was shut down");
    }
    t.id_ = *r.queued;
    t.owner_ = owner;
    auto& w = t.waiter_.emplace(owner, deadline);
    waiters_.emplace(t.id_, &w); // registered under the same lock: a grant cannot miss it
    waiting_.store(waiters_.size(), std::memory_order_relaxed);
    lock.unlock();
    close_all(doomed);
    if (hook_) {
        event e;
        e.kind = event_kind::queued;
        emit(e);
    }
    return std::nullopt;
}

asio::awaitable<api_result<lease>> connection_pool::wait(ticket& t)
{
    return wait_for_grant(t.id_, *t.waiter_, t.owner_);
}

asio::awaitable<api_result<lease>> connection_pool::acquire(steady_time deadline, bool fresh)
{
    ticket t;
    if (auto now = acquire_now(co_await asio::this_coro::executor, deadline, fresh, t))
        co_return std::move(*now);
    co_return co_await wait(t);
}

asio::awaitable<api_result<lease>> connection_pool::wait_for_grant(waiter_id id, waiter& w,
                                                                   asio::any_io_executor owner)
{
    auto const [expired, cancelled] = co_await w.parked.park();
    std::unique_lock lock(mutex_);
    waiters_.erase(id);
    waiting_.store(waiters_.size(), std::memory_order_relaxed);
    std::optional<lease> granted;
    if (w.granted)
        granted = make_lease(*w.granted, std::move(w.conn), owner, w.granted_at);
    else if (!w.failed)
        policy_.cancel_wait(id);
    lock.unlock();
    if (granted && !expired && !cancelled && !w.failed) co_return std::move(*granted);
    if (granted) {
        // Granted just as the deadline passed, the caller cancelled or the pool shut down: pass it on,
        // unused. A slot granted for opening was never opened: no event.
        if (granted->needs_open()) {
            drop(*granted, false);
            granted->pool_ = nullptr;
        } else {
            granted->release(true, std::nullopt);
        }
    }
    if (w.failed || cancelled) co_return aborted();
    co_return pool_error(error::timeout, "no connection became free before the deadline");
}

void connection_pool::mark_opened(lease& l)
{
    bool known = false;
    {
        std::lock_guard lock(mutex_);
        known = policy_.opened(l.id_);
    }
    if (known && hook_) {
        event e;
        e.kind = event_kind::connection_opened;
        e.duration = std::chrono::duration_cast<std::chrono::microseconds>(pool_clock::now() - l.granted_at_);
        emit(e);
    }
}

void connection_pool::give_back(lease& l, bool reusable, std::optional<std::chrono::seconds> keep_alive)
{
    // A connection with bytes to read (junk after the answer, or the server's close) must not be handed to a
    // waiter nor kept idle: has_pending_input() also covers a closed socket. Checked before locking, and only
    // when a waiter may take it at once (a system call per request otherwise): an idle connection is checked
    // again when it is next acquired.
    bool const junk =
        reusable && (waiting_.load(std::memory_order_relaxed) != 0 ? l.conn_->has_pending_input()
                                                                   : l.conn_->has_buffered_input());
    doomed_list doomed;
    {
        std::lock_guard lock(mutex_);
        in_use_.take(l.id_);
        auto const now = pool_clock::now();
        auto r = policy_.release(l.id_, now, reusable && !junk, keep_alive);
        bool const passed_on = r.handoff && r.handoff->second.how == grant::kind::reuse;
        if (r.handoff) hand_off(*r.handoff, passed_on ? l.conn_ : nullptr);
        if (r.close)
            doomed.push_back(doomed_conn{
                l.conn_, junk && r.why == close_reason::not_reusable ? close_reason::stale : r.why});
        else if (!passed_on)
            idle_.put(l.id_, l.conn_);
        take_idle(policy_.expire_idle(now), close_reason::idle_expired, doomed);
    }
    close_all(doomed);
}

void connection_pool::drop(lease& l, bool report) noexcept
{
    l.conn_->close();
    bool stopped = false;
    {
        std::lock_guard lock(mutex_);
        in_use_.take(l.id_);
        stopped = policy_.is_shut_down();
        if (auto handoff = policy_.closed(l.id_)) hand_off(*handoff, nullptr);
    }
    if (report) emit_closed(stopped ? close_reason::shutdown : close_reason::failed);
}

void connection_pool::shutdown()
{
    doomed_list doomed;
    {
        std::lock_guard lock(mutex_);
        auto r = policy_.shutdown();
        take_idle(r.to_close, close_reason::shutdown, doomed);
        for (auto& [id, w] : waiters_) {
            w->failed = true;
            w->parked.wake();
        }
        for (auto const& [id, entry] : in_use_.items()) {
            asio::post(entry.executor, [weak = entry.conn] {
                if (auto conn = weak.lock()) conn->close();
            });
        }
    }
    close_all(doomed);
}

} // namespace igtcloud::entities::detail
