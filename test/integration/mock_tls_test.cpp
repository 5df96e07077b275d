// The mock server over https, with certificates generated at test time: server certificates, required client
// certificates (library and binary), and the handshake counters.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/raw_client.hpp"
#include "support/session_kit.hpp"
#include "support/tls_certs.hpp"

namespace {

namespace mock = igtcloud::mock;
using igtcloud::test::client_options;
using igtcloud::test::raw_client;
using igtcloud::test::request;
using igtcloud::test::test_certificates;

mock::options tls_options()
{
    auto const& files = test_certificates();
    return mock::options{.tls_cert_file = files.server_cert.string(),
                         .tls_key_file = files.server_key.string()};
}

client_options verifying()
{
    return client_options{.tls = true, .ca_file = test_certificates().ca_cert};
}

request get_me()
{
    return request{.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}};
}

/// True when a client (raw_client has no certificate) cannot get an answer: refused in the handshake
/// (TLS 1.2) or by an alert on its first read (TLS 1.3).
bool refused_without_certificate(std::uint16_t port)
{
    try {
        raw_client c{port, verifying()};
        c.send(get_me());
        return false;
    } catch (boost::system::system_error const&) {
        return true;
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_tls)

BOOST_AUTO_TEST_CASE(serves_https_on_verifying_client)
{
    mock::server srv{tls_options()};
    BOOST_TEST(srv.base_url().starts_with("https://127.0.0.1:"));
    raw_client c{srv.port(), verifying()};
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(c.send(get_me()).status == 200u);
    BOOST_TEST(srv.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(fails_handshake_on_client_trusting_nothing)
{
    mock::server srv{tls_options()};
    BOOST_CHECK_THROW(raw_client(srv.port(), client_options{.tls = true}), boost::system::system_error);
    auto wrong_name = verifying();
    wrong_name.host_name = "wrong.example.org";
    BOOST_CHECK_THROW(raw_client(srv.port(), wrong_name), boost::system::system_error);
    raw_client still_serving{srv.port(), verifying()};
    BOOST_TEST(still_serving.send(get_me()).status == 200u);
}

BOOST_AUTO_TEST_CASE(fails_on_plain_http_to_https_port)
{
    mock::server srv{tls_options()};
    raw_client plain{srv.port()};
    BOOST_CHECK_THROW(plain.send(get_me()), boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(closes_tls_connections_on_stop)
{
    mock::server srv{tls_options()};
    raw_client c{srv.port(), verifying()};
    BOOST_TEST(c.send(get_me()).status == 200u);
    srv.stop();
    BOOST_TEST(c.closed_by_peer());
}

BOOST_AUTO_TEST_CASE(counts_full_handshakes_on_clients_without_session_to_resume)
{
    mock::server srv{tls_options()};
    BOOST_TEST(srv.stats().tls_handshakes == 0u);
    for (int i = 0; i < 2; ++i) {
        raw_client c{srv.port(), verifying()};
        BOOST_TEST(c.send(get_me()).status == 200u);
    }
    BOOST_TEST(srv.stats().tls_handshakes == 2u);
    BOOST_TEST(srv.stats().tls_resumed == 0u); // raw_client never offers a session
    BOOST_CHECK_THROW(raw_client(srv.port(), client_options{.tls = true}), boost::system::system_error);
    BOOST_TEST(srv.stats().tls_handshakes == 2u); // failed handshakes are not counted
}

BOOST_AUTO_TEST_CASE(refuses_client_without_certificate_on_client_ca)
{
    auto opts = tls_options();
    opts.tls_client_ca_file = test_certificates().ca_cert.string();
    mock::server srv{opts};
    BOOST_TEST(refused_without_certificate(srv.port()));
    BOOST_TEST(srv.stats().requests_served == 0u);
    BOOST_TEST(srv.stats().tls_handshakes == 0u);
    BOOST_TEST(srv.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_client_ca_without_tls)
{
    BOOST_CHECK_THROW(mock::server{mock::options{.tls_client_ca_file = test_certificates().ca_cert.string()}},
                      boost::system::system_error);
    auto missing = tls_options();
    missing.tls_client_ca_file = (test_certificates().dir / "no-such-ca.pem").string();
    BOOST_CHECK_THROW(mock::server{missing}, boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(binary_refuses_client_without_certificate_on_tls_client_ca)
{
    auto const& files = test_certificates();
    igtcloud::test::process with_ca(IGTCLOUD_MOCK_SERVER_BINARY,
                                    {"--port", "0", "--tls-cert", files.server_cert.string(), "--tls-key",
                                     files.server_key.string(), "--tls-client-ca", files.ca_cert.string()});
    auto const port = igtcloud::test::port_of(with_ca.line());
    BOOST_TEST(refused_without_certificate(port));
    // A client presenting a certificate signed by that CA is served.
    boost::asio::io_context ioc;
    auto o = igtcloud::test::kit::options_for("https://localhost:" + std::to_string(port) + "/data");
    o.tls = {.ca_file = files.ca_cert.string(),
             .client_cert_file = files.client_cert.string(),
             .client_key_file = files.client_key.string()};
    igtcloud::entities::session s{ioc.get_executor(), o};
    igtcloud::test::kit::outcome<igtcloud::entities::user_info> me;
    s.users().async_get_me(igtcloud::test::kit::into(me));
    BOOST_TEST_REQUIRE(igtcloud::test::kit::run_until(ioc, [&] { return me.done(); }));
    BOOST_TEST_REQUIRE(me.ok(), me.error().to_string());
    BOOST_TEST(me.result->value().login_id.value_or("") == "admin@example.org");
}

BOOST_AUTO_TEST_CASE(refuses_to_start_on_bad_tls_files)
{
    auto missing = tls_options();
    missing.tls_key_file = (test_certificates().dir / "no-such-key.pem").string();
    BOOST_CHECK_THROW(mock::server{missing}, boost::system::system_error);
    auto cert_only = tls_options();
    cert_only.tls_key_file.clear();
    BOOST_CHECK_THROW(mock::server{cert_only}, boost::system::system_error);
    auto swapped = tls_options();
    swapped.tls_cert_file = swapped.tls_key_file;
    BOOST_CHECK_THROW(mock::server{swapped}, boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
