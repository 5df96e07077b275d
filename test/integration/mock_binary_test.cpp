// igtcloud-mock-server as a process: the first stdout line, a request over a real socket, flags, and a clean
// stop on SIGTERM and SIGINT.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/raw_client.hpp"

namespace {

using igtcloud::test::port_of;

/// igtcloud-mock-server started with `args`.
struct process : igtcloud::test::process {
    explicit process(std::vector<std::string> args)
        : igtcloud::test::process(IGTCLOUD_MOCK_SERVER_BINARY, std::move(args))
    {}
};

} // namespace

BOOST_AUTO_TEST_SUITE(mock_server_binary)

BOOST_AUTO_TEST_CASE(serves_and_stops_cleanly_on_sigterm)
{
    process p({"--port", "0", "--seed-users", "3", "--token", "t-ops=ops@example.org"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto me = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(me.body.find("ops@example.org") != std::string::npos);
    auto list = client.send({.target = "/data/users", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(list.status == 200u);
    BOOST_TEST(list.body.find("user00003@example.org") != std::string::npos);
    auto refused = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(refused.status == 401u); // --token replaces the default token
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(stops_cleanly_on_sigint_with_idle_connection)
{
    process p({"--port", "0", "--fail-rate", "1", "--fail-status", "429"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto r = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.header("Retry-After").value_or("") == "1");
    BOOST_TEST(p.stop(SIGINT) == 0);
}

BOOST_AUTO_TEST_CASE(exits_2_on_bad_flags)
{
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--fail-rate", "1.5"}, std::vector<std::string>{"--fail-status", "500"},
          std::vector<std::string>{"--tls-cert", "only-a-cert.pem"},
          std::vector<std::string>{"--no-such-flag"}}) {
        process p(args);
        BOOST_TEST(p.wait_exit() == 2, args.front());
    }
}

BOOST_AUTO_TEST_SUITE_END()
