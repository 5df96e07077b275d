// A session through an HTTP proxy, over real sockets: https through a CONNECT tunnel (TLS verified end to end
// with the test CA), http through absolute-form forwarding, basic proxy credentials (sent, refused, never in
// an error), the no-proxy list, keep-alive reuse of tunnels, and proxies that misbehave (refuse, send junk,
// stall, are not there). The environment variables are covered by the unit tests (no setenv here: this
// binary runs threads).
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/proxy_server.hpp"
#include "support/run_as.hpp"
#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"
#include "support/tls_certs.hpp"

namespace session_proxy_test {

namespace asio = boost::asio;
namespace data = boost::unit_test::data;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
namespace test = igtcloud::test;
namespace kit = igtcloud::test::kit;
using namespace std::chrono_literals;
using entities::api_result;
using entities::user_info;
using test::proxy_server;
using test::token_kind;

constexpr std::string_view admin_login = "admin@example.org";
constexpr std::string_view proxy_user = "ada";
constexpr std::string_view proxy_password = "p@ss:w0rd";             // as configured on the proxy
constexpr std::string_view proxy_password_encoded = "p%40ss%3Aw0rd"; // in the proxy URL
constexpr std::string_view expected_authorization = "Basic YWRhOnBAc3M6dzByZA=="; // base64("ada:p@ss:w0rd")

mock::options tls_mock()
{
    auto const& files = test::test_certificates();
    return mock::options{.tls_cert_file = files.server_cert.string(),
                         .tls_key_file = files.server_key.string()};
}

mock::options wrong_host_mock()
{
    auto const& files = test::test_certificates();
    return mock::options{.tls_cert_file = files.wrong_host_cert.string(),
                         .tls_key_file = files.wrong_host_key.string()};
}

/// Session options for `base_url` through `proxy_url`, trusting the test CA.
entities::session_options through(std::string base_url, std::string proxy_url,
                                  std::size_t max_connections = 16)
{
    auto o = kit::options_for(std::move(base_url), max_connections);
    o.tls.ca_file = test::test_certificates().ca_cert.string();
    o.proxy.url = std::move(proxy_url);
    return o;
}

std::string with_port(std::string_view host, std::uint16_t port)
{
    return std::string(host) + ":" + std::to_string(port);
}

template <class T, class Op>
api_result<T> run(asio::io_context& ioc, Op&& op, token_kind kind = token_kind::callback)
{
    return test::run_as<T>(kind, ioc, std::forward<Op>(op));
}

api_result<user_info> get_me(asio::io_context& ioc, entities::session& s,
                             token_kind kind = token_kind::callback)
{
    return run<user_info>(
        ioc, [users = s.users()](auto tok) mutable { return users.async_get_me(std::move(tok)); }, kind);
}

/// Every operation once, checking each result; returns how many operations ran.
std::size_t run_all_operations(asio::io_context& ioc, entities::session& s)
{
    auto users = s.users();
    auto me = get_me(ioc, s);
    BOOST_TEST_REQUIRE(me.has_value(), me.error().to_string());
    BOOST_TEST(*me->login_id == admin_login);

    entities::user_create body{.email = "grace@example.org", .login_id = "grace@example.org"};
    auto created = run<entities::created<user_info>>(
        ioc, [&](auto tok) { return users.async_post_users(body, std::move(tok)); });
    BOOST_TEST_REQUIRE(created.has_value(), created.error().to_string());
    BOOST_TEST(created->is_new);
    BOOST_TEST_REQUIRE(created->value.user_uuid.has_value());
    auto const uuid = *created->value.user_uuid;

    auto again = run<entities::created<user_info>>(
        ioc, [&](auto tok) { return users.async_post_users(body, std::move(tok)); });
    BOOST_TEST_REQUIRE(again.has_value(), again.error().to_string());
    BOOST_TEST(!again->is_new);
    BOOST_TEST(again->value.user_uuid.value_or("") == uuid);

    auto one = run<user_info>(ioc, [&](auto tok) { return users.async_get_user(uuid, std::move(tok)); });
    BOOST_TEST_REQUIRE(one.has_value(), one.error().to_string());
    BOOST_TEST(*one->login_id == "grace@example.org");

    auto all =
        run<std::vector<user_info>>(ioc, [&](auto tok) { return users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(all.has_value(), all.error().to_string());
    BOOST_TEST(
        std::any_of(all->begin(), all->end(), [&](user_info const& u) { return u.user_uuid == uuid; }));

    auto store = run<entities::storage>(ioc, [&](auto tok) {
        return users.async_get_user_storage(std::string("us-east-1"), std::move(tok));
    });
    BOOST_TEST_REQUIRE(store.has_value(), store.error().to_string());
    BOOST_TEST_REQUIRE(store->config.has_value());
    BOOST_TEST(store->config->region.value_or("") == "us-east-1");

    entities::user_create changed{
        .name = "Grace", .email = "grace@example.org", .login_id = "grace@example.org"};
    auto put = run<void>(ioc, [&](auto tok) { return users.async_put_user(uuid, changed, std::move(tok)); });
    BOOST_TEST(put.has_value(), (put ? "" : put.error().to_string()));

    auto profile = run<void>(ioc, [&](auto tok) { return users.async_post_user_profile(std::move(tok)); });
    BOOST_TEST(profile.has_value(), (profile ? "" : profile.error().to_string()));

    auto gone = run<void>(ioc, [&](auto tok) { return users.async_delete_user(uuid, std::move(tok)); });
    BOOST_TEST(gone.has_value(), (gone ? "" : gone.error().to_string()));

    auto missing = run<user_info>(ioc, [&](auto tok) { return users.async_get_user(uuid, std::move(tok)); });
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().status == 404u);
    return 10;
}

/// The error of a failed get_me.
entities::api_error failed_get_me(asio::io_context& ioc, entities::session& s)
{
    auto r = get_me(ioc, s);
    BOOST_TEST_REQUIRE(!r.has_value());
    return r.error();
}

void check_no_password(entities::api_error const& e)
{
    for (std::string_view secret : {proxy_password, proxy_password_encoded, std::string_view("w0rd")}) {
        BOOST_TEST(e.message.find(secret) == std::string::npos, e.message);
        BOOST_TEST(e.to_string().find(secret) == std::string::npos, e.to_string());
        BOOST_TEST(std::string(entities::api_exception(e).what()).find(secret) == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE(session_proxy)

// ---- https: CONNECT tunnels ----

BOOST_AUTO_TEST_CASE(runs_every_operation_on_https_through_tunnel)
{
    mock::server srv{tls_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), through(srv.base_url(), proxy.url())};
    auto const ran = run_all_operations(ioc, s);

    BOOST_TEST(proxy.tunnels() >= 1u);
    BOOST_TEST(proxy.tunnels() == srv.stats().connections_accepted);
    BOOST_TEST(proxy.forwarded() == 0u);
    BOOST_TEST(srv.stats().requests_served == ran);
    for (auto const& target : proxy.targets())
        BOOST_TEST(target == with_port("127.0.0.1", srv.port()));
    BOOST_TEST(proxy.last_authorization().value_or("<none>") == "");
}

BOOST_DATA_TEST_CASE(completes_every_token_kind_on_https_through_tunnel, data::make(test::all_token_kinds),
                     kind)
{
    mock::server srv{tls_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), through(srv.base_url(), proxy.url())};
    auto r = get_me(ioc, s, kind);
    BOOST_TEST_REQUIRE(r.has_value(), r.error().to_string());
    BOOST_TEST(*r->login_id == admin_login);
    BOOST_TEST(proxy.tunnels() == 1u);
}

BOOST_AUTO_TEST_CASE(verifies_server_name_end_to_end_on_host_name_through_tunnel)
{
    // The client resolves only the proxy: "localhost" is resolved by the proxy, and the certificate is
    // checked against "localhost" (SNI and host-name verification name the server, never the proxy).
    mock::server srv{tls_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    auto const base = "https://localhost:" + std::to_string(srv.port()) + "/data";
    entities::session s{ioc.get_executor(), through(base, proxy.url())};
    auto r = get_me(ioc, s);
    BOOST_TEST_REQUIRE(r.has_value(), r.error().to_string());
    BOOST_TEST(proxy.targets() == std::vector<std::string>{with_port("localhost", srv.port())},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fails_verification_on_wrong_certificate_through_tunnel)
{
    mock::server srv{wrong_host_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    auto o = through(srv.base_url(), proxy.url());
    o.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), o};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST(e.status == 0u);
    BOOST_TEST((e.code == entities::condition::transport_error), e.to_string());
    BOOST_TEST(proxy.tunnels() == 1u); // the tunnel opened; TLS through it refused the server
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(reuses_tunnels_on_keep_alive)
{
    mock::server srv{tls_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    constexpr std::size_t max_connections = 2;
    entities::session s{ioc.get_executor(), through(srv.base_url(), proxy.url(), max_connections)};
    auto users = s.users();

    constexpr int concurrent = 24;
    int ok = 0, done = 0;
    for (int i = 0; i < concurrent; ++i)
        users.async_get_me([&](api_result<user_info> r) {
            ++done;
            if (r && r->login_id == admin_login) ++ok;
        });
    BOOST_TEST_REQUIRE(test::run_until(ioc, [&] { return done == concurrent; }));
    BOOST_TEST(ok == concurrent);
    auto const after_batch = s.stats().reused;
    BOOST_TEST(after_batch >= static_cast<std::uint64_t>(concurrent - max_connections));

    for (int i = 0; i < 5; ++i)
        BOOST_TEST_REQUIRE(get_me(ioc, s).has_value());
    BOOST_TEST(s.stats().reused == after_batch + 5);
    BOOST_TEST(proxy.tunnels() <= max_connections);
    BOOST_TEST(proxy.tunnels() == srv.stats().connections_accepted);
    BOOST_TEST(s.stats().created == proxy.tunnels());
}

// ---- http: absolute-form forwarding ----

BOOST_AUTO_TEST_CASE(forwards_absolute_form_on_http)
{
    mock::server srv;
    proxy_server proxy;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), through(srv.base_url(), proxy.url())};
    auto const ran = run_all_operations(ioc, s);

    BOOST_TEST(proxy.tunnels() == 0u);
    BOOST_TEST(proxy.forwarded() == ran);
    BOOST_TEST(srv.stats().requests_served == ran);
    BOOST_TEST(proxy.connections() == 1u); // one keep-alive connection to the proxy
    auto const origin = "http://" + with_port("127.0.0.1", srv.port()) + "/data/users";
    auto const targets = proxy.targets();
    BOOST_TEST_REQUIRE(targets.size() == ran);
    for (auto const& target : targets)
        BOOST_TEST(target.starts_with(origin), target);
    BOOST_TEST(targets.front() == origin + "/me");
    auto const sent = proxy.sent_to_origin();
    BOOST_TEST_REQUIRE(!sent.empty());
    BOOST_TEST(sent.front().target() == "/data/users/me");
    BOOST_TEST(sent.front()[boost::beast::http::field::host] == with_port("127.0.0.1", srv.port()));
}

// ---- proxy credentials ----

BOOST_AUTO_TEST_CASE(sends_credentials_on_tunnel)
{
    mock::server srv{tls_mock()};
    proxy_server proxy{{.user = std::string(proxy_user), .password = std::string(proxy_password)}};
    asio::io_context ioc;
    auto const url = proxy.url_with(std::string(proxy_user) + ":" + std::string(proxy_password_encoded));
    entities::session s{ioc.get_executor(), through(srv.base_url(), url)};
    auto r = get_me(ioc, s);
    BOOST_TEST_REQUIRE(r.has_value(), r.error().to_string());
    BOOST_TEST(proxy.last_authorization().value_or("<none>") == expected_authorization);
    BOOST_TEST(proxy.auth_failures() == 0u);
    BOOST_TEST(proxy.tunnels() == 1u);
}

BOOST_AUTO_TEST_CASE(sends_credentials_on_forward)
{
    mock::server srv;
    proxy_server proxy{{.user = std::string(proxy_user), .password = std::string(proxy_password)}};
    asio::io_context ioc;
    auto const url = proxy.url_with(std::string(proxy_user) + ":" + std::string(proxy_password_encoded));
    entities::session s{ioc.get_executor(), through(srv.base_url(), url)};
    BOOST_TEST_REQUIRE(get_me(ioc, s).has_value());
    BOOST_TEST_REQUIRE(get_me(ioc, s).has_value());
    BOOST_TEST(proxy.last_authorization().value_or("<none>") == expected_authorization);
    BOOST_TEST(proxy.auth_failures() == 0u);
    BOOST_TEST(proxy.forwarded() == 2u);
    for (auto const& sent : proxy.sent_to_origin()) // the proxy strips it: the origin never sees it
        BOOST_TEST((sent.find(boost::beast::http::field::proxy_authorization) == sent.end()));
}

BOOST_AUTO_TEST_CASE(refuses_without_password_in_error_on_wrong_password_tunnel)
{
    mock::server srv{tls_mock()};
    proxy_server proxy{{.user = std::string(proxy_user), .password = "the-right-one"}};
    asio::io_context ioc;
    auto const url = proxy.url_with(std::string(proxy_user) + ":" + std::string(proxy_password_encoded));
    entities::session s{ioc.get_executor(), through(srv.base_url(), url)};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == entities::error::proxy_refused), e.to_string());
    BOOST_TEST((e.code == entities::condition::transport_error));
    BOOST_TEST(e.status == 0u);
    BOOST_TEST(!e.message.empty());
    check_no_password(e);
    BOOST_TEST(proxy.auth_failures() >= 1u);
    BOOST_TEST(proxy.tunnels() == 0u);
    BOOST_TEST(srv.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(refuses_on_missing_credentials_tunnel)
{
    mock::server srv{tls_mock()};
    proxy_server proxy{{.user = std::string(proxy_user), .password = std::string(proxy_password)}};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), through(srv.base_url(), proxy.url())};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == entities::error::proxy_refused), e.to_string());
    BOOST_TEST(proxy.last_authorization().value_or("<none>") == "");
}

