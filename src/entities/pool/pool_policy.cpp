// The connection pool's policy: slots, the idle list (most recent first), the FIFO of waiters, expiries.
// States of a slot: free -> connecting -> in_use <-> idle -> free; any state -> free on closed().
#include "entities/pool/pool_policy.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace igtcloud::entities::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Subtracted from the server's Keep-Alive timeout: its clock started before ours, and a request we send just
// before its deadline may cross its close on the wire.
constexpr seconds keep_alive_margin{1};

// Longer idle timeouts are taken as this (~100 years, "never"): now + idle_timeout then cannot overflow.
constexpr milliseconds max_idle_timeout{std::chrono::hours{24 * 365 * 100}};

} // namespace

pool_policy::pool_policy(pool_limits limits)
    : max_{std::min(limits.max_connections, max_slots)}
    , idle_timeout_{std::clamp(limits.idle_timeout, milliseconds::zero(), max_idle_timeout)}
{
    if (limits.max_connections == 0) throw std::invalid_argument{"pool_policy: max_connections must be >= 1"};
    auto const initial = std::min<std::size_t>(max_, 256);
    slots_.reserve(initial);
    free_.reserve(initial);
}

pool_policy::acquire_result pool_policy::acquire(pool_clock::time_point now, bool fresh)
{
    acquire_result r;
    if (stopped_) return r;
    while (!fresh && newest_idle_ != none) {
        slot& s = slots_[newest_idle_];
        if (s.expiry > now) {
            unlink_idle(s);
            set_state(s, state::in_use);
            ++reused_;
            r.granted = grant{grant::kind::reuse, s.id};
            return r;
        }
        r.to_close.push_back(s.id);
        free_slot(s);
    }
    if (fresh && oldest_idle_ != none && idle_ + in_use_ + connecting_ >= max_) {
        slot& lru = slots_[oldest_idle_]; // evicted: its slot is reopened below
        r.to_close.push_back(lru.id);
        free_slot(lru);
    }
    if (idle_ + in_use_ + connecting_ < max_) {
        r.granted = grant{grant::kind::open, open_slot()};
        return r;
    }
    waiters_.push_back(waiting{++last_waiter_, fresh});
    r.queued = last_waiter_;
    return r;
}

bool pool_policy::opened(conn_id conn)
{
    slot* s = find(conn);
    if (s == nullptr || s->st != state::connecting) return false;
    set_state(*s, state::in_use);
    return true;
}

pool_policy::release_result pool_policy::release(conn_id conn, pool_clock::time_point now, bool reusable,
                                                 std::optional<seconds> keep_alive)
{
    release_result r;
    slot* s = find(conn);
    if (s == nullptr) return {{}, true, close_reason::failed}; // not ours (any more): nothing may keep it
    if (s->st == state::idle) return r;                        // double release: it stays idle
    auto const expiry = expiry_for(now, keep_alive);
    bool const fresh_next = !waiters_.empty() && waiters_.front().fresh; // to be served by an eviction
    r.why = s->st != state::in_use        ? close_reason::failed         // opening abandoned
            : !reusable                   ? close_reason::not_reusable
            : stopped_                    ? close_reason::shutdown
            : expiry <= now || fresh_next ? close_reason::idle_expired
                                          : close_reason::none;
    if (r.why != close_reason::none) {
        free_slot(*s);
        r.close = true;
        r.handoff = serve_waiter_fresh();
        return r;
    }
    if (!waiters_.empty()) {
        auto const w = waiters_.front().id;
        waiters_.pop_front();
        ++reused_;
        r.handoff.emplace(w, grant{grant::kind::reuse, s->id});
        return r;
    }
    s->expiry = expiry;
    push_idle(*s);
    return r;
}

std::optional<std::pair<waiter_id, grant>> pool_policy::closed(conn_id conn)
{
    slot* s = find(conn);
    if (s == nullptr) return std::nullopt;
    free_slot(*s);
    return serve_waiter_fresh();
}

bool pool_policy::cancel_wait(waiter_id w)
{
    // Ids are handed out in increasing order and the queue is FIFO, so it is sorted.
    auto const it = std::ranges::lower_bound(waiters_, w, {}, &waiting::id);
    if (it == waiters_.end() || it->id != w) return false;
    waiters_.erase(it);
    return true;
}

std::vector<conn_id> pool_policy::expire_idle(pool_clock::time_point now)
{
    std::vector<conn_id> out;
    for (auto i = oldest_idle_; i != none;) {
        slot& s = slots_[i];
        i = s.newer;
        if (s.expiry <= now) {
            out.push_back(s.id);
            free_slot(s);
        }
    }
    return out;
}

