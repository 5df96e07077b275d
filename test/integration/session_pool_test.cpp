// The session's connection pool over real sockets: keep-alive reuse, idle and Keep-Alive expiry, Connection:
// close and HTTP/1.0, per-operation cancellation, a pool that keeps its full capacity after a mix of
// failures, and the pool's events. (Under load and on several threads: session_pool_load.)
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::api_result;
using entities::user_info;
using igtcloud::test::http_answer;
using igtcloud::test::reply;
using igtcloud::test::scripted_server;
using namespace std::chrono_literals;

using namespace igtcloud::test::kit;
/// Two GET /users/me on one session, `pause` apart; returns both outcomes.
struct two_requests {
    outcome<user_info> first, second;
    bool finished{};
};

asio::awaitable<void> request_pause_request(entities::users_api users, two_requests& out,
                                            std::chrono::milliseconds pause)
{
    out.first.result = co_await users.async_get_me(asio::use_awaitable);
    ++out.first.calls;
    asio::steady_timer timer(co_await asio::this_coro::executor, pause);
    co_await timer.async_wait(asio::use_awaitable);
    out.second.result = co_await users.async_get_me(asio::use_awaitable);
    ++out.second.calls;
    out.finished = true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_pool)

BOOST_AUTO_TEST_CASE(reuses_one_connection_on_sequential_requests)
{
    mock::server srv{};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    constexpr int n = 25;
    int correct = 0;
    bool finished = false;
    asio::co_spawn(
        ioc,
        [users = s.users(), &correct]() mutable -> asio::awaitable<void> {
            for (int i = 0; i < n; ++i) {
                if (i % 2 == 0) {
                    auto r = co_await users.async_get_me(asio::use_awaitable);
                    if (r && r->login_id == admin_login) ++correct;
                } else {
                    auto r = co_await users.async_get_users(asio::use_awaitable);
                    if (r && !r->empty()) ++correct;
                }
            }
        },
        [&](std::exception_ptr e) { finished = !e; });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return finished; }));
    BOOST_TEST(correct == n);
    auto const st = s.stats();
    BOOST_TEST(st.created == 1u);
    BOOST_TEST(st.reused == static_cast<std::uint64_t>(n - 1));
    BOOST_TEST(st.open == 1u);
    BOOST_TEST(st.idle == 1u);
    BOOST_TEST(srv.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(opens_new_connection_on_idle_timeout)
{
    mock::server srv{};
    asio::io_context ioc;
    auto short_idle = options_for(srv.base_url());
    short_idle.idle_timeout = 200ms;
    entities::session expiring{ioc.get_executor(), short_idle};
    entities::session keeping{ioc.get_executor(), options_for(srv.base_url())}; // control: 60 s idle timeout
    two_requests a, b;
    asio::co_spawn(ioc, request_pause_request(expiring.users(), a, 350ms), asio::detached);
    asio::co_spawn(ioc, request_pause_request(keeping.users(), b, 350ms), asio::detached);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return a.finished && b.finished; }));
    BOOST_TEST(a.first.ok());
    BOOST_TEST(a.second.ok());
    BOOST_TEST(b.first.ok());
    BOOST_TEST(b.second.ok());

    BOOST_TEST(expiring.stats().created == 2u);
    BOOST_TEST(expiring.stats().reused == 0u);
    BOOST_TEST(expiring.stats().open == 1u);
    BOOST_TEST(keeping.stats().created == 1u);
    BOOST_TEST(keeping.stats().reused == 1u);
    BOOST_TEST(srv.stats().connections_accepted == 3u);
    // The expired connection was closed by the client: the server sees one open per session.
    BOOST_TEST(eventually([&] { return srv.stats().connections_open == 2u; }));
}