BOOST_AUTO_TEST_CASE(answers_407_without_password_in_error_on_wrong_password_forward)
{
    // In forward mode the proxy's 407 is the answer to the request itself.
    mock::server srv;
    proxy_server proxy{{.user = std::string(proxy_user), .password = "the-right-one"}};
    asio::io_context ioc;
    auto const url = proxy.url_with(std::string(proxy_user) + ":" + std::string(proxy_password_encoded));
    entities::session s{ioc.get_executor(), through(srv.base_url(), url)};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST(e.status == 407u);
    BOOST_TEST((e.code == entities::condition::client_error));
    check_no_password(e);
    BOOST_TEST(proxy.forwarded() == 0u);
    BOOST_TEST(srv.stats().requests_served == 0u);
}

// ---- the no-proxy list ----

BOOST_AUTO_TEST_CASE(bypasses_proxy_on_no_proxy_entry)
{
    mock::server tls_srv{tls_mock()};
    mock::server plain_srv;
    proxy_server proxy;
    asio::io_context ioc;
    for (auto const* srv : {&tls_srv, &plain_srv}) {
        std::vector<std::vector<std::string>> const lists = {
            {"127.0.0.1"}, {" other.org ", "*"}, {"127.0.0.0/8"}, {"127.0.0.1:1"}};
        for (auto const& list : lists) {
            auto o = through(srv->base_url(), proxy.url());
            o.proxy.no_proxy = list;
            entities::session s{ioc.get_executor(), o};
            auto r = get_me(ioc, s);
            BOOST_TEST_REQUIRE(r.has_value(), r.error().to_string());
        }
    }
    BOOST_TEST(proxy.connections() == 0u);
    BOOST_TEST(proxy.tunnels() == 0u);
    BOOST_TEST(proxy.forwarded() == 0u);
}

