// A session facing a misbehaving network and server: deadlines (in flight and while queued), broken or
// surprising answers, connections the server closed while idle, refused connections. (Hostile peers:
// session_hostile; the session's end: session_lifecycle; failing at each step: session_fail_count.)
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
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
using entities::condition;
using entities::user_info;
using igtcloud::test::http_answer;
using igtcloud::test::reply;
using igtcloud::test::scripted_server;
using namespace std::chrono_literals;

using namespace igtcloud::test::kit;

/// What happened to a GET /users/me answered by `first`, then to a second one answered normally.
struct after_fault {
    outcome<user_info> faulty, next;
    entities::pool_stats stats_after_fault{}, stats_after_next{};
    std::size_t connections{};      ///< the server's accepted connections after both
    std::size_t requests{};         ///< the server's requests after both
    std::size_t open_after_fault{}; ///< the server's open connections once the client dealt with the fault
};

/// Runs the two requests against a scripted peer that answers the very first request with `first` (then keeps
/// reading on that connection unless `first.close`) and every other request with a small user.
after_fault fault_then_success(reply const& first, std::size_t max_response_bytes = std::size_t{64} << 20)
{
    after_fault out;
    scripted_server server{[first](auto const&, std::size_t connection, std::size_t index) {
        return connection == 0 && index == 0 ? first : reply{http_answer(200, user_json)};
    }};
    asio::io_context ioc;
    auto opts = options_for(server.base_url());
    opts.max_response_bytes = max_response_bytes;
    opts.retry.max_attempts = 1; // how one faulty answer is reported; retries are session_resilience's
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    users.async_get_me(into(out.faulty));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return out.faulty.done(); }));
    out.stats_after_fault = s.stats();
    if (out.stats_after_fault.open == 0) // the client dropped the connection: wait until the server sees it
        eventually([&] { return server.open_connections() == 0u; });
    out.open_after_fault = server.open_connections();
    users.async_get_me(into(out.next));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return out.next.done(); }));
    settle(ioc);
    BOOST_TEST(out.faulty.calls == 1);
    BOOST_TEST(out.next.calls == 1);
    out.stats_after_next = s.stats();
    out.connections = server.connections();
    out.requests = server.requests();
    return out;
}

/// `first` on a kept-alive connection.
reply keep_open(std::string bytes)
{
    return reply{std::move(bytes)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_faults)

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_slow_server)
{
    mock::server srv{mock::options{.latency = 500ms}};
    asio::io_context ioc;
    auto opts = options_for(srv.base_url());
    opts.request_timeout = 100ms;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    outcome<user_info> slow, next;
    auto const start = clock_type::now();
    users.async_get_me(into(slow));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return slow.done(); }));
    BOOST_TEST((slow.error().code == entities::error::timeout));
    BOOST_TEST((slow.error().code == condition::transport_error));
    BOOST_TEST(slow.error().status == 0u);
    BOOST_TEST((slow.at - start >= 95ms)); // not before the deadline
    BOOST_TEST((slow.at - start < 400ms)); // well before the answer
    BOOST_TEST(s.stats().open == 0u);      // the connection was dropped, not pooled

    entities::request_options patient{.timeout = 10s};
    users.async_get_me(patient, into(next));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return next.done(); }));
    BOOST_TEST(next.ok());
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(s.stats().reused == 0u);
    BOOST_TEST(srv.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_queued_operation)
{
    mock::server srv{mock::options{.latency = 500ms}};
    asio::io_context ioc;
    auto opts = options_for(srv.base_url(), 1);
    opts.request_timeout = 10s;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    outcome<user_info> holder, waiting, next;
    entities::request_options hurried{.timeout = 100ms};
    auto const start = clock_type::now();
    users.async_get_me(into(holder));
    users.async_get_me(hurried, into(waiting));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return waiting.done(); }));
    BOOST_TEST((waiting.error().code == entities::error::timeout));
    BOOST_TEST((waiting.error().code == condition::transport_error));
    BOOST_TEST((waiting.at - start >= 95ms));
    BOOST_TEST((waiting.at - start < 400ms));
    BOOST_TEST(!holder.done()); // it timed out while queued behind the holder
    BOOST_TEST(s.stats().queued == 0u);

    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return holder.done(); }));
    BOOST_TEST(holder.ok());
    users.async_get_me(into(next));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return next.done(); }));
    BOOST_TEST(next.ok());
    BOOST_TEST(srv.stats().requests_served == 2u); // the timed-out operation never reached the server
    BOOST_TEST(s.stats().created == 1u);
    BOOST_TEST(s.stats().reused == 1u);
}