BOOST_AUTO_TEST_CASE(honours_server_keep_alive_timeout_on_reuse)
{
    struct scenario {
        std::string header;
        std::size_t expected_connections;
    };
    // A request 1.2 s after the first: timeout=1 leaves no usable time (1 s margin), timeout=2 expired 1 s
    // after the answer, timeout=5 and no header keep the connection.
    std::vector<scenario> const scenarios{{"Keep-Alive: timeout=1\r\n", 2},
                                          {"Keep-Alive: timeout=2\r\n", 2},
                                          {"Keep-Alive: timeout=5\r\n", 1},
                                          {"", 1}};
    std::vector<std::unique_ptr<scripted_server>> servers;
    asio::io_context ioc; // outlives the sessions, as Asio requires
    std::vector<std::unique_ptr<entities::session>> sessions;
    std::vector<two_requests> results(scenarios.size());
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        auto header = scenarios[i].header;
        servers.push_back(std::make_unique<scripted_server>(
            [header](igtcloud::test::request const&, std::size_t, std::size_t) {
                return reply{http_answer(200, user_json, header)};
            }));
        sessions.push_back(
            std::make_unique<entities::session>(ioc.get_executor(), options_for(servers[i]->base_url())));
        asio::co_spawn(ioc, request_pause_request(sessions[i]->users(), results[i], 1200ms), asio::detached);
    }
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& r) { return r.finished; });
    }));
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        BOOST_TEST_CONTEXT("header '" << scenarios[i].header << "'")
        {
            BOOST_TEST(results[i].first.ok());
            BOOST_TEST(results[i].second.ok());
            BOOST_TEST(servers[i]->connections() == scenarios[i].expected_connections);
            BOOST_TEST(sessions[i]->stats().created == scenarios[i].expected_connections);
        }
    }
}

BOOST_AUTO_TEST_CASE(opens_new_connection_on_connection_close_answer)
{
    // The server announces the close but keeps the socket open: only the client's honouring of the header
    // prevents a reuse.
    scripted_server server{[](auto const&, std::size_t, std::size_t) {
        return reply{http_answer(200, user_json, "Connection: close\r\n")};
    }};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(server.base_url())};
    two_requests r;
    asio::co_spawn(ioc, request_pause_request(s.users(), r, 0ms), asio::detached);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return r.finished; }));
    BOOST_TEST(r.first.ok());
    BOOST_TEST(r.second.ok());
    BOOST_TEST(server.connections() == 2u);
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(s.stats().reused == 0u);
    BOOST_TEST(s.stats().open == 0u);
    BOOST_TEST(eventually([&] { return server.open_connections() == 0u; })); // the client closed both
}

BOOST_AUTO_TEST_CASE(opens_new_connection_on_http10_answer)
{
    std::string const body(user_json);
    std::string const answer = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
    scripted_server server{[answer](auto const&, std::size_t, std::size_t) { return reply{answer}; }};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(server.base_url())};
    two_requests r;
    asio::co_spawn(ioc, request_pause_request(s.users(), r, 0ms), asio::detached);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return r.finished; }));
    BOOST_TEST(r.first.ok());
    BOOST_TEST(r.second.ok());
    BOOST_TEST(server.connections() == 2u);
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(s.stats().open == 0u);
    BOOST_TEST(eventually([&] { return server.open_connections() == 0u; }));
}

BOOST_AUTO_TEST_CASE(reuses_connection_on_http10_keep_alive_answer)
{
    std::string const body(user_json);
    std::string const answer =
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    scripted_server server{[answer](auto const&, std::size_t, std::size_t) { return reply{answer}; }};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(server.base_url())};
    two_requests r;
    asio::co_spawn(ioc, request_pause_request(s.users(), r, 0ms), asio::detached);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return r.finished; }));
    BOOST_TEST(r.first.ok());
    BOOST_TEST(r.second.ok());
    BOOST_TEST(server.connections() == 1u);
    BOOST_TEST(s.stats().reused == 1u);
}

