// entities::session over TLS against the mock server: verification of the server (CA file, host names, IP
// literals, self-signed certificates, the system trust store), client certificates (mock::options::
// tls_client_ca_file), and TLS session resumption across the connections of one session.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "support/run_as.hpp"
#include "support/session_kit.hpp"
#include "support/tls_certs.hpp"

namespace {

namespace asio = boost::asio;
namespace data = boost::unit_test::data;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::api_result;
using entities::user_info;
using igtcloud::test::run_as;
using igtcloud::test::test_certificates;
using igtcloud::test::token_kind;
using namespace igtcloud::test::kit;

/// The certificate a client presents; empty paths: none.
struct client_identity {
    std::filesystem::path cert{};
    std::filesystem::path key{};
};

client_identity trusted_client()
{
    return {test_certificates().client_cert, test_certificates().client_key};
}

/// An https mock (certificate for localhost and 127.0.0.1), requiring client certificates signed by the test
/// CA when `require_client_cert`.
mock::options tls_server(bool require_client_cert, std::chrono::milliseconds latency = 0ms)
{
    auto const& files = test_certificates();
    return mock::options{.tls_cert_file = files.server_cert.string(),
                         .tls_key_file = files.server_key.string(),
                         .tls_client_ca_file = require_client_cert ? files.ca_cert.string() : std::string{},
                         .latency = latency};
}

/// An https mock serving `cert` and `key`.
mock::options tls_server_with(std::filesystem::path const& cert, std::filesystem::path const& key,
                              std::chrono::milliseconds latency = 0ms)
{
    return mock::options{.tls_cert_file = cert.string(), .tls_key_file = key.string(), .latency = latency};
}

/// A session on `srv` that trusts the test CA and presents `id`.
entities::session_options session_for(mock::server const& srv, client_identity const& id,
                                      std::size_t max_connections = 4)
{
    auto o = options_for(srv.base_url(), max_connections);
    o.request_timeout = 10s;
    o.tls = {.ca_file = test_certificates().ca_cert.string(),
             .client_cert_file = id.cert.string(),
             .client_key_file = id.key.string()};
    return o;
}

/// Starts one operation with `start(handler)` and runs `ioc` until it completes.
template <class T, class Start>
api_result<T> run_one(asio::io_context& ioc, Start start)
{
    outcome<T> o;
    start(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }), "the operation did not complete");
    return std::move(*o.result);
}

api_result<user_info> get_me(asio::io_context& ioc, entities::session& s)
{
    return run_one<user_info>(ioc, [&](auto h) { s.users().async_get_me(std::move(h)); });
}

/// `count` GET /users/me started together; every result.
std::vector<api_result<user_info>> concurrent_get_me(asio::io_context& ioc, entities::session& s, int count)
{
    std::vector<outcome<user_info>> outcomes(static_cast<std::size_t>(count));
    for (auto& o : outcomes)
        s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        for (auto const& o : outcomes)
            if (!o.done()) return false;
        return true;
    }));
    std::vector<api_result<user_info>> results;
    for (auto& o : outcomes)
        results.push_back(std::move(*o.result));
    return results;
}

/// The error as text, category and code included.
std::string describe(entities::api_error const& e)
{
    return e.to_string();
}

/// A refused TLS handshake: no HTTP status, a transport error, and an SSL code (the alert, whether it came in
/// the handshake with TLS 1.2 or on the first read with TLS 1.3), never a timeout.
void check_refused(api_result<user_info> const& r)
{
    BOOST_TEST_REQUIRE(r.has_error(), "succeeded without an acceptable client certificate");
    auto const& e = r.error();
    BOOST_TEST(e.status == 0u);
    BOOST_TEST((e.code == entities::condition::transport_error), describe(e));
    BOOST_TEST(std::string_view(e.code.category().name()).starts_with("asio.ssl"), describe(e));
    BOOST_TEST((e.code != entities::error::timeout), describe(e));
}

/// https://HOST:PORT/data
std::string https_url(std::string_view host, std::uint16_t port)
{
    return "https://" + std::string(host) + ":" + std::to_string(port) + "/data";
}