BOOST_AUTO_TEST_CASE(uses_proxy_on_unmatched_no_proxy_entries)
{
    mock::server srv{tls_mock()};
    proxy_server proxy;
    asio::io_context ioc;
    auto o = through(srv.base_url(), proxy.url());
    o.proxy.no_proxy = {"localhost", "127.0.0.2", "0.0.1", "example.org"};
    entities::session s{ioc.get_executor(), o};
    BOOST_TEST_REQUIRE(get_me(ioc, s).has_value());
    BOOST_TEST(proxy.tunnels() == 1u);
}

// ---- misbehaving or absent proxies ----

BOOST_AUTO_TEST_CASE(sends_connect_request_on_tunnel)
{
    test::scripted_server fake([](test::request const&, std::size_t, std::size_t) {
        return test::reply{.bytes = test::http_answer(403, ""), .close = true};
    });
    asio::io_context ioc;
    auto o = through("https://api.example.org:8443/data", "http://127.0.0.1:" + std::to_string(fake.port()));
    o.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), o};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == entities::error::proxy_refused), e.to_string());
    auto const got = fake.received();
    BOOST_TEST_REQUIRE(got.size() == 1u);
    BOOST_TEST((got[0].method() == boost::beast::http::verb::connect));
    BOOST_TEST(got[0].target() == "api.example.org:8443");
    BOOST_TEST(got[0][boost::beast::http::field::host] == "api.example.org:8443");
    BOOST_TEST((got[0].find(boost::beast::http::field::proxy_authorization) == got[0].end()));
}