std::optional<pool_clock::time_point> pool_policy::next_expiry() const noexcept
{
    std::optional<pool_clock::time_point> earliest;
    for (auto i = newest_idle_; i != none; i = slots_[i].older)
        if (!earliest || slots_[i].expiry < *earliest) earliest = slots_[i].expiry;
    return earliest;
}

pool_policy::shutdown_result pool_policy::shutdown()
{
    shutdown_result r;
    stopped_ = true;
    r.waiters.reserve(waiters_.size());
    std::ranges::transform(waiters_, std::back_inserter(r.waiters), &waiting::id);
    waiters_.clear();
    r.to_close.reserve(idle_);
    while (oldest_idle_ != none) {
        slot& s = slots_[oldest_idle_];
        r.to_close.push_back(s.id);
        free_slot(s);
    }
    return r;
}

pool_counters pool_policy::counters() const noexcept
{
    return pool_counters{idle_ + in_use_, idle_, in_use_, connecting_, waiters_.size(), created_, reused_};
}

// An id encodes its slot: id = serial * max_ + index + 1, serial = the slot's creation number, so ids are
// never 0 nor reused, and a stale id (its slot freed, perhaps reused since) no longer matches the slot's id.
pool_policy::slot* pool_policy::find(conn_id conn) noexcept
{
    if (conn == 0) return nullptr;
    auto const i = static_cast<std::size_t>((conn - 1) % max_);
    if (i >= slots_.size() || slots_[i].id != conn) return nullptr;
    return &slots_[i];
}

// Reserves a free slot (the caller checked open + connecting < max_) in state connecting.
conn_id pool_policy::open_slot()
{
    std::size_t i = slots_.size();
    if (free_.empty()) {
        slots_.emplace_back();
    } else {
        i = free_.back();
        free_.pop_back();
    }
    slot& s = slots_[i];
    s.id = created_ * max_ + i + 1;
    ++created_;
    set_state(s, state::connecting);
    return s.id;
}

// The only place that changes a slot's state, so the per-state counts stay exact.
void pool_policy::set_state(slot& s, state to) noexcept
{
    std::size_t* const count[] = {nullptr, &connecting_, &in_use_, &idle_}; // indexed by state
    if (auto* c = count[static_cast<std::size_t>(s.st)]) --*c;
    if (auto* c = count[static_cast<std::size_t>(to)]) ++*c;
    s.st = to;
}

void pool_policy::free_slot(slot& s) noexcept
{
    if (s.st == state::idle) unlink_idle(s);
    set_state(s, state::free);
    s.id = 0;
    // free_ never outgrows slots_: no allocation once the pool reached its high-water mark.
    free_.push_back(static_cast<std::size_t>(&s - slots_.data()));
}

void pool_policy::push_idle(slot& s) noexcept
{
    auto const i = static_cast<std::size_t>(&s - slots_.data());
    s.newer = none;
    s.older = newest_idle_;
    (newest_idle_ != none ? slots_[newest_idle_].newer : oldest_idle_) = i;
    newest_idle_ = i;
    set_state(s, state::idle);
}

void pool_policy::unlink_idle(slot& s) noexcept
{
    (s.newer != none ? slots_[s.newer].older : newest_idle_) = s.older;
    (s.older != none ? slots_[s.older].newer : oldest_idle_) = s.newer;
    s.newer = s.older = none;
}

// A slot was freed: the oldest waiter, if any, gets an open grant for it (taken from free_, so slots_ does
// not grow and the caller's slot references stay valid).
std::optional<std::pair<waiter_id, grant>> pool_policy::serve_waiter_fresh()
{
    if (stopped_ || waiters_.empty() || idle_ + in_use_ + connecting_ >= max_) return std::nullopt;
    auto const w = waiters_.front().id;
    waiters_.pop_front();
    return std::pair{w, grant{grant::kind::open, open_slot()}};
}

// min(now + idle_timeout, max(now, now + keep_alive - margin)); keep_alive values too large to matter are
// skipped before any arithmetic, so nothing overflows whatever the server sent.
pool_clock::time_point pool_policy::expiry_for(pool_clock::time_point now,
                                               std::optional<seconds> keep_alive) const noexcept
{
    auto expiry = now + idle_timeout_;
    if (keep_alive) {
        if (*keep_alive <= keep_alive_margin) return now;
        if (*keep_alive < std::chrono::ceil<seconds>(idle_timeout_) + keep_alive_margin)
            expiry = std::min(expiry, now + (*keep_alive - keep_alive_margin));
    }
    return expiry;
}

} // namespace igtcloud::entities::detail