/// GET /users/me on a new session with options `o` (and the mock's default token).
api_result<user_info> get_me_over(mock::server& srv, entities::session_options o)
{
    asio::io_context ioc;
    o.jwt = srv.default_token();
    entities::session s{ioc.get_executor(), std::move(o)};
    auto users = s.users();
    return run_as<user_info>(token_kind::callback, ioc,
                             [&](auto t) { return users.async_get_me(std::move(t)); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_tls)

BOOST_AUTO_TEST_CASE(serves_operations_on_client_certificate_signed_by_trusted_ca)
{
    mock::server srv{tls_server(true)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), session_for(srv, trusted_client())};
    auto users = s.users();

    auto const me = get_me(ioc, s);
    BOOST_TEST_REQUIRE(me.has_value(), describe(me.error()));
    BOOST_TEST(me->login_id.value_or("") == admin_login);

    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada@example.org"};
    auto const made = run_one<entities::created<user_info>>(
        ioc, [&](auto h) { users.async_post_users(ada, std::move(h)); });
    BOOST_TEST_REQUIRE(made.has_value(), describe(made.error()));
    BOOST_TEST(made->is_new);
    auto const uuid = made->value.user_uuid.value_or("");
    BOOST_TEST_REQUIRE(!uuid.empty());

    auto const got = run_one<user_info>(ioc, [&](auto h) { users.async_get_user(uuid, std::move(h)); });
    BOOST_TEST_REQUIRE(got.has_value(), describe(got.error()));
    BOOST_TEST(got->login_id.value_or("") == "ada@example.org");

    auto const removed = run_one<void>(ioc, [&](auto h) { users.async_delete_user(uuid, std::move(h)); });
    BOOST_TEST_REQUIRE(removed.has_value(), describe(removed.error()));
    BOOST_TEST(!srv.find_user(uuid).has_value());

    auto const st = srv.stats();
    BOOST_TEST(st.requests_served == 4u);
    BOOST_TEST(st.tls_handshakes >= 1u);
    BOOST_TEST(st.tls_handshakes == s.stats().created); // one handshake per connection the session opened
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_and_reaches_nothing_on_missing_client_certificate)
{
    mock::server srv{tls_server(true)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), session_for(srv, client_identity{}, 1)};

    check_refused(get_me(ioc, s));
    BOOST_TEST(srv.stats().requests_served == 0u);
    BOOST_TEST(srv.stats().tls_handshakes == 0u);
    auto const accepted = srv.stats().connections_accepted;
    BOOST_TEST(accepted >= 1u);
    // The failed connection gave its slot back: nothing open, nothing stuck connecting.
    auto const pool = s.stats();
    BOOST_TEST(pool.open == 0u);
    BOOST_TEST(pool.in_use == 0u);
    BOOST_TEST(pool.connecting == 0u);

    // The one-connection pool still opens new connections (which the server refuses again, without a
    // timeout).
    auto const created = pool.created;
    check_refused(get_me(ioc, s));
    BOOST_TEST(s.stats().created > created);
    BOOST_TEST(srv.stats().connections_accepted > accepted);
    BOOST_TEST(srv.stats().requests_served == 0u);

    // The server itself is unharmed: a client with a certificate is served.
    entities::session good{ioc.get_executor(), session_for(srv, trusted_client())};
    auto const me = get_me(ioc, good);
    BOOST_TEST_REQUIRE(me.has_value(), describe(me.error()));
    BOOST_TEST(me->login_id.value_or("") == admin_login);
    BOOST_TEST(srv.stats().requests_served == 1u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_client_certificate_from_untrusted_issuer)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server(true)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(),
                        session_for(srv, client_identity{files.self_signed_cert, files.self_signed_key})};
    check_refused(get_me(ioc, s));
    BOOST_TEST(srv.stats().requests_served == 0u);
    BOOST_TEST(srv.stats().tls_handshakes == 0u);
    BOOST_TEST(srv.stats().connections_accepted >= 1u);
}

BOOST_AUTO_TEST_CASE(ignores_client_certificate_on_server_not_asking_for_one)
{
    mock::server srv{tls_server(false)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), session_for(srv, trusted_client())};
    auto const me = get_me(ioc, s);
    BOOST_TEST_REQUIRE(me.has_value(), describe(me.error()));
    entities::session anonymous{ioc.get_executor(), session_for(srv, client_identity{})};
    auto const me_too = get_me(ioc, anonymous);
    BOOST_TEST_REQUIRE(me_too.has_value(), describe(me_too.error()));
    BOOST_TEST(srv.stats().requests_served == 2u);
}