BOOST_AUTO_TEST_CASE(fails_without_value_on_truncated_body)
{
    auto r = fault_then_success(reply{
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"loginId\":\"ad",
        true});
    BOOST_TEST_REQUIRE(r.faulty.done());
    BOOST_TEST(!r.faulty.ok());
    auto const e = r.faulty.error();
    BOOST_TEST((e.code == condition::transport_error || e.code == condition::protocol_error), e.to_string());
    BOOST_TEST(e.status == 0u); // no complete answer was received
    BOOST_TEST(!e.message.empty());
    BOOST_TEST(r.stats_after_fault.open == 0u);
    BOOST_TEST(r.next.ok());
    BOOST_TEST(r.connections == 2u);
}

BOOST_AUTO_TEST_CASE(fails_with_invalid_response_on_malformed_json)
{
    auto r = fault_then_success(keep_open(http_answer(200, R"({"loginId": "ada", )")));
    auto const e = r.faulty.error();
    BOOST_TEST((e.code == entities::error::invalid_response), e.to_string());
    BOOST_TEST((e.code == condition::protocol_error));
    BOOST_TEST(e.status == 200u); // an answer was received
    BOOST_TEST(!e.message.empty());
    // The HTTP exchange itself was complete: the connection stays in the pool.
    BOOST_TEST(r.next.ok());
    BOOST_TEST(r.connections == 1u);
    BOOST_TEST(r.stats_after_next.reused == 1u);
}

BOOST_AUTO_TEST_CASE(fails_with_response_too_large_on_body_over_limit)
{
    std::string const big = R"({"loginId":")" + std::string(4096, 'x') + R"("})";
    auto r = fault_then_success(keep_open(http_answer(200, big)), 1024);
    auto const e = r.faulty.error();
    BOOST_TEST((e.code == entities::error::response_too_large), e.to_string());
    BOOST_TEST((e.code == condition::protocol_error));
    BOOST_TEST(!e.message.empty());
    // The rest of the body was never read: the connection cannot be reused and the client closed it.
    BOOST_TEST(r.stats_after_fault.open == 0u);
    BOOST_TEST(r.open_after_fault == 0u);
    BOOST_TEST(r.next.ok()); // a small answer under the same limit is fine
    BOOST_TEST(r.connections == 2u);
}

BOOST_AUTO_TEST_CASE(reports_server_error_on_503_html)
{
    auto r = fault_then_success(keep_open(http_answer(
        503, "<html><body><h1>503 Service Unavailable</h1><p>try later</p></body></html>", {}, "text/html")));
    auto const e = r.faulty.error();
    BOOST_TEST(e.status == 503u);
    BOOST_TEST((e.code == condition::server_error), e.to_string());
    BOOST_TEST((e.code == entities::http_status::service_unavailable));
    BOOST_TEST(!e.message.empty());
    BOOST_TEST(e.message.find('<') == std::string::npos, e.message); // readable, not raw markup
    BOOST_TEST(e.to_string().find("503") != std::string::npos, e.to_string());
    BOOST_TEST(r.next.ok());
    BOOST_TEST(r.connections == 1u); // a complete answer: the connection is kept
}

BOOST_AUTO_TEST_CASE(reports_unauthorized_on_empty_401)
{
    auto r = fault_then_success(keep_open("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"));
    auto const e = r.faulty.error();
    BOOST_TEST(e.status == 401u);
    BOOST_TEST((e.code == entities::http_status::unauthorized), e.to_string());
    BOOST_TEST((e.code == condition::client_error));
    BOOST_TEST(!e.message.empty());
    BOOST_TEST(r.next.ok());
}

BOOST_AUTO_TEST_CASE(discards_connection_on_junk_after_answer)
{
    auto r = fault_then_success(keep_open(http_answer(200, user_json) + "JUNK"));
    BOOST_TEST(r.faulty.ok()); // the answer itself was complete and valid
    BOOST_TEST(r.next.ok());
    BOOST_TEST(r.connections == 2u);
    BOOST_TEST(r.stats_after_next.created == 2u);
    BOOST_TEST(r.stats_after_next.reused == 0u); // no request was sent on the polluted connection
}