BOOST_AUTO_TEST_CASE(fails_on_bytes_after_connect_answer)
{
    test::scripted_server fake([](test::request const&, std::size_t, std::size_t) {
        return test::reply{.bytes = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01junk"};
    });
    asio::io_context ioc;
    auto o = through("https://127.0.0.1:1/data", "http://127.0.0.1:" + std::to_string(fake.port()));
    o.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), o};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == entities::error::invalid_response), e.to_string());
    BOOST_TEST((e.code == entities::condition::protocol_error));
}

BOOST_AUTO_TEST_CASE(fails_on_oversized_connect_answer)
{
    test::scripted_server fake([](test::request const&, std::size_t, std::size_t) {
        return test::reply{.bytes = "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(16 * 1024, 'a') + "\r\n\r\n"};
    });
    asio::io_context ioc;
    auto o = through("https://127.0.0.1:1/data", "http://127.0.0.1:" + std::to_string(fake.port()));
    o.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), o};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == boost::beast::http::error::header_limit), e.to_string());
}

BOOST_AUTO_TEST_CASE(times_out_on_stalling_proxy)
{
    test::scripted_server fake(
        [](test::request const&, std::size_t, std::size_t) { return test::reply{.stall = true}; });
    asio::io_context ioc;
    auto o = through("https://127.0.0.1:1/data", "http://127.0.0.1:" + std::to_string(fake.port()));
    o.retry.max_attempts = 1;
    o.connect_timeout = 300ms;
    o.request_timeout = 10s;
    entities::session s{ioc.get_executor(), o};
    auto const start = kit::clock_type::now();
    auto const e = failed_get_me(ioc, s);
    auto const took = kit::clock_type::now() - start;
    // connect_timeout ran out with the operation's deadline still ahead: a transport timeout (retryable).
    BOOST_TEST((e.code == entities::condition::transport_error), e.to_string());
    BOOST_TEST((e.code == boost::asio::error::timed_out || e.code == entities::error::timeout),
               e.to_string());
    BOOST_TEST(e.message.find("timed out") != std::string::npos, e.message);
    BOOST_TEST((took >= 250ms));
    BOOST_TEST((took < 3s));
    BOOST_TEST(fake.requests() == 1u); // the CONNECT arrived; its answer never did
}

