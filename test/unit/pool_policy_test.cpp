// Unit tests of the connection pool's policy, driven by a fake clock (a time_point the test advances).
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "entities/pool/pool_policy.hpp"

namespace {

namespace data = boost::unit_test::data;
using namespace std::chrono_literals;
using igtcloud::entities::close_reason;
using igtcloud::entities::detail::conn_id;
using igtcloud::entities::detail::grant;
using igtcloud::entities::detail::pool_clock;
using igtcloud::entities::detail::pool_counters;
using igtcloud::entities::detail::pool_limits;
using igtcloud::entities::detail::waiter_id;
// Not `pool_policy`: that is the suite's name.
using policy = igtcloud::entities::detail::pool_policy;
using ids = std::vector<conn_id>;
using time_point = pool_clock::time_point;

constexpr time_point t0 = time_point{} + 1h; // the fake clock's start

policy make_pool(std::size_t max, std::chrono::milliseconds idle = 60s)
{
    return policy{pool_limits{max, idle}};
}

void check(policy const& p, pool_counters const& want)
{
    auto const c = p.counters();
    BOOST_TEST(c.open == want.open);
    BOOST_TEST(c.idle == want.idle);
    BOOST_TEST(c.in_use == want.in_use);
    BOOST_TEST(c.connecting == want.connecting);
    BOOST_TEST(c.queued == want.queued);
    BOOST_TEST(c.created == want.created);
    BOOST_TEST(c.reused == want.reused);
}

// The pending expiry in ms after t0 (printable, unlike time points), or nothing_idle.
constexpr long long nothing_idle = -1;
long long expiry_ms(policy const& p)
{
    auto const e = p.next_expiry();
    return e ? std::chrono::duration_cast<std::chrono::milliseconds>(*e - t0).count() : nothing_idle;
}

bool is_open(grant const& g)
{
    return g.how == grant::kind::open;
}

conn_id expect_open(policy::acquire_result const& r)
{
    BOOST_TEST_REQUIRE(r.granted.has_value());
    BOOST_TEST(is_open(*r.granted));
    BOOST_TEST(!r.queued.has_value());
    BOOST_TEST(r.granted->conn != 0u);
    return r.granted->conn;
}

conn_id expect_reuse(policy::acquire_result const& r)
{
    BOOST_TEST_REQUIRE(r.granted.has_value());
    BOOST_TEST(!is_open(*r.granted));
    BOOST_TEST(!r.queued.has_value());
    return r.granted->conn;
}

waiter_id expect_queued(policy::acquire_result const& r)
{
    BOOST_TEST(!r.granted.has_value());
    BOOST_TEST_REQUIRE(r.queued.has_value());
    BOOST_TEST(r.to_close.empty());
    return *r.queued;
}

// Acquires a new connection and opens it: the state of a request using its connection.
conn_id open_one(policy& p, time_point now)
{
    auto const c = expect_open(p.acquire(now));
    BOOST_TEST(p.opened(c));
    return c;
}

// Opens `n` connections and releases them all, reusable, at `now`; the last one released is the most recent.
ids idle_pool(policy& p, std::size_t n, time_point now, std::optional<std::chrono::seconds> keep_alive = {})
{
    ids out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(open_one(p, now));
    for (auto c : out)
        BOOST_TEST(!p.release(c, now, true, keep_alive).close);
    return out;
}

// The shell's view of the pool, kept by the randomized test independently of the policy: it predicts every
// answer (which connection, which waiter, what to close) and the counters after every step.
class random_run {
public:
    random_run(std::size_t max, std::uint64_t seed) : m_{max}, p_{pool_limits{max, idle_timeout}}, rng_{seed}
    {}

    void step()
    {
        auto const dice = pick(100);
        if (dice < 20)
            acquire();
        else if (dice < 35)
            opened();
        else if (dice < 57)
            release();
        else if (dice < 65)
            closed();
        else if (dice < 73)
            cancel();
        else if (dice < 80)
            expire();
        else
            now_ += std::chrono::milliseconds{pick(3000)};
        check_invariants();
    }

    // Gives everything back (waiters cancelled, connections opened and released), then checks that
    // max_connections can be reached again: no slot leaked.
    void drain_and_refill()
    {
        for (auto const& w : m_.waiters)
            BOOST_TEST(p_.cancel_wait(w.first));
        m_.waiters.clear();
        for (auto c : m_.connecting)
            BOOST_TEST(p_.opened(c));
        m_.in_use.insert(m_.connecting.begin(), m_.connecting.end());
        m_.connecting.clear();
        for (auto c : m_.in_use) {
            auto const r = p_.release(c, now_, true);
            BOOST_TEST(!r.close);
            BOOST_TEST(!r.handoff.has_value());
        }
        auto const idle = m_.in_use.size() + m_.idle.size();
        BOOST_TEST(p_.counters().idle == idle);
        for (std::size_t i = 0; i < m_.max; ++i)
            BOOST_TEST(p_.acquire(now_).granted.has_value());
        auto const c = p_.counters();
        BOOST_TEST(c.open + c.connecting == m_.max);
        BOOST_TEST(c.idle == 0u);
        BOOST_TEST(c.connecting == m_.max - idle);
        BOOST_TEST(p_.acquire(now_).queued.has_value());
    }

    // Every kind of event happened: the run exercised the machine, not just its happy path.
    void check_coverage() const
    {
        for (auto n : {seen_.reuse, seen_.handoff_reuse, seen_.handoff_open, seen_.queued,
                       seen_.closed_on_acquire, seen_.expired, seen_.cancelled, seen_.cancel_late,
                       seen_.fresh_open, seen_.evicted, seen_.fresh_queued, seen_.fresh_served_by_release})
            BOOST_TEST(n > 0u);
    }

private:
    static constexpr std::chrono::milliseconds idle_timeout{10'000};

    struct shell_model {
        std::size_t max{};
        std::set<conn_id> connecting{}, in_use{};
        std::vector<std::pair<conn_id, time_point>> idle{}; // release order: back = most recent
        std::deque<std::pair<waiter_id, bool>> waiters{};   // (id, fresh)
        std::vector<waiter_id> granted{}; // waiters already served (cancel_wait must say false)
        std::set<conn_id> ever{};         // every id ever granted for opening
        std::uint64_t created{}, reused{};
        waiter_id last_waiter{};
        std::size_t slots() const { return connecting.size() + in_use.size() + idle.size(); }
    };
    struct event_counts {
        std::size_t reuse{}, handoff_reuse{}, handoff_open{}, queued{}, closed_on_acquire{}, expired{},
            cancelled{}, cancel_late{}, fresh_open{}, evicted{}, fresh_queued{}, fresh_served_by_release{};
    };

    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>{0, n - 1}(rng_); }