BOOST_AUTO_TEST_CASE(aborts_queued_operation_on_cancellation)
{
    for (auto const type : {asio::cancellation_type::terminal, asio::cancellation_type::partial}) {
        BOOST_TEST_CONTEXT("cancellation type " << static_cast<int>(type))
        {
            // The first request is answered after 600 ms, holding the only connection; the second waits for
            // it.
            scripted_server server{[](auto const&, std::size_t, std::size_t index) {
                return reply{http_answer(200, user_json), false, index == 0 ? 600ms : 0ms};
            }};
            asio::io_context ioc;
            entities::session s{ioc.get_executor(), options_for(server.base_url(), 1)};
            auto users = s.users();
            outcome<user_info> holder, queued, after;
            asio::cancellation_signal signal;
            users.async_get_me(into(holder));
            users.async_get_me(asio::bind_cancellation_slot(signal.slot(), into(queued)));
            BOOST_TEST_REQUIRE(
                run_until(ioc, [&] { return server.requests() == 1u && s.stats().queued == 1u; }));
            signal.emit(type);
            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return queued.done(); }));
            BOOST_TEST(queued.code() == asio::error::operation_aborted);
            BOOST_TEST(queued.result->error().status == 0u);
            BOOST_TEST(!holder.done()); // promptly: before the holder's answer freed the connection
            BOOST_TEST(s.stats().queued == 0u);

            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return holder.done(); }));
            BOOST_TEST(holder.ok());
            users.async_get_me(into(after));
            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return after.done(); }));
            settle(ioc);
            BOOST_TEST(after.ok());
            BOOST_TEST(queued.calls == 1);
            BOOST_TEST(server.requests() == 2u); // the cancelled operation sent nothing
            BOOST_TEST(server.connections() == 1u);
            BOOST_TEST(s.stats().created == 1u); // the cancelled waiter neither took nor leaked the slot
            BOOST_TEST(s.stats().reused == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(discards_connection_on_in_flight_cancellation)
{
    for (auto const type : {asio::cancellation_type::terminal, asio::cancellation_type::partial}) {
        BOOST_TEST_CONTEXT("cancellation type " << static_cast<int>(type))
        {
            // The first request on the first connection is never answered.
            scripted_server server{[](auto const&, std::size_t connection, std::size_t) {
                return connection == 0 ? reply{.stall = true} : reply{http_answer(200, user_json)};
            }};
            asio::io_context ioc;
            entities::session s{ioc.get_executor(), options_for(server.base_url(), 1)};
            auto users = s.users();
            outcome<user_info> stalled, after;
            asio::cancellation_signal signal;
            users.async_get_me(asio::bind_cancellation_slot(signal.slot(), into(stalled)));
            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return server.requests() == 1u; }));
            BOOST_TEST(s.stats().in_use == 1u);
            auto const cancelled_at = clock_type::now();
            signal.emit(type);
            BOOST_TEST_REQUIRE(run_until(
                ioc, [&] { return stalled.done(); }, 5s));
            BOOST_TEST(stalled.code() == asio::error::operation_aborted);
            BOOST_TEST((stalled.at - cancelled_at < 1s));
            BOOST_TEST(s.stats().open == 0u);

            users.async_get_me(into(after));
            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return after.done(); }));
            settle(ioc);
            BOOST_TEST(stalled.calls == 1);
            BOOST_TEST(after.ok());
            BOOST_TEST(server.connections() == 2u);
            BOOST_TEST(s.stats().created == 2u);
            BOOST_TEST(s.stats().reused == 0u);
        }
    }
}

