// The mock server's fault injection over real sockets: latency, injected 503/429, reproducible dice,
// connections closed after N answers, truncated bodies.
#include <igtcloud/mock/server.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/raw_client.hpp"

namespace {

namespace mock = igtcloud::mock;
using igtcloud::test::raw_client;
using igtcloud::test::request;
using igtcloud::test::response;
using namespace std::chrono_literals;

request get_me()
{
    return request{.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}};
}

request post_user(std::string const& login)
{
    return request{.method = "POST",
                   .target = "/data/users",
                   .headers = {{"X-JWT", "mock-token"}, {"Content-Type", "application/json"}},
                   .body = R"({"loginId":")" + login + R"(","email":")" + login + "\"}"};
}

/// The statuses of `count` sequential GET /users/me on one connection (reconnecting after a close).
std::vector<unsigned> statuses(mock::server& srv, int count)
{
    std::vector<unsigned> out;
    raw_client c{srv.port()};
    for (int i = 0; i < count; ++i)
        out.push_back(c.send(get_me()).status);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_faults)

BOOST_AUTO_TEST_CASE(delays_each_answer_on_latency)
{
    mock::server srv{mock::options{.latency = 150ms}};
    raw_client c{srv.port()};
    for (int i = 0; i < 2; ++i) {
        auto const start = std::chrono::steady_clock::now();
        BOOST_TEST(c.send(get_me()).status == 200u);
        BOOST_TEST((std::chrono::steady_clock::now() - start >= 150ms));
    }
}

BOOST_AUTO_TEST_CASE(answers_503_without_executing_on_fail_rate_one)
{
    mock::server srv{mock::options{.fail_rate = 1.0}};
    raw_client c{srv.port()};
    auto r = c.send(post_user("ada@example.org"));
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(r.body == R"({"message": "injected fault"})");
    BOOST_TEST(!r.header("Retry-After").has_value());
    BOOST_TEST(srv.user_count() == 1u);
    BOOST_TEST(c.send(get_me()).status == 503u); // the connection stays usable
    BOOST_TEST(srv.stats().requests_by_route["injected fault"] == 2u);
}

BOOST_AUTO_TEST_CASE(answers_429_with_retry_after_on_fail_status_429)
{
    mock::server srv{mock::options{.fail_rate = 1.0, .fail_status = 429}};
    raw_client c{srv.port()};
    auto r = c.send(post_user("ada@example.org"));
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.header("Retry-After").value_or("") == "1");
    BOOST_TEST(!srv.find_user_by_login("ada@example.org").has_value());
}

BOOST_AUTO_TEST_CASE(repeats_fault_sequence_on_same_seed)
{
    mock::options const opts{.fail_rate = 0.5, .seed = 42};
    mock::server first{opts}, second{opts};
    auto const a = statuses(first, 40), b = statuses(second, 40);
    BOOST_TEST(a == b, boost::test_tools::per_element());
    auto const failures = std::count(a.begin(), a.end(), 503u);
    BOOST_TEST(failures > 0);
    BOOST_TEST(failures < 40);
    mock::options other = opts;
    other.seed = 43;
    mock::server third{other};
    BOOST_TEST((statuses(third, 40) != a));
}

BOOST_AUTO_TEST_CASE(closes_connection_without_notice_on_close_after)
{
    mock::server srv{mock::options{.close_after = 3}};
    raw_client c{srv.port()};
    for (int i = 0; i < 3; ++i) {
        auto r = c.send(get_me());
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(!r.header("Connection").has_value());
    }
    BOOST_TEST(c.closed_by_peer());
    BOOST_CHECK_THROW(c.send(get_me()), boost::system::system_error);
    BOOST_TEST(srv.stats().requests_served == 3u);
}

BOOST_AUTO_TEST_CASE(cuts_body_then_closes_on_truncate_rate_one)
{
    mock::server srv{mock::options{.truncate_rate = 1.0}};
    raw_client c{srv.port()};
    c.send_raw("GET /data/users/me HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\n\r\n");
    response r;
    auto const ec = c.read_response(r);
    BOOST_TEST(ec.failed()); // end of stream inside the body
    BOOST_TEST(r.status == 200u);
    auto const declared = std::stoul(r.header("Content-Length").value_or("0"));
    BOOST_TEST(declared > 0u);
    BOOST_TEST(r.body.size() == declared / 2);
    BOOST_TEST(!r.header("Connection").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