BOOST_DATA_TEST_CASE(resumes_tls_session_on_new_connections_of_same_session, data::make({false, true}),
                     require_client_cert)
{
    // Latency keeps the concurrent requests in flight together, so the pool must open new connections.
    mock::server srv{tls_server(require_client_cert, 50ms)};
    auto const identity = require_client_cert ? trusted_client() : client_identity{};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), session_for(srv, identity, 4)};

    auto const first = get_me(ioc, s);
    BOOST_TEST_REQUIRE(first.has_value(), describe(first.error()));
    BOOST_TEST(srv.stats().tls_handshakes == 1u);
    BOOST_TEST(srv.stats().tls_resumed == 0u); // nothing to resume yet

    for (auto const& r : concurrent_get_me(ioc, s, 4)) {
        BOOST_TEST_REQUIRE(r.has_value(), describe(r.error()));
        BOOST_TEST(r->login_id.value_or("") == admin_login);
    }
    auto const after = srv.stats();
    BOOST_TEST(s.stats().created >= 2u);
    BOOST_TEST(after.tls_handshakes == s.stats().created);
    BOOST_TEST(after.tls_handshakes >= 2u);
    BOOST_TEST(after.tls_resumed >= 1u);
    // Every connection after the first offered the session of an earlier one, and the server took it.
    BOOST_TEST(after.tls_resumed == after.tls_handshakes - 1);
    BOOST_TEST(after.requests_served == 5u);

    // A second session has its own, empty cache: its first handshake is a full one.
    entities::session other{ioc.get_executor(), session_for(srv, identity, 4)};
    auto const fresh = get_me(ioc, other);
    BOOST_TEST_REQUIRE(fresh.has_value(), describe(fresh.error()));
    BOOST_TEST(fresh->login_id.value_or("") == admin_login);
    BOOST_TEST(srv.stats().tls_handshakes == after.tls_handshakes + 1);
    BOOST_TEST(srv.stats().tls_resumed == after.tls_resumed);
}

// ---- verification of the server ----

BOOST_AUTO_TEST_CASE(succeeds_on_https_with_ca_file_for_localhost_and_ip_literal)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.server_cert, files.server_key)};
    for (std::string_view host : {"localhost", "127.0.0.1"}) {
        BOOST_TEST_CONTEXT(host)
        {
            auto const r = get_me_over(
                srv, {.base_url = https_url(host, srv.port()), .tls = {.ca_file = files.ca_cert.string()}});
            BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
            BOOST_TEST(r->login_id.value_or("") == admin_login);
        }
    }
    BOOST_TEST(srv.stats().requests_served == 2u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_system_trust_store)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.server_cert, files.server_key)};
    check_refused(get_me_over(srv, {.base_url = https_url("localhost", srv.port())}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_certificate_for_another_host)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.wrong_host_cert, files.wrong_host_key)};
    check_refused(get_me_over(
        srv, {.base_url = https_url("localhost", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    check_refused(get_me_over(
        srv, {.base_url = https_url("127.0.0.1", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_self_signed_certificate_when_verifying)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.self_signed_cert, files.self_signed_key)};
    check_refused(get_me_over(
        srv, {.base_url = https_url("localhost", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(succeeds_on_self_signed_certificate_without_verification)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.self_signed_cert, files.self_signed_key)};
    auto const r =
        get_me_over(srv, {.base_url = https_url("localhost", srv.port()), .tls = {.verify_peer = false}});
    BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
    BOOST_TEST(r->login_id.value_or("") == admin_login);
}

BOOST_AUTO_TEST_CASE(opens_working_second_connection_on_concurrent_requests_after_first)
{
    auto const& files = test_certificates();
    mock::server srv{tls_server_with(files.server_cert, files.server_key, 50ms)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(),
                        {.base_url = https_url("localhost", srv.port()),
                         .jwt = srv.default_token(),
                         .max_connections = 2,
                         .tls = {.ca_file = files.ca_cert.string()}}};
    auto users = s.users();
    // The first connection's handshake leaves a session to resume; the second connection offers it.
    auto const first = run_as<user_info>(token_kind::callback, ioc,
                                         [&](auto t) { return users.async_get_me(std::move(t)); });
    BOOST_TEST_REQUIRE(first.has_value(), "error: " << first.error().to_string());
    std::vector<api_result<user_info>> results;
    for (int i = 0; i < 2; ++i)
        users.async_get_me([&](api_result<user_info> r) { results.push_back(std::move(r)); });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return results.size() == 2; }));
    for (auto const& r : results) {
        BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
        BOOST_TEST(r->login_id.value_or("") == admin_login);
    }
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(srv.stats().connections_accepted == 2u);
    // Both connections stay usable.
    results.clear();
    for (int i = 0; i < 4; ++i)
        users.async_get_me([&](api_result<user_info> r) { results.push_back(std::move(r)); });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return results.size() == 4; }));
    for (auto const& r : results)
        BOOST_TEST(r.has_value());
    BOOST_TEST(srv.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
