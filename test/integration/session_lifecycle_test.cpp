// The end of a session: shutdown and destruction with operations in flight or queued, a waiter granted a
// connection at shutdown, and a users_api handle that outlives its session.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>

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

} // namespace

BOOST_AUTO_TEST_SUITE(session_lifecycle)

namespace {

/// A peer that never answers, a session on it with two connections, two operations in flight and three
/// queued.
struct stalled_fixture {
    scripted_server server{[](auto const&, std::size_t, std::size_t) { return reply{.stall = true}; }};
    asio::io_context ioc;
    std::optional<entities::session> session{std::in_place, ioc.get_executor(),
                                             options_for(server.base_url(), 2)};
    entities::users_api users = session->users();
    std::array<outcome<user_info>, 5> pending{};

    void start_pending()
    {
        for (auto& o : pending)
            users.async_get_me(into(o));
        BOOST_TEST_REQUIRE(
            run_until(ioc, [&] { return server.requests() == 2u && session->stats().queued == 3u; }));
        BOOST_TEST_REQUIRE(session->stats().in_use == 2u);
    }

    bool all_done() const
    {
        return std::all_of(pending.begin(), pending.end(), [](auto const& o) { return o.done(); });
    }

    /// Each pending operation completed exactly once, with operation_aborted.
    void check_aborted_once() const
    {
        for (std::size_t i = 0; i < pending.size(); ++i) {
            BOOST_TEST_CONTEXT("operation " << i)
            {
                BOOST_TEST(pending[i].calls == 1);
                BOOST_TEST(pending[i].error().code == asio::error::operation_aborted,
                           pending[i].error().to_string());
                BOOST_TEST(pending[i].error().status == 0u);
            }
        }
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(aborts_pending_operations_once_on_async_shutdown, stalled_fixture)
{
    start_pending();
    int shutdown_calls = 0;
    session->async_shutdown([&] { ++shutdown_calls; });
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return all_done() && shutdown_calls == 1; }, 5s));
    settle(ioc, 200ms);
    check_aborted_once();
    BOOST_TEST(shutdown_calls == 1);
    auto const st = session->stats();
    BOOST_TEST(st.open == 0u);
    BOOST_TEST(st.in_use == 0u);
    BOOST_TEST(st.queued == 0u);
    BOOST_TEST(st.connecting == 0u);

    // Later operations fail at once; a second shutdown completes too.
    outcome<user_info> late;
    users.async_get_me(into(late));
    int again = 0;
    session->async_shutdown([&] { ++again; });
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return late.done() && again == 1; }, 5s));
    settle(ioc);
    BOOST_TEST(late.calls == 1);
    BOOST_TEST((late.error().code == entities::error::shut_down), late.error().to_string());
    BOOST_TEST(again == 1);
    BOOST_TEST(server.requests() == 2u); // nothing more was sent
}

BOOST_FIXTURE_TEST_CASE(aborts_pending_operations_once_on_session_destruction, stalled_fixture)
{
    start_pending();
    session.reset(); // the users handle stays
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return all_done(); }, 5s));
    settle(ioc, 200ms);
    check_aborted_once();

    outcome<user_info> late;
    users.async_get_me(into(late));
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return late.done(); }, 5s));
    settle(ioc);
    BOOST_TEST(late.calls == 1);
    BOOST_TEST((late.error().code == entities::error::shut_down), late.error().to_string());
    BOOST_TEST(server.requests() == 2u);
}

BOOST_AUTO_TEST_CASE(sends_nothing_after_shutdown_on_waiter_granted_at_shutdown)
{
    // max_connections = 1: the first answer says Connection: close, so its release gives the queued operation
    // a fresh slot to open; the first's handler shuts the session down before the waiter has run.
    scripted_server server{[](auto const&, std::size_t connection, std::size_t) {
        if (connection == 0) return reply{http_answer(200, user_json, "Connection: close\r\n"), true, 100ms};
        return reply{.stall = true};
    }};
    asio::io_context ioc;
    auto opts = options_for(server.base_url(), 1);
    opts.request_timeout = 3s;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    outcome<user_info> first, second;
    int shutdown_calls = 0;
    users.async_get_me([&](api_result<user_info> r) {
        into(first)(std::move(r));
        s.async_shutdown([&] { ++shutdown_calls; });
    });
    users.async_get_me(into(second));
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return first.done() && second.done() && shutdown_calls == 1; }, 10s));
    settle(ioc);
    BOOST_TEST(first.ok());
    BOOST_TEST(second.calls == 1);
    BOOST_TEST((second.error().code == asio::error::operation_aborted), second.error().to_string());
    BOOST_TEST(server.connections() == 1u); // nothing opened after the shutdown
    BOOST_TEST(server.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(completes_with_shut_down_on_handle_outliving_session)
{
    mock::server srv{};
    asio::io_context ioc;
    std::optional<entities::users_api> users;
    outcome<user_info> before, after;
    {
        entities::session s{ioc.get_executor(), options_for(srv.base_url())};
        users.emplace(s.users());
        users->async_get_me(into(before));
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return before.done(); }));
        BOOST_TEST(before.ok());
    }
    users->async_get_me(into(after));
    BOOST_TEST(!after.done()); // never inside the initiating call
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return after.done(); }, 5s));
    settle(ioc);
    BOOST_TEST(after.calls == 1);
    BOOST_TEST((after.error().code == entities::error::shut_down), after.error().to_string());
    BOOST_TEST(eventually([&] { return srv.stats().connections_open == 0u; })); // the pool was closed
}

BOOST_AUTO_TEST_SUITE_END()