BOOST_AUTO_TEST_CASE(discards_connection_on_junk_after_answer_to_waiter)
{
    // One connection, two operations: the second waits, and the first's connection (with junk after its
    // answer) must not be handed over to it.
    scripted_server server{[](auto const&, std::size_t connection, std::size_t index) {
        auto answer = http_answer(200, user_json);
        if (connection == 0 && index == 0) return reply{answer + "JUNK", false, 100ms};
        return reply{answer};
    }};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(server.base_url(), 1)};
    auto users = s.users();
    outcome<user_info> first, second;
    users.async_get_me(into(first));
    users.async_get_me(into(second));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done() && second.done(); }));
    BOOST_TEST(first.ok());
    BOOST_TEST(second.ok(), (second.ok() ? std::string{} : second.error().to_string()));
    BOOST_TEST(server.connections() == 2u);
    BOOST_TEST(s.stats().created == 2u);
}

BOOST_AUTO_TEST_CASE(succeeds_on_idle_connection_dropped_by_server_idle_timeout)
{
    // The mock drops a connection that sends no request for read_timeout: here long after the client pooled
    // it.
    mock::server srv{mock::options{.read_timeout = 300ms}};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    auto users = s.users();
    outcome<user_info> first, second;
    users.async_get_me(into(first));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done(); }));
    BOOST_TEST(first.ok());
    BOOST_TEST(s.stats().idle == 1u);
    BOOST_TEST_REQUIRE(eventually([&] { return srv.stats().connections_open == 0u; }));
    users.async_get_me(into(second));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return second.done(); }));
    BOOST_TEST(second.ok(), (second.ok() ? std::string{} : second.error().to_string()));
    BOOST_TEST(srv.stats().connections_accepted == 2u);
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(s.stats().reused == 0u); // nothing was sent on the stale connection
}

BOOST_AUTO_TEST_CASE(succeeds_on_idle_connection_closed_by_mock_close_after)
{
    // The server closes after each answer, without Connection: close. read_timeout bounds the mock's linger
    // after its close (and sends no Keep-Alive header below 1 s).
    mock::server srv{mock::options{.close_after = 1, .read_timeout = 300ms}};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    auto users = s.users();
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST_CONTEXT("request " << i)
        {
            outcome<user_info> o;
            users.async_get_me(into(o));
            BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
            BOOST_TEST(o.ok(), (o.ok() ? std::string{} : o.error().to_string()));
            BOOST_TEST_REQUIRE(eventually([&] { return srv.stats().connections_open == 0u; }));
        }
    }
    BOOST_TEST(s.stats().created == 3u);
    BOOST_TEST(s.stats().reused == 0u); // nothing was sent on a closed connection
    BOOST_TEST(srv.stats().connections_accepted == 3u);
}

BOOST_AUTO_TEST_CASE(fails_with_transport_error_on_connection_refused)
{
    auto const port = unused_port();
    asio::io_context ioc;
    entities::session s{ioc.get_executor(),
                        options_for("http://127.0.0.1:" + std::to_string(port) + "/data", 1)};
    auto users = s.users();
    std::array<outcome<user_info>, 3> refused;
    for (auto& o : refused)
        users.async_get_me(into(o));
    BOOST_TEST_REQUIRE(
        run_until(ioc, [&] { return refused[0].done() && refused[1].done() && refused[2].done(); }));
    for (auto const& o : refused) {
        auto const e = o.error();
        BOOST_TEST((e.code == condition::transport_error), e.to_string());
        BOOST_TEST((e.code == asio::error::connection_refused), e.to_string());
        BOOST_TEST(e.status == 0u);
        BOOST_TEST(!e.message.empty());
    }
    auto const st = s.stats();
    BOOST_TEST(st.open == 0u);
    BOOST_TEST(st.connecting == 0u);
    BOOST_TEST(st.queued == 0u);

    // The same session, once a server listens on that port.
    mock::server srv{mock::options{.port = port}};
    outcome<user_info> live;
    users.async_get_me(into(live));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return live.done(); }));
    BOOST_TEST(live.ok(), (live.ok() ? std::string{} : live.error().to_string()));
    BOOST_TEST(s.stats().open == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