BOOST_AUTO_TEST_CASE(fails_on_unreachable_proxy)
{
    asio::io_context ioc;
    auto o = through("https://127.0.0.1:1/data", "http://127.0.0.1:" + std::to_string(kit::unused_port()));
    o.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), o};
    auto const e = failed_get_me(ioc, s);
    BOOST_TEST((e.code == boost::asio::error::connection_refused), e.to_string());
    BOOST_TEST((e.code == entities::condition::transport_error));
}

BOOST_AUTO_TEST_CASE(refuses_bad_proxy_url_without_password_on_construction)
{
    asio::io_context ioc;
    for (auto const& bad : {"https://ada:" + std::string(proxy_password_encoded) + "@proxy:3128",
                            "http://ada:" + std::string(proxy_password_encoded) + "@proxy:0",
                            "socks5://ada:" + std::string(proxy_password_encoded) + "@proxy:1080"}) {
        auto o = through("https://api.example.org/data", bad);
        try {
            entities::session s{ioc.get_executor(), o};
            BOOST_ERROR("accepted a bad proxy URL");
        } catch (std::invalid_argument const& x) {
            std::string const what = x.what();
            BOOST_TEST(what.find("proxy") != std::string::npos, what);
            BOOST_TEST(what.find(proxy_password_encoded) == std::string::npos, what);
            BOOST_TEST(what.find("w0rd") == std::string::npos, what);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace session_proxy_test
