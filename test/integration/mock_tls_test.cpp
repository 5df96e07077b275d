// The mock server over https, with certificates generated at test time.
#include <igtcloud/mock/server.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "support/raw_client.hpp"
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