    template <class Set>
    conn_id pick_from(Set const& s)
    {
        return *std::next(s.begin(), static_cast<std::ptrdiff_t>(pick(s.size())));
    }

    time_point expiry(std::optional<std::chrono::seconds> ka) const
    {
        auto e = now_ + idle_timeout;
        if (ka) e = std::min(e, std::max(now_, now_ + (*ka - 1s)));
        return e;
    }

    void granted_open(conn_id c)
    {
        BOOST_TEST_REQUIRE(m_.ever.insert(c).second); // never seen before
        m_.connecting.insert(c);
        ++m_.created;
    }

    // A slot was freed: the oldest waiter, if any, must get an open grant.
    void expect_fresh_handoff(std::optional<std::pair<waiter_id, grant>> const& h)
    {
        if (m_.waiters.empty()) {
            BOOST_TEST_REQUIRE(!h.has_value());
            return;
        }
        BOOST_TEST_REQUIRE(h.has_value());
        BOOST_TEST_REQUIRE(h->first == m_.waiters.front().first);
        BOOST_TEST_REQUIRE(is_open(h->second));
        m_.granted.push_back(h->first);
        m_.waiters.pop_front();
        granted_open(h->second.conn);
        ++seen_.handoff_open;
    }

    void queued(policy::acquire_result const& r, bool fresh)
    {
        auto const w = expect_queued(r);
        BOOST_TEST_REQUIRE(w > m_.last_waiter);
        m_.waiters.emplace_back(m_.last_waiter = w, fresh);
        ++(fresh ? seen_.fresh_queued : seen_.queued);
    }

    // Never a reuse grant: a free slot, else the least recently used idle connection evicted, else queued.
    void acquire_fresh()
    {
        auto const r = p_.acquire(now_, true);
        if (m_.slots() < m_.max) {
            BOOST_TEST_REQUIRE(r.to_close.empty());
            granted_open(expect_open(r));
            ++seen_.fresh_open;
        } else if (!m_.idle.empty()) {
            BOOST_TEST_REQUIRE(r.to_close == ids{m_.idle.front().first}, boost::test_tools::per_element());
            m_.idle.erase(m_.idle.begin());
            granted_open(expect_open(r));
            ++seen_.evicted;
        } else {
            queued(r, true);
        }
    }

    void acquire()
    {
        if (pick(4) == 0) {
            acquire_fresh();
            return;
        }
        auto const r = p_.acquire(now_);
        ids want_close;
        std::optional<conn_id> want_reuse;
        while (!m_.idle.empty() && !want_reuse) {
            auto const [c, e] = m_.idle.back();
            m_.idle.pop_back();
            if (e > now_)
                want_reuse = c;
            else
                want_close.push_back(c);
        }
        BOOST_TEST_REQUIRE(r.to_close == want_close, boost::test_tools::per_element());
        seen_.closed_on_acquire += want_close.size();
        if (want_reuse) {
            BOOST_TEST_REQUIRE(expect_reuse(r) == *want_reuse);
            m_.in_use.insert(*want_reuse);
            ++m_.reused;
            ++seen_.reuse;
        } else if (m_.slots() < m_.max) {
            granted_open(expect_open(r));
        } else {
            queued(r, false);
        }
    }

    void opened()
    {
        if (!m_.in_use.empty() && pick(4) == 0) { // in use already: refused
            BOOST_TEST_REQUIRE(!p_.opened(pick_from(m_.in_use)));
            return;
        }
        if (m_.connecting.empty()) return;
        auto const c = pick_from(m_.connecting);
        BOOST_TEST_REQUIRE(p_.opened(c));
        m_.connecting.erase(c);
        m_.in_use.insert(c);
    }

    void release()
    {
        bool const abandon = !m_.connecting.empty() && (m_.in_use.empty() || pick(10) == 0);
        if (!abandon && m_.in_use.empty()) return;
        auto const c = abandon ? pick_from(m_.connecting) : pick_from(m_.in_use);
        bool const reusable = pick(10) < 7;
        std::optional<std::chrono::seconds> ka;
        if (pick(2) == 0) ka = std::chrono::seconds{pick(16)};
        auto const e = expiry(ka);
        auto const r = p_.release(c, now_, reusable, ka);
        (abandon ? m_.connecting : m_.in_use).erase(c);
        bool const fresh_next = !m_.waiters.empty() && m_.waiters.front().second;
        if (abandon || !reusable || e <= now_ || fresh_next) {
            BOOST_TEST_REQUIRE(r.close);
            auto const why = abandon     ? close_reason::failed
                             : !reusable ? close_reason::not_reusable
                                         : close_reason::idle_expired;
            BOOST_TEST_REQUIRE((r.why == why));
            if (why == close_reason::idle_expired && fresh_next) ++seen_.fresh_served_by_release;
            expect_fresh_handoff(r.handoff);
        } else if (!m_.waiters.empty()) {
            BOOST_TEST_REQUIRE(!r.close);
            BOOST_TEST_REQUIRE((r.why == close_reason::none));
            BOOST_TEST_REQUIRE(r.handoff.has_value());
            BOOST_TEST_REQUIRE(r.handoff->first == m_.waiters.front().first);
            BOOST_TEST_REQUIRE(!is_open(r.handoff->second));
            BOOST_TEST_REQUIRE(r.handoff->second.conn == c);
            m_.granted.push_back(m_.waiters.front().first);
            m_.waiters.pop_front();
            m_.in_use.insert(c);
            ++m_.reused;
            ++seen_.handoff_reuse;
        } else {
            BOOST_TEST_REQUIRE(!r.close);
            BOOST_TEST_REQUIRE(!r.handoff.has_value());
            m_.idle.emplace_back(c, e);
        }
    }