// A cancellation emitted in the gap between two steps of an exchange (the request written, the write's
// completion not run yet, so the read not started) reaches no pending I/O; it must still end the operation at
// once. Stepping the io_context one handler at a time, with time for the server to count the request after
// each, emits it in that gap nearly every round.
BOOST_AUTO_TEST_CASE(keeps_a_cancellation_that_comes_between_two_steps)
{
    for (int round = 0; round < 5; ++round) {
        BOOST_TEST_CONTEXT("round " << round)
        {
            scripted_server server{
                [](auto const&, std::size_t, std::size_t) { return reply{.stall = true}; }};
            asio::io_context ioc;
            entities::session s{ioc.get_executor(), options_for(server.base_url(), 1)};
            outcome<user_info> stalled;
            asio::cancellation_signal signal;
            s.users().async_get_me(asio::bind_cancellation_slot(signal.slot(), into(stalled)));
            auto const limit = clock_type::now() + igtcloud::test::run_limit;
            while (server.requests() == 0 && clock_type::now() < limit) {
                ioc.run_one_for(10ms);
                std::this_thread::sleep_for(2ms);
            }
            BOOST_TEST_REQUIRE(server.requests() == 1u);
            signal.emit(asio::cancellation_type::terminal);
            BOOST_TEST_REQUIRE(run_until(
                ioc, [&] { return stalled.done(); }, 5s));
            BOOST_TEST(stalled.code() == asio::error::operation_aborted);
            BOOST_TEST(stalled.calls == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(opens_max_connections_on_pool_after_failures)
{
    constexpr std::size_t max = 4;
    auto const port = unused_port();
    asio::io_context ioc;
    auto opts = options_for("http://127.0.0.1:" + std::to_string(port) + "/data", max);
    opts.request_timeout = 5s;
    opts.connect_timeout = 2s;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    std::vector<std::unique_ptr<outcome<user_info>>> all;
    auto fire = [&](entities::request_options ro = {}) -> outcome<user_info>& {
        all.push_back(std::make_unique<outcome<user_info>>());
        users.async_get_me(std::move(ro), into(*all.back()));
        return *all.back();
    };
    auto all_done = [&] {
        return std::all_of(all.begin(), all.end(), [](auto const& o) { return o->done(); });
    };
    auto failed = [&] {
        return static_cast<std::size_t>(
            std::count_if(all.begin(), all.end(), [](auto const& o) { return !o->ok(); }));
    };

    // 1. Connection refused, more operations than connections.
    for (int i = 0; i < 8; ++i)
        fire();
    BOOST_TEST_REQUIRE(run_until(ioc, all_done));
    BOOST_TEST(failed() == 8u);
    {
        // 2. Truncated bodies, then the server closes.
        mock::server srv{mock::options{.port = port, .truncate_rate = 1.0}};
        for (int i = 0; i < 8; ++i)
            fire();
        BOOST_TEST_REQUIRE(run_until(ioc, all_done));
        BOOST_TEST(failed() == 16u);
    }
    {
        // 3. Timeouts (in flight and queued) and cancellations (in flight and queued) against a slow server.
        mock::server srv{mock::options{.port = port, .latency = 400ms}};
        for (int i = 0; i < 6; ++i)
            fire(entities::request_options{.timeout = 100ms});
        std::vector<std::unique_ptr<asio::cancellation_signal>> signals;
        for (int i = 0; i < 6; ++i) {
            signals.push_back(std::make_unique<asio::cancellation_signal>());
            all.push_back(std::make_unique<outcome<user_info>>());
            users.async_get_me(asio::bind_cancellation_slot(signals.back()->slot(), into(*all.back())));
        }
        asio::steady_timer t(ioc, 50ms);
        t.async_wait([&](boost::system::error_code) {
            for (auto& sig : signals)
                sig->emit(asio::cancellation_type::terminal);
        });
        BOOST_TEST_REQUIRE(run_until(ioc, all_done));
        BOOST_TEST(failed() == 28u);
    }
    {
        // 4. The server closes each connection after one answer, without notice; then it goes away.
        mock::server srv{mock::options{.port = port, .close_after = 1}};
        for (int i = 0; i < 8; ++i)
            fire();
        BOOST_TEST_REQUIRE(run_until(ioc, all_done));
    }
    auto const before = s.stats();
    BOOST_TEST(before.in_use == 0u);
    BOOST_TEST(before.connecting == 0u);
    BOOST_TEST(before.queued == 0u);

    // 5. A slow, healthy server: 2 * max operations at once must get max connections in parallel.
    mock::server srv{mock::options{.port = port, .latency = 300ms}};
    all.clear();
    for (std::size_t i = 0; i < 2 * max; ++i)
        fire();
    BOOST_TEST(run_until(
        ioc, [&] { return s.stats().in_use == max; }, 10s));
    BOOST_TEST(s.stats().queued == max);
    BOOST_TEST_REQUIRE(run_until(ioc, all_done));
    BOOST_TEST(failed() == 0u);
    BOOST_TEST(srv.stats().connections_accepted == max);
    auto const after = s.stats();
    BOOST_TEST(after.open == max);
    BOOST_TEST(after.idle == max);
    BOOST_TEST(after.queued == 0u);
}

BOOST_AUTO_TEST_CASE(reports_pool_events_on_event_hook)
{
    // Connection 0: a slow answer (a second operation queues behind it), then Connection: close. Connection
    // 1: kept, then expires idle. Connection 2: never answered (the operation times out).
    scripted_server server{[](auto const&, std::size_t connection, std::size_t index) {
        if (connection == 0 && index == 0) return reply{http_answer(200, user_json), false, 300ms};
        if (connection == 0) return reply{http_answer(200, user_json, "Connection: close\r\n")};
        if (connection == 2) return reply{.stall = true};
        return reply{http_answer(200, user_json)};
    }};
    struct seen {
        entities::event_kind kind{};
        entities::close_reason reason{};
        std::chrono::microseconds duration{};
    };
    std::mutex mutex; // the hook may be called from several threads
    std::vector<seen> events;
    auto opts = options_for(server.base_url(), 1);
    opts.idle_timeout = 200ms;
    opts.on_event = [&](entities::event const& e) {
        if (e.kind == entities::event_kind::attempt) return;
        {
            std::lock_guard lock(mutex);
            events.push_back(seen{e.kind, e.reason, e.duration});
        }
        throw std::runtime_error("a failing hook"); // swallowed by the pool
    };
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    outcome<user_info> first, second, third, fourth;
    users.async_get_me(into(first));
    users.async_get_me(into(second));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done() && second.done(); }));
    users.async_get_me(into(third));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return third.done(); }));
    std::this_thread::sleep_for(
        400ms); // connection 1 expires while idle (no sweep: the next acquire sees it)
    users.async_get_me(entities::request_options{.timeout = 300ms}, into(fourth));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return fourth.done(); }));
    settle(ioc);
    BOOST_TEST(first.ok());
    BOOST_TEST(second.ok());
    BOOST_TEST(third.ok());
    BOOST_TEST((fourth.code() == entities::error::timeout));
    BOOST_TEST(server.connections() == 3u);
    BOOST_TEST(s.stats().created == 3u);
    BOOST_TEST(s.stats().reused == 1u);

    std::lock_guard lock(mutex);
    using entities::close_reason;
    using entities::event_kind;
    auto count = [&](event_kind k) {
        return std::count_if(events.begin(), events.end(), [&](seen const& e) { return e.kind == k; });
    };
    BOOST_TEST(count(event_kind::queued) == 1);
    BOOST_TEST(count(event_kind::connection_opened) == 3);
    std::vector<close_reason> closed;
    for (auto const& e : events) {
        if (e.kind == event_kind::connection_closed) closed.push_back(e.reason);
        if (e.kind == event_kind::connection_opened) BOOST_TEST((e.duration > 0us && e.duration < 5s));
        if (e.kind != event_kind::connection_closed) BOOST_TEST((e.reason == close_reason::none));
    }
    BOOST_TEST_REQUIRE(closed.size() == 3u);
    BOOST_TEST((closed[0] == close_reason::not_reusable)); // connection 0, Connection: close
    BOOST_TEST((closed[1] == close_reason::idle_expired)); // connection 1, found expired by the 4th acquire
    BOOST_TEST((closed[2] == close_reason::failed));       // connection 2, the timed-out exchange
    auto const first_close = std::find_if(
        events.begin(), events.end(), [](seen const& e) { return e.kind == event_kind::connection_closed; });
    BOOST_TEST((std::find_if(events.begin(), first_close, [](seen const& e) {
                    return e.kind == event_kind::queued;
                }) != first_close)); // the second operation queued while the first held the connection
}

BOOST_AUTO_TEST_SUITE_END()