    void closed()
    {
        auto const live = m_.slots();
        if (live == 0 || pick(10) == 0) { // a stale or never-issued id: ignored
            auto const stale = m_.ever.empty() ? conn_id{12345} : pick_from(m_.ever);
            if (!m_.connecting.contains(stale) && !m_.in_use.contains(stale) &&
                std::none_of(m_.idle.begin(), m_.idle.end(), [&](auto const& i) { return i.first == stale; }))
                BOOST_TEST_REQUIRE(!p_.closed(stale).has_value());
            return;
        }
        auto n = pick(live);
        conn_id c{};
        if (n < m_.connecting.size()) {
            c = *std::next(m_.connecting.begin(), static_cast<std::ptrdiff_t>(n));
            m_.connecting.erase(c);
        } else if ((n -= m_.connecting.size()) < m_.in_use.size()) {
            c = *std::next(m_.in_use.begin(), static_cast<std::ptrdiff_t>(n));
            m_.in_use.erase(c);
        } else {
            n -= m_.in_use.size();
            c = m_.idle[n].first;
            m_.idle.erase(m_.idle.begin() + static_cast<std::ptrdiff_t>(n));
        }
        expect_fresh_handoff(p_.closed(c));
    }

    void cancel()
    {
        if (!m_.waiters.empty() && pick(3) != 0) {
            auto const i = static_cast<std::ptrdiff_t>(pick(m_.waiters.size()));
            BOOST_TEST_REQUIRE(p_.cancel_wait(m_.waiters[static_cast<std::size_t>(i)].first));
            m_.waiters.erase(m_.waiters.begin() + i);
            ++seen_.cancelled;
        } else if (!m_.granted.empty()) {
            BOOST_TEST_REQUIRE(!p_.cancel_wait(m_.granted[pick(m_.granted.size())]));
            ++seen_.cancel_late;
        }
    }

    void expire()
    {
        ids want;
        for (auto const& [c, e] : m_.idle)
            if (e <= now_) want.push_back(c);
        std::erase_if(m_.idle, [&](auto const& i) { return i.second <= now_; });
        BOOST_TEST_REQUIRE(p_.expire_idle(now_) == want, boost::test_tools::per_element());
        seen_.expired += want.size();
    }

    void check_invariants()
    {
        auto const c = p_.counters();
        BOOST_TEST_REQUIRE(c.connecting == m_.connecting.size());
        BOOST_TEST_REQUIRE(c.in_use == m_.in_use.size());
        BOOST_TEST_REQUIRE(c.idle == m_.idle.size());
        BOOST_TEST_REQUIRE(c.open == c.idle + c.in_use);
        BOOST_TEST_REQUIRE(c.queued == m_.waiters.size());
        BOOST_TEST_REQUIRE(c.created == m_.created);
        BOOST_TEST_REQUIRE(c.reused == m_.reused);
        BOOST_TEST_REQUIRE(c.open + c.connecting <= m_.max);
        if (c.queued > 0) { // nobody waits while a slot is free or a connection idles
            BOOST_TEST_REQUIRE(c.open + c.connecting == m_.max);
            BOOST_TEST_REQUIRE(c.idle == 0u);
        }
        std::optional<time_point> earliest;
        for (auto const& i : m_.idle)
            if (!earliest || i.second < *earliest) earliest = i.second;
        BOOST_TEST_REQUIRE((p_.next_expiry() == earliest));
    }

    shell_model m_;
    policy p_;
    std::mt19937_64 rng_;
    time_point now_{t0};
    event_counts seen_{};
};

} // namespace

BOOST_AUTO_TEST_SUITE(pool_policy)

BOOST_AUTO_TEST_CASE(opens_new_connection_on_first_acquire)
{
    auto p = make_pool(4);
    check(p, {});
    auto const r = p.acquire(t0);
    auto const c = expect_open(r);
    BOOST_TEST(r.to_close.empty());
    BOOST_TEST(!r.refused());
    check(p, {.connecting = 1, .created = 1});
    BOOST_TEST(p.opened(c));
    check(p, {.open = 1, .in_use = 1, .created = 1});
    BOOST_TEST(!p.opened(c)); // opened twice: refused, nothing changes
    check(p, {.open = 1, .in_use = 1, .created = 1});
}

BOOST_AUTO_TEST_CASE(reuses_idle_connection_on_release_then_acquire)
{
    auto p = make_pool(4);
    auto const c = open_one(p, t0);
    auto const rel = p.release(c, t0 + 1s, true);
    BOOST_TEST(!rel.close);
    BOOST_TEST(!rel.handoff.has_value());
    check(p, {.open = 1, .idle = 1, .created = 1});
    BOOST_TEST(expect_reuse(p.acquire(t0 + 2s)) == c);
    check(p, {.open = 1, .in_use = 1, .created = 1, .reused = 1});
    BOOST_TEST(!p.release(c, t0 + 3s, true).close);
    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s)) == c);
    check(p, {.open = 1, .in_use = 1, .created = 1, .reused = 2});
}

BOOST_AUTO_TEST_CASE(reuses_most_recent_first_on_several_idle)
{
    auto p = make_pool(4);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    auto const c = open_one(p, t0);
    BOOST_TEST((a != b && b != c && a != c));
    p.release(b, t0 + 1s, true);
    p.release(a, t0 + 2s, true);
    p.release(c, t0 + 3s, true);
    check(p, {.open = 3, .idle = 3, .created = 3});
    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s)) == c);
    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s)) == a);
    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s)) == b);
    check(p, {.open = 3, .in_use = 3, .created = 3, .reused = 3});
    expect_open(p.acquire(t0 + 4s)); // no idle left, a slot is free
    check(p, {.open = 3, .in_use = 3, .connecting = 1, .created = 4, .reused = 3});
}

BOOST_AUTO_TEST_CASE(queues_on_max_connections_reached)
{
    auto p = make_pool(2);
    auto const a = open_one(p, t0);
    expect_open(p.acquire(t0)); // still connecting: counts against the limit too
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .created = 2});
    auto const w1 = expect_queued(p.acquire(t0));
    auto const w2 = expect_queued(p.acquire(t0));
    BOOST_TEST(w1 != 0u);
    BOOST_TEST(w2 > w1);
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .queued = 2, .created = 2});
    auto const r = p.release(a, t0, false); // the freed slot goes to w1 at once
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w1);
    check(p, {.connecting = 2, .queued = 1, .created = 3});
}

BOOST_AUTO_TEST_CASE(hands_off_fifo_on_release)
{
    auto p = make_pool(2);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    auto const w1 = expect_queued(p.acquire(t0));
    auto const w2 = expect_queued(p.acquire(t0));
    auto const w3 = expect_queued(p.acquire(t0));

    auto const r1 = p.release(b, t0 + 1s, true);
    BOOST_TEST(!r1.close);
    BOOST_TEST_REQUIRE(r1.handoff.has_value());
    BOOST_TEST(r1.handoff->first == w1);
    BOOST_TEST(!is_open(r1.handoff->second));
    BOOST_TEST(r1.handoff->second.conn == b);
    check(p, {.open = 2, .in_use = 2, .queued = 2, .created = 2, .reused = 1});

    auto const r2 = p.release(a, t0 + 2s, true);
    BOOST_TEST_REQUIRE(r2.handoff.has_value());
    BOOST_TEST(r2.handoff->first == w2);
    BOOST_TEST(r2.handoff->second.conn == a);

    auto const r3 = p.release(a, t0 + 3s, true, 30s);
    BOOST_TEST_REQUIRE(r3.handoff.has_value());
    BOOST_TEST(r3.handoff->first == w3);
    BOOST_TEST(r3.handoff->second.conn == a);
    check(p, {.open = 2, .in_use = 2, .created = 2, .reused = 3});

    BOOST_TEST(!p.release(a, t0 + 4s, true).handoff.has_value()); // nobody waits: idle
    check(p, {.open = 2, .idle = 1, .in_use = 1, .created = 2, .reused = 3});
}

BOOST_AUTO_TEST_CASE(grants_open_to_oldest_waiter_on_non_reusable_release)
{
    auto p = make_pool(1);
    auto const a = open_one(p, t0);
    auto const w1 = expect_queued(p.acquire(t0));
    auto const w2 = expect_queued(p.acquire(t0));
    BOOST_TEST(w2 > w1);
    auto const r = p.release(a, t0 + 1s, false);
    BOOST_TEST(r.close);
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w1);
    BOOST_TEST(is_open(r.handoff->second));
    BOOST_TEST(r.handoff->second.conn != a); // a fresh identity for the fresh slot
    check(p, {.connecting = 1, .queued = 1, .created = 2});
    BOOST_TEST(
        p.release(a, t0 + 2s, true).close); // the old id is gone: a stale release closes, changes nothing
    check(p, {.connecting = 1, .queued = 1, .created = 2});
}

BOOST_AUTO_TEST_CASE(grants_fresh_slot_to_waiter_on_connect_failure)
{
    auto p = make_pool(1);
    auto const c = expect_open(p.acquire(t0));
    auto const w = expect_queued(p.acquire(t0));
    auto const h = p.closed(c); // TCP connect or TLS handshake failed
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(h->first == w);
    BOOST_TEST(is_open(h->second));
    BOOST_TEST(h->second.conn != c);
    check(p, {.connecting = 1, .created = 2});
    BOOST_TEST(!p.opened(c));             // the failed slot's id is dead
    BOOST_TEST(!p.closed(c).has_value()); // closing it again is ignored
    BOOST_TEST(p.opened(h->second.conn));
    check(p, {.open = 1, .in_use = 1, .created = 2});
}

BOOST_AUTO_TEST_CASE(frees_slot_on_closed_in_every_state)
{
    auto p = make_pool(3);
    auto const connecting = expect_open(p.acquire(t0));
    auto const in_use = open_one(p, t0);
    auto const idle = open_one(p, t0);
    p.release(idle, t0, true);
    check(p, {.open = 2, .idle = 1, .in_use = 1, .connecting = 1, .created = 3});
    BOOST_TEST(!p.closed(idle).has_value()); // the server closed it while idle
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .created = 3});
    BOOST_TEST(expiry_ms(p) == nothing_idle);
    BOOST_TEST(!p.closed(in_use).has_value());
    BOOST_TEST(!p.closed(connecting).has_value());
    check(p, {.created = 3});
    for (int i = 0; i < 3; ++i)
        expect_open(p.acquire(t0)); // every slot is back
    expect_queued(p.acquire(t0));
    check(p, {.connecting = 3, .queued = 1, .created = 6});
}

BOOST_AUTO_TEST_CASE(closes_connection_on_release_while_connecting)
{
    auto p = make_pool(1);
    auto const c = expect_open(p.acquire(t0));
    auto const w = expect_queued(p.acquire(t0));
    auto const r = p.release(c, t0, true); // opening abandoned (cancelled): never reusable
    BOOST_TEST(r.close);
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w);
    BOOST_TEST(is_open(r.handoff->second));
    check(p, {.connecting = 1, .created = 2});
}

BOOST_AUTO_TEST_CASE(keeps_idle_on_double_release)
{
    auto p = make_pool(2);
    auto const c = open_one(p, t0);
    p.release(c, t0, true);
    auto const r = p.release(c, t0 + 1s, false);
    BOOST_TEST(!r.close);
    BOOST_TEST(!r.handoff.has_value());
    check(p, {.open = 1, .idle = 1, .created = 1});
    BOOST_TEST(expiry_ms(p) == 60000); // the first release's expiry stands
}

BOOST_AUTO_TEST_CASE(expires_idle_on_idle_timeout)
{
    auto p = make_pool(4, 10s);
    BOOST_TEST(expiry_ms(p) == nothing_idle);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    p.release(a, t0 + 1s, true);
    p.release(b, t0 + 3s, true);
    BOOST_TEST(expiry_ms(p) == 11000);
    BOOST_TEST(p.expire_idle(t0 + 11s - 1ms).empty());
    check(p, {.open = 2, .idle = 2, .created = 2});
    BOOST_TEST(p.expire_idle(t0 + 11s) == ids{a}, boost::test_tools::per_element());
    check(p, {.open = 1, .idle = 1, .created = 2});
    BOOST_TEST(expiry_ms(p) == 13000);
    BOOST_TEST(p.expire_idle(t0 + 60s) == ids{b}, boost::test_tools::per_element());
    BOOST_TEST(expiry_ms(p) == nothing_idle);
    BOOST_TEST(!p.closed(b).has_value()); // closed() after the sweep is harmless
    check(p, {.created = 2});
}

BOOST_AUTO_TEST_CASE(returns_oldest_first_on_expire_idle_of_several)
{
    auto p = make_pool(4, 10s);
    auto const c = idle_pool(p, 3, t0);
    BOOST_TEST(p.expire_idle(t0 + 10s) == c, boost::test_tools::per_element());
    check(p, {.created = 3});
}

BOOST_AUTO_TEST_CASE(skips_and_reports_expired_on_acquire)
{
    auto p = make_pool(4, 10s);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    auto const c = open_one(p, t0);
    p.release(a, t0, true);            // expires at t0 + 10 s
    p.release(b, t0 + 1s, true, 3s);   // keep-alive: expires at t0 + 3 s
    p.release(c, t0 + 2s, true, 2s);   // keep-alive: expires at t0 + 3 s
    auto const r = p.acquire(t0 + 5s); // c and b expired, a still good
    BOOST_TEST(expect_reuse(r) == a);
    BOOST_TEST(r.to_close == (ids{c, b}), boost::test_tools::per_element());
    check(p, {.open = 1, .in_use = 1, .created = 3, .reused = 1});

    p.release(a, t0 + 5s, true); // expires at t0 + 15 s
    auto const r2 = p.acquire(t0 + 15s);
    auto const fresh = expect_open(r2); // nothing reusable: a is closed and its slot reopened
    BOOST_TEST(r2.to_close == ids{a}, boost::test_tools::per_element());
    BOOST_TEST((fresh != a && fresh != b && fresh != c));
    check(p, {.connecting = 1, .created = 4, .reused = 1});
}

BOOST_AUTO_TEST_CASE(leaves_expired_behind_live_on_acquire)
{
    auto p = make_pool(4, 10s);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    p.release(a, t0, true, 2s); // expires at t0 + 1 s
    p.release(b, t0, true);     // expires at t0 + 10 s, most recent
    auto const r = p.acquire(t0 + 5s);
    BOOST_TEST(expect_reuse(r) == b);
    BOOST_TEST(r.to_close.empty()); // a is behind the live b: left to the sweep
    BOOST_TEST(expiry_ms(p) == 1000);
    BOOST_TEST(p.expire_idle(t0 + 5s) == ids{a}, boost::test_tools::per_element());
    check(p, {.open = 1, .in_use = 1, .created = 2, .reused = 1});
}

BOOST_AUTO_TEST_CASE(shortens_expiry_on_keep_alive_below_idle_timeout)
{
    auto p = make_pool(4, 60s);
    auto const a = open_one(p, t0);
    p.release(a, t0, true, 5s); // Keep-Alive: timeout=5 -> 4 s with the 1 s margin
    BOOST_TEST(expiry_ms(p) == 4000);
    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s - 1ms)) == a);
    p.release(a, t0 + 10s, true, 5s);
    auto const r = p.acquire(t0 + 14s); // exactly at the expiry: not reused
    BOOST_TEST(r.to_close == ids{a}, boost::test_tools::per_element());
    expect_open(r);

    auto q = make_pool(4, 2500ms); // idle_timeout still wins when shorter than keep_alive - 1 s
    auto const c = open_one(q, t0);
    q.release(c, t0, true, 4s);
    BOOST_TEST(expiry_ms(q) == 2500);
    q.expire_idle(t0 + 2500ms);
    auto const d = open_one(q, t0);
    q.release(d, t0, true, 3s); // 2 s < 2.5 s
    BOOST_TEST(expiry_ms(q) == 2000);
}

BOOST_AUTO_TEST_CASE(ignores_keep_alive_on_longer_than_idle_timeout)
{
    auto p = make_pool(4, 10s);
    auto const c = idle_pool(p, 3, t0, 3600s);
    BOOST_TEST(expiry_ms(p) == 10000);
    p.expire_idle(t0 + 10s);
    auto const d = open_one(p, t0);
    p.release(d, t0, true, std::chrono::seconds::max()); // absurd server value: no overflow
    BOOST_TEST(expiry_ms(p) == 10000);
    check(p, {.open = 1, .idle = 1, .created = 4});
}

BOOST_AUTO_TEST_CASE(closes_at_once_on_keep_alive_of_one_second_or_less)
{
    for (auto ka : {0s, 1s, -5s, std::chrono::seconds::min()}) {
        BOOST_TEST_CONTEXT("keep_alive " << ka.count())
        {
            auto p = make_pool(1, 60s);
            auto const a = open_one(p, t0);
            auto const r = p.release(a, t0, true, ka);
            BOOST_TEST(r.close);
            BOOST_TEST(!r.handoff.has_value());
            check(p, {.created = 1});

            auto const b = open_one(p, t0); // with a waiter: a fresh slot, not the doomed connection
            auto const w = expect_queued(p.acquire(t0));
            auto const r2 = p.release(b, t0, true, ka);
            BOOST_TEST(r2.close);
            BOOST_TEST_REQUIRE(r2.handoff.has_value());
            BOOST_TEST(r2.handoff->first == w);
            BOOST_TEST(is_open(r2.handoff->second));
            check(p, {.connecting = 1, .created = 3});
        }
    }
    auto p = make_pool(1, 60s);
    auto const a = open_one(p, t0);
    BOOST_TEST(!p.release(a, t0, true, 2s).close); // 2 s is the shortest kept: 1 s of idle life
    BOOST_TEST(expiry_ms(p) == 1000);
}

BOOST_AUTO_TEST_CASE(closes_on_release_on_zero_idle_timeout)
{
    auto p = make_pool(2, 0ms);
    auto const a = open_one(p, t0);
    BOOST_TEST(p.release(a, t0, true).close);
    check(p, {.created = 1});
    auto n = make_pool(2, -5s); // negative: taken as 0
    BOOST_TEST(n.release(open_one(n, t0), t0, true).close);
}

BOOST_AUTO_TEST_CASE(removes_waiter_on_cancel_before_grant)
{
    auto p = make_pool(1);
    auto const a = open_one(p, t0);
    auto const w1 = expect_queued(p.acquire(t0));
    auto const w2 = expect_queued(p.acquire(t0));
    auto const w3 = expect_queued(p.acquire(t0));
    BOOST_TEST(p.cancel_wait(w2)); // from the middle
    check(p, {.open = 1, .in_use = 1, .queued = 2, .created = 1});
    BOOST_TEST(!p.cancel_wait(w2)); // twice: unknown
    BOOST_TEST(!p.cancel_wait(0));
    BOOST_TEST(!p.cancel_wait(w3 + 1));
    BOOST_TEST(p.cancel_wait(w1)); // the head
    auto const r = p.release(a, t0, true);
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w3); // the cancelled ones are skipped
    check(p, {.open = 1, .in_use = 1, .created = 1, .reused = 1});
}

BOOST_AUTO_TEST_CASE(reports_unknown_on_cancel_after_grant)
{
    auto p = make_pool(1);
    auto const a = open_one(p, t0);
    auto const w = expect_queued(p.acquire(t0));
    auto const r = p.release(a, t0, true);
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(!p.cancel_wait(w)); // too late: the shell must give back what w was granted
    BOOST_TEST(!p.release(r.handoff->second.conn, t0, true).close);
    check(p, {.open = 1, .idle = 1, .created = 1, .reused = 1});
}

BOOST_AUTO_TEST_CASE(closes_idle_and_fails_waiters_on_shutdown)
{
    // Idle connections and waiters never coexist (a waiter would have taken the connection): one pool each.
    auto p = make_pool(3);
    auto const busy = open_one(p, t0);
    auto const idle = idle_pool(p, 2, t0);
    check(p, {.open = 3, .idle = 2, .in_use = 1, .created = 3});
    auto const s = p.shutdown();
    BOOST_TEST(p.is_shut_down());
    BOOST_TEST(s.to_close == idle, boost::test_tools::per_element());
    BOOST_TEST(s.waiters.empty());
    check(p, {.open = 1, .in_use = 1, .created = 3});
    BOOST_TEST(expiry_ms(p) == nothing_idle);
    auto const again = p.shutdown();
    BOOST_TEST(again.to_close.empty());
    BOOST_TEST(again.waiters.empty());
    BOOST_TEST(p.release(busy, t0, true).close);
    check(p, {.created = 3});

    auto q = make_pool(1);
    auto const c = open_one(q, t0);
    auto const w1 = expect_queued(q.acquire(t0));
    auto const w2 = expect_queued(q.acquire(t0));
    auto const w3 = expect_queued(q.acquire(t0));
    BOOST_TEST(q.cancel_wait(w2));
    auto const sq = q.shutdown();
    BOOST_TEST(sq.to_close.empty());
    BOOST_TEST(sq.waiters == (std::vector<waiter_id>{w1, w3}), boost::test_tools::per_element());
    check(q, {.open = 1, .in_use = 1, .created = 1});
    BOOST_TEST(!q.cancel_wait(w3)); // failed by shutdown: no longer queued
    auto const r = q.release(c, t0, false);
    BOOST_TEST(r.close);
    BOOST_TEST(!r.handoff.has_value()); // nobody left to hand the slot to
    check(q, {.created = 1});
}

BOOST_AUTO_TEST_CASE(refuses_acquire_on_shut_down)
{
    auto p = make_pool(2);
    p.shutdown();
    auto const r = p.acquire(t0);
    BOOST_TEST(r.refused());
    BOOST_TEST(!r.granted.has_value());
    BOOST_TEST(!r.queued.has_value());
    BOOST_TEST(r.to_close.empty());
    check(p, {});
}

BOOST_AUTO_TEST_CASE(closes_on_release_after_shutdown)
{
    auto p = make_pool(2);
    auto const a = open_one(p, t0);
    auto const b = expect_open(p.acquire(t0));
    p.shutdown();
    BOOST_TEST(p.opened(b)); // a connection being opened may finish; it is closed when done
    check(p, {.open = 2, .in_use = 2, .created = 2});
    auto const r = p.release(a, t0, true, 30s);
    BOOST_TEST(r.close);
    BOOST_TEST(!r.handoff.has_value());
    BOOST_TEST(!p.closed(b).has_value());
    check(p, {.created = 2});
    BOOST_TEST(p.acquire(t0).refused());
}

BOOST_AUTO_TEST_CASE(never_reuses_ids_on_slot_reuse)
{
    auto p = make_pool(2);
    std::set<conn_id> seen;
    for (int i = 0; i < 1000; ++i) {
        auto const c = expect_open(p.acquire(t0));
        BOOST_TEST_REQUIRE(seen.insert(c).second);
        if (i % 2 == 0)
            p.closed(c);
        else
            p.release(c, t0, false);
    }
    check(p, {.created = 1000});
}

BOOST_AUTO_TEST_CASE(refuses_zero_max_connections_on_construction)
{
    BOOST_CHECK_THROW(make_pool(0), std::invalid_argument);
    auto p = make_pool(static_cast<std::size_t>(-1)); // "unlimited": capped, not refused
    for (int i = 0; i < 100; ++i)
        expect_open(p.acquire(t0));
    check(p, {.connecting = 100, .created = 100});
    auto big = make_pool(16, std::chrono::milliseconds::max()); // "never" idle timeout: no overflow
    auto const c = open_one(big, t0);
    big.release(c, t0, true);
    BOOST_TEST_REQUIRE(big.next_expiry().has_value());
    BOOST_TEST((*big.next_expiry() > t0 + 24h * 365 * 50));
    BOOST_TEST(expect_reuse(big.acquire(t0 + 24h * 365)) == c);
}

BOOST_AUTO_TEST_CASE(opens_new_slot_on_fresh_acquire_with_free_slot)
{
    auto p = make_pool(3, 10s);
    auto const a = open_one(p, t0);
    p.release(a, t0, true);
    check(p, {.open = 1, .idle = 1, .created = 1});
    auto const r = p.acquire(t0 + 1s, true); // a is idle and alive, but a fresh acquire never reuses
    auto const b = expect_open(r);
    BOOST_TEST(b != a);
    BOOST_TEST(r.to_close.empty()); // a slot is free: nothing is evicted
    check(p, {.open = 1, .idle = 1, .connecting = 1, .created = 2});
    BOOST_TEST(p.opened(b));
    auto const r2 = p.acquire(t0 + 20s, true); // a expired: left to expire_idle, not reported here
    expect_open(r2);
    BOOST_TEST(r2.to_close.empty());
    check(p, {.open = 2, .idle = 1, .in_use = 1, .connecting = 1, .created = 3});
    BOOST_TEST(p.expire_idle(t0 + 20s) == ids{a}, boost::test_tools::per_element());
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .created = 3});
}

BOOST_AUTO_TEST_CASE(evicts_least_recently_used_idle_on_fresh_acquire_at_max)
{
    auto p = make_pool(3, 10s);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    auto const c = open_one(p, t0);
    p.release(b, t0 + 1s, true); // least recently used
    p.release(a, t0 + 2s, true);
    p.release(c, t0 + 3s, true); // most recent
    check(p, {.open = 3, .idle = 3, .created = 3});

    auto const r1 = p.acquire(t0 + 4s, true);
    auto const d = expect_open(r1);
    BOOST_TEST(r1.to_close == ids{b}, boost::test_tools::per_element());
    BOOST_TEST((d != a && d != b && d != c));
    check(p, {.open = 2, .idle = 2, .connecting = 1, .created = 4});
    BOOST_TEST(!p.opened(b));             // the evicted id is dead
    BOOST_TEST(!p.closed(b).has_value()); // and closing it is ignored
    BOOST_TEST(expiry_ms(p) == 12000);    // a's expiry: b's (11 s) is gone

    BOOST_TEST(expect_reuse(p.acquire(t0 + 4s)) == c); // a normal acquire still reuses, most recent first
    check(p, {.open = 2, .idle = 1, .in_use = 1, .connecting = 1, .created = 4, .reused = 1});

    auto const r2 = p.acquire(t0 + 30s, true); // a expired: evicted all the same, reported once
    expect_open(r2);
    BOOST_TEST(r2.to_close == ids{a}, boost::test_tools::per_element());
    check(p, {.open = 1, .in_use = 1, .connecting = 2, .created = 5, .reused = 1});
    BOOST_TEST(expiry_ms(p) == nothing_idle);

    auto const w = expect_queued(p.acquire(t0 + 30s, true)); // nothing idle, no slot: queued
    check(p, {.open = 1, .in_use = 1, .connecting = 2, .queued = 1, .created = 5, .reused = 1});
    BOOST_TEST(p.cancel_wait(w));
    check(p, {.open = 1, .in_use = 1, .connecting = 2, .created = 5, .reused = 1});
}

BOOST_AUTO_TEST_CASE(closes_released_connection_for_fresh_waiter_on_reusable_release)
{
    auto p = make_pool(1);
    auto const a = open_one(p, t0);
    auto const w = expect_queued(p.acquire(t0, true));
    check(p, {.open = 1, .in_use = 1, .queued = 1, .created = 1});
    auto const r = p.release(a, t0 + 1s, true, 30s); // reusable, yet the fresh waiter must not get it
    BOOST_TEST(r.close);
    BOOST_TEST((r.why == close_reason::idle_expired));
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w);
    BOOST_TEST(is_open(r.handoff->second));
    BOOST_TEST(r.handoff->second.conn != a);
    check(p, {.connecting = 1, .created = 2});
    BOOST_TEST(expiry_ms(p) == nothing_idle);
    BOOST_TEST(!p.cancel_wait(w)); // served
    BOOST_TEST(p.opened(r.handoff->second.conn));
    check(p, {.open = 1, .in_use = 1, .created = 2});
}

BOOST_AUTO_TEST_CASE(serves_fresh_and_normal_waiters_in_fifo_order)
{
    auto p = make_pool(2);
    auto const a = open_one(p, t0);
    auto const b = open_one(p, t0);
    auto const w1 = expect_queued(p.acquire(t0));       // normal
    auto const w2 = expect_queued(p.acquire(t0, true)); // fresh
    auto const w3 = expect_queued(p.acquire(t0));       // normal
    auto const w4 = expect_queued(p.acquire(t0, true)); // fresh
    auto const w5 = expect_queued(p.acquire(t0));       // normal, cancelled below
    auto const w6 = expect_queued(p.acquire(t0, true)); // fresh, cancelled below
    auto const w7 = expect_queued(p.acquire(t0));       // normal
    BOOST_TEST((w1 < w2 && w2 < w3 && w3 < w4 && w4 < w5 && w5 < w6 && w6 < w7));
    check(p, {.open = 2, .in_use = 2, .queued = 7, .created = 2});

    auto const r1 = p.release(a, t0 + 1s, true); // w1 (normal): reuses a
    BOOST_TEST(!r1.close);
    BOOST_TEST((r1.why == close_reason::none));
    BOOST_TEST_REQUIRE(r1.handoff.has_value());
    BOOST_TEST(r1.handoff->first == w1);
    BOOST_TEST((r1.handoff->second == grant{grant::kind::reuse, a}));
    check(p, {.open = 2, .in_use = 2, .queued = 6, .created = 2, .reused = 1});

    auto const r2 = p.release(b, t0 + 2s, true); // w2 (fresh): b closed, its slot reopened
    BOOST_TEST(r2.close);
    BOOST_TEST((r2.why == close_reason::idle_expired));
    BOOST_TEST_REQUIRE(r2.handoff.has_value());
    BOOST_TEST(r2.handoff->first == w2);
    BOOST_TEST(is_open(r2.handoff->second));
    auto const c = r2.handoff->second.conn;
    BOOST_TEST((c != a && c != b));
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .queued = 5, .created = 3, .reused = 1});

    auto const r3 = p.release(a, t0 + 3s, true); // w3 (normal): reuses a
    BOOST_TEST_REQUIRE(r3.handoff.has_value());
    BOOST_TEST(r3.handoff->first == w3);
    BOOST_TEST((r3.handoff->second == grant{grant::kind::reuse, a}));
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .queued = 4, .created = 3, .reused = 2});

    auto const h4 = p.closed(c); // c failed to open: w4 (fresh) gets an open grant, as anyone would
    BOOST_TEST_REQUIRE(h4.has_value());
    BOOST_TEST(h4->first == w4);
    BOOST_TEST(is_open(h4->second));
    auto const d = h4->second.conn;
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .queued = 3, .created = 4, .reused = 2});

    BOOST_TEST(p.cancel_wait(w5));
    BOOST_TEST(p.cancel_wait(w6)); // a cancelled fresh waiter leaves no trace
    check(p, {.open = 1, .in_use = 1, .connecting = 1, .queued = 1, .created = 4, .reused = 2});

    BOOST_TEST(p.opened(d));
    auto const r7 = p.release(d, t0 + 4s, true); // w7 (normal) reuses d: it carried w4's request
    BOOST_TEST_REQUIRE(r7.handoff.has_value());
    BOOST_TEST(r7.handoff->first == w7);
    BOOST_TEST((r7.handoff->second == grant{grant::kind::reuse, d}));
    check(p, {.open = 2, .in_use = 2, .created = 4, .reused = 3});

    BOOST_TEST(!p.release(a, t0 + 5s, true).close); // nobody waits: idle
    BOOST_TEST(!p.release(d, t0 + 5s, true).close);
    check(p, {.open = 2, .idle = 2, .created = 4, .reused = 3});
}

BOOST_AUTO_TEST_CASE(grants_open_to_fresh_waiter_on_non_reusable_release_and_closed)
{
    auto p = make_pool(2);
    auto const a = open_one(p, t0);
    auto const b = expect_open(p.acquire(t0)); // connecting
    auto const w1 = expect_queued(p.acquire(t0, true));
    auto const w2 = expect_queued(p.acquire(t0, true));
    auto const r = p.release(a, t0, false);
    BOOST_TEST(r.close);
    BOOST_TEST((r.why == close_reason::not_reusable)); // closed for its own reason, not for the waiter
    BOOST_TEST_REQUIRE(r.handoff.has_value());
    BOOST_TEST(r.handoff->first == w1);
    BOOST_TEST(is_open(r.handoff->second));
    check(p, {.connecting = 2, .queued = 1, .created = 3});
    auto const h = p.closed(b);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(h->first == w2);
    BOOST_TEST(is_open(h->second));
    check(p, {.connecting = 2, .created = 4});
}

BOOST_AUTO_TEST_CASE(fails_fresh_waiters_and_refuses_fresh_acquire_on_shutdown)
{
    auto p = make_pool(1);
    auto const a = open_one(p, t0);
    auto const w1 = expect_queued(p.acquire(t0, true));
    auto const w2 = expect_queued(p.acquire(t0));
    auto const s = p.shutdown();
    BOOST_TEST(s.waiters == (std::vector<waiter_id>{w1, w2}), boost::test_tools::per_element());
    BOOST_TEST(p.acquire(t0, true).refused());
    auto const r = p.release(a, t0, true);
    BOOST_TEST(r.close);
    BOOST_TEST((r.why == close_reason::shutdown));
    BOOST_TEST(!r.handoff.has_value());
    check(p, {.created = 1});
}

BOOST_AUTO_TEST_CASE(reports_why_on_release)
{
    auto p = make_pool(4, 60s);
    auto const a = open_one(p, t0);
    auto const kept = p.release(a, t0, true);
    BOOST_TEST(!kept.close);
    BOOST_TEST((kept.why == close_reason::none));
    BOOST_TEST((p.release(a, t0, false).why == close_reason::none)); // double release: stays idle
    BOOST_TEST(expect_reuse(p.acquire(t0)) == a);
    BOOST_TEST((p.release(a, t0, false).why == close_reason::not_reusable));
    auto const c = open_one(p, t0);
    BOOST_TEST((p.release(c, t0, true, 1s).why == close_reason::idle_expired)); // Keep-Alive: timeout=1
    auto const d = expect_open(p.acquire(t0));
    BOOST_TEST((p.release(d, t0, true).why == close_reason::failed)); // opening abandoned
    BOOST_TEST((p.release(d, t0, true).why == close_reason::failed)); // unknown (freed) id
    auto const e = open_one(p, t0);
    auto const f = open_one(p, t0);
    p.shutdown();
    BOOST_TEST((p.release(e, t0, false).why == close_reason::not_reusable)); // its own reason first
    BOOST_TEST((p.release(f, t0, true).why == close_reason::shutdown));
    check(p, {.created = 5, .reused = 1});

    auto z = make_pool(1, 0ms);
    BOOST_TEST((z.release(open_one(z, t0), t0, true).why == close_reason::idle_expired)); // never kept
}

BOOST_DATA_TEST_CASE(keeps_invariants_on_random_sequences, data::make({1, 2, 3, 8}), max)
{
    random_run run{static_cast<std::size_t>(max), 0x9e3779b97f4a7c15u + static_cast<std::uint64_t>(max)};
    for (int i = 0; i < 20'000; ++i)
        run.step();
    run.check_coverage();
    run.drain_and_refill();
}

BOOST_AUTO_TEST_SUITE_END()
