// Tests for test/support/tls_certs: the generated files, checked with OpenSSL's own verifier, and a real TLS
// handshake over 127.0.0.1 with Boost.Asio alone.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/tls_certs.hpp"
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using igtcloud::test::test_certificates;
using igtcloud::test::tls_files;

template <auto Free>
struct openssl_deleter {
    template <class T>
    void operator()(T* p) const noexcept
    {
        Free(p);
    }
};
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using store_ptr = std::unique_ptr<X509_STORE, openssl_deleter<X509_STORE_free>>;
using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, openssl_deleter<X509_STORE_CTX_free>>;

/// Reads a PEM certificate; fails the test if it cannot.
x509_ptr load_cert(fs::path const& path)
{
    bio_ptr bio{BIO_new_file(path.c_str(), "r")};
    BOOST_TEST_REQUIRE(static_cast<bool>(bio), "cannot open " << path);
    x509_ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
    BOOST_TEST_REQUIRE(static_cast<bool>(cert), "not a PEM certificate: " << path);
    return cert;
}

/// Reads an unencrypted PEM private key; fails the test if it cannot.
pkey_ptr load_key(fs::path const& path)
{
    bio_ptr bio{BIO_new_file(path.c_str(), "r")};
    BOOST_TEST_REQUIRE(static_cast<bool>(bio), "cannot open " << path);
    pkey_ptr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
    BOOST_TEST_REQUIRE(static_cast<bool>(key), "not a PEM private key: " << path);
    return key;
}

/// Verifies `leaf` against a store holding only the test CA, for `purpose`; returns the X509_V_* result.
int verify_against_ca(X509* leaf, int purpose = X509_PURPOSE_SSL_SERVER)
{
    x509_ptr const ca = load_cert(test_certificates().ca_cert);
    store_ptr const store{X509_STORE_new()};
    store_ctx_ptr const ctx{X509_STORE_CTX_new()};
    BOOST_TEST_REQUIRE((store && ctx));
    BOOST_TEST_REQUIRE(X509_STORE_add_cert(store.get(), ca.get()) == 1);
    BOOST_TEST_REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) == 1);
    BOOST_TEST_REQUIRE(X509_STORE_CTX_set_purpose(ctx.get(), purpose) == 1);
    int const rc = X509_verify_cert(ctx.get());
    int const error = X509_STORE_CTX_get_error(ctx.get());
    BOOST_TEST((rc == 1) == (error == X509_V_OK));
    return error;
}

/// The permission bits of `path`, e.g. 0600.
unsigned mode_of(fs::path const& path)
{
    return static_cast<unsigned>(fs::status(path).permissions() & fs::perms::all);
}

/// The reason code of an OpenSSL error carried by an Asio error code (0 for other categories).
int ssl_reason(error_code const& ec)
{
    if (ec.category() != asio::error::get_ssl_category()) return 0;
    return ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
}

/// What one TLS connection attempt saw on each side.
struct handshake_outcome {
    error_code server{asio::error::timed_out}; // the server's handshake (timed_out if it never finished)
    error_code client{};                       // the client's connect and handshake
    error_code client_read{};                  // the client reading the server's greeting afterwards
    char greeting{};                           // what the client read
};

/// Accepts one connection on 127.0.0.1 (port reported through `port`), handshakes, sends '!' and waits for
/// the client to close. Gives up after 10 s, so that a client blocked on this server cannot hang the test.
void serve_once(ssl::context& ctx, std::promise<unsigned short>& port, error_code& handshake_ec)
{
    asio::io_context ioc;
    std::optional<tcp::acceptor> acceptor;
    try {
        acceptor.emplace(ioc, tcp::endpoint{asio::ip::address_v4::loopback(), 0});
        port.set_value(acceptor->local_endpoint().port());
    } catch (...) {
        port.set_exception(std::current_exception());
        return;
    }
    ssl::stream<tcp::socket> stream{ioc, ctx};
    char const greeting = '!';
    char sink = 0;
    acceptor->async_accept(stream.next_layer(), [&](error_code accept_ec) {
        if (accept_ec) {
            handshake_ec = accept_ec;
            return;
        }
        stream.next_layer().set_option(tcp::no_delay(true), accept_ec); // best effort: faster small writes
        stream.async_handshake(ssl::stream_base::server, [&](error_code ec) {
            handshake_ec = ec;
            if (ec) return;
            asio::async_write(stream, asio::buffer(&greeting, 1), [&](error_code, std::size_t) {
                // Wait for the client to close first: closing with unread data would reset the connection.
                asio::async_read(stream, asio::buffer(&sink, 1), [](error_code, std::size_t) {});
            });
        });
    });
    ioc.run_for(std::chrono::seconds(10));
}

/// Connects to 127.0.0.1:`port` as a TLS client expecting `host` (SNI and host name verification).
void client_once(ssl::context& ctx, std::string const& host, unsigned short port, handshake_outcome& out)
{
    asio::io_context ioc;
    ssl::stream<tcp::socket> stream{ioc, ctx};
    BOOST_TEST_REQUIRE(SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) == 1);
    stream.set_verify_callback(ssl::host_name_verification(host));
    stream.next_layer().connect(tcp::endpoint{asio::ip::address_v4::loopback(), port}, out.client);
    if (!out.client) stream.handshake(ssl::stream_base::client, out.client);
    if (out.client) return;
    asio::read(stream, asio::buffer(&out.greeting, 1), out.client_read);
}

/// Runs one connection between a server using `server_ctx` (in its own thread) and a client using
/// `client_ctx` that expects the name `host`.
handshake_outcome run_handshake(ssl::context& server_ctx, ssl::context& client_ctx,
                                std::string const& host = "localhost")
{
    handshake_outcome out{};
    std::promise<unsigned short> port;
    std::future<unsigned short> port_ready = port.get_future();
    std::jthread server{[&] { serve_once(server_ctx, port, out.server); }};
    client_once(client_ctx, host, port_ready.get(), out);
    server.join(); // before `out` is copied out
    return out;
}

/// A TLS server context presenting `cert` and `key`.
ssl::context server_context(fs::path const& cert, fs::path const& key)
{
    ssl::context ctx{ssl::context::tls_server};
    ctx.use_certificate_chain_file(cert.string());
    ctx.use_private_key_file(key.string(), ssl::context::pem);
    return ctx;
}

/// A TLS client context that verifies the server against the test CA only.
ssl::context client_context()
{
    ssl::context ctx{ssl::context::tls_client};
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.load_verify_file(test_certificates().ca_cert.string());
    return ctx;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_certs)

BOOST_AUTO_TEST_CASE(loads_every_file_on_first_call)
{
    tls_files const& f = test_certificates();
    BOOST_TEST(fs::is_directory(f.dir));
    BOOST_TEST(mode_of(f.dir) == 0700u);
    for (auto const* cert : {&f.ca_cert, &f.server_cert, &f.wrong_host_cert, &f.self_signed_cert,
                             &f.client_cert, &f.expired_cert}) {
        BOOST_TEST(cert->parent_path() == f.dir);
        BOOST_TEST(fs::is_regular_file(*cert));
        load_cert(*cert);
    }
    for (auto const* key :
         {&f.server_key, &f.wrong_host_key, &f.self_signed_key, &f.client_key, &f.expired_key}) {
        BOOST_TEST(key->parent_path() == f.dir);
        BOOST_TEST(mode_of(*key) == 0600u);
        pkey_ptr const k = load_key(*key);
        BOOST_TEST(EVP_PKEY_is_a(k.get(), "EC") == 1);
        BOOST_TEST(EVP_PKEY_get_bits(k.get()) == 256);
    }
}

BOOST_AUTO_TEST_CASE(is_a_certificate_authority_on_ca_cert)
{
    x509_ptr const ca = load_cert(test_certificates().ca_cert);
    BOOST_TEST(X509_check_ca(ca.get()) == 1);
    BOOST_TEST((X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN) != 0u);
    BOOST_TEST((X509_get_extension_flags(ca.get()) & EXFLAG_SS) != 0u);
    BOOST_TEST(verify_against_ca(ca.get(), X509_PURPOSE_ANY) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(verifies_against_ca_on_server_cert)
{
    x509_ptr const cert = load_cert(test_certificates().server_cert);
    BOOST_TEST((X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER) != 0u);
    BOOST_TEST(X509_check_ca(cert.get()) == 0);
    BOOST_TEST(verify_against_ca(cert.get()) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(matches_localhost_and_loopback_on_server_cert)
{
    x509_ptr const cert = load_cert(test_certificates().server_cert);
    BOOST_TEST(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
    BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
    BOOST_TEST(X509_check_host(cert.get(), "wrong.example.org", 0, 0, nullptr) == 0);
    BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.2", 0) == 0);
}

BOOST_AUTO_TEST_CASE(rejects_localhost_on_wrong_host_cert)
{
    x509_ptr const cert = load_cert(test_certificates().wrong_host_cert);
    BOOST_TEST(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 0);
    BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 0);
    BOOST_TEST(X509_check_host(cert.get(), "wrong.example.org", 0, 0, nullptr) == 1);
    BOOST_TEST(verify_against_ca(cert.get()) == X509_V_OK); // only the name is wrong
}

BOOST_AUTO_TEST_CASE(fails_verification_on_self_signed_cert)
{
    x509_ptr const cert = load_cert(test_certificates().self_signed_cert);
    BOOST_TEST(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1); // only the issuer is wrong
    BOOST_TEST(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
    BOOST_TEST(verify_against_ca(cert.get()) == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

BOOST_AUTO_TEST_CASE(reports_expired_on_expired_cert)
{
    x509_ptr const cert = load_cert(test_certificates().expired_cert);
    BOOST_TEST(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
    BOOST_TEST(X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0);
    BOOST_TEST(verify_against_ca(cert.get()) == X509_V_ERR_CERT_HAS_EXPIRED);
}

BOOST_AUTO_TEST_CASE(allows_client_auth_on_client_cert)
{
    x509_ptr const cert = load_cert(test_certificates().client_cert);
    BOOST_TEST((X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT) != 0u);
    BOOST_TEST((X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER) == 0u);
    char cn[64] = {};
    BOOST_TEST(X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) >
               0);
    BOOST_TEST(std::string(cn) == "igtcloud-test-client");
    BOOST_TEST(verify_against_ca(cert.get(), X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
    BOOST_TEST(verify_against_ca(cert.get(), X509_PURPOSE_SSL_SERVER) == X509_V_ERR_INVALID_PURPOSE);
}

BOOST_AUTO_TEST_CASE(matches_its_key_on_every_pair)
{
    tls_files const& f = test_certificates();
    std::pair<fs::path, fs::path> const pairs[] = {{f.server_cert, f.server_key},
                                                   {f.wrong_host_cert, f.wrong_host_key},
                                                   {f.self_signed_cert, f.self_signed_key},
                                                   {f.client_cert, f.client_key},
                                                   {f.expired_cert, f.expired_key}};
    for (auto const& [cert_path, key_path] : pairs) {
        x509_ptr const cert = load_cert(cert_path);
        pkey_ptr const key = load_key(key_path);
        BOOST_TEST(X509_check_private_key(cert.get(), key.get()) == 1, cert_path << " vs " << key_path);
    }
    x509_ptr const server = load_cert(f.server_cert);
    pkey_ptr const other = load_key(f.client_key);
    BOOST_TEST(X509_check_private_key(server.get(), other.get()) == 0); // every key is its own
    ERR_clear_error();
}

BOOST_AUTO_TEST_CASE(uses_distinct_serials_on_every_cert)
{
    tls_files const& f = test_certificates();
    std::vector<x509_ptr> certs;
    for (auto const* p : {&f.ca_cert, &f.server_cert, &f.wrong_host_cert, &f.self_signed_cert, &f.client_cert,
                          &f.expired_cert})
        certs.push_back(load_cert(*p));
    for (std::size_t i = 0; i < certs.size(); ++i)
        for (std::size_t j = i + 1; j < certs.size(); ++j)
            BOOST_TEST(ASN1_INTEGER_cmp(X509_get0_serialNumber(certs[i].get()),
                                        X509_get0_serialNumber(certs[j].get())) != 0);
}

BOOST_AUTO_TEST_CASE(returns_same_files_on_second_call)
{
    tls_files const& first = test_certificates();
    auto const written = fs::last_write_time(first.server_cert);
    std::vector<tls_files const*> seen(8);
    {
        std::vector<std::jthread> threads;
        for (auto& slot : seen)
            threads.emplace_back([&slot] { slot = &test_certificates(); });
    }
    for (auto const* p : seen)
        BOOST_TEST(p == &first);
    tls_files const& second = test_certificates();
    BOOST_TEST(second.dir == first.dir);
    BOOST_TEST(second.server_cert == first.server_cert);
    BOOST_TEST((fs::last_write_time(second.server_cert) == written)); // not regenerated
}

BOOST_AUTO_TEST_CASE(handshakes_on_ca_signed_server_cert)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.server_cert, f.server_key);
    ssl::context client_ctx = client_context();
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(!out.client, out.client.message());
    BOOST_TEST(!out.server, out.server.message());
    BOOST_TEST(!out.client_read, out.client_read.message());
    BOOST_TEST(out.greeting == '!');
}

BOOST_AUTO_TEST_CASE(refuses_handshake_on_self_signed_server_cert)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.self_signed_cert, f.self_signed_key);
    ssl::context client_ctx = client_context();
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(ssl_reason(out.client) == SSL_R_CERTIFICATE_VERIFY_FAILED, out.client.message());
    BOOST_TEST(static_cast<bool>(out.server));
}

BOOST_AUTO_TEST_CASE(refuses_handshake_on_wrong_host_server_cert)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.wrong_host_cert, f.wrong_host_key);
    ssl::context client_ctx = client_context();
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(ssl_reason(out.client) == SSL_R_CERTIFICATE_VERIFY_FAILED, out.client.message());
    BOOST_TEST(static_cast<bool>(out.server));
}

BOOST_AUTO_TEST_CASE(refuses_handshake_on_expired_server_cert)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.expired_cert, f.expired_key);
    ssl::context client_ctx = client_context();
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(ssl_reason(out.client) == SSL_R_CERTIFICATE_VERIFY_FAILED, out.client.message());
    BOOST_TEST(static_cast<bool>(out.server));
}

BOOST_AUTO_TEST_CASE(handshakes_on_client_cert_required)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.server_cert, f.server_key);
    server_ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    server_ctx.load_verify_file(f.ca_cert.string());
    ssl::context client_ctx = client_context();
    client_ctx.use_certificate_chain_file(f.client_cert.string());
    client_ctx.use_private_key_file(f.client_key.string(), ssl::context::pem);
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(!out.client, out.client.message());
    BOOST_TEST(!out.server, out.server.message());
    BOOST_TEST(!out.client_read, out.client_read.message());
    BOOST_TEST(out.greeting == '!');
}

BOOST_AUTO_TEST_CASE(server_refuses_handshake_on_missing_client_cert)
{
    tls_files const& f = test_certificates();
    ssl::context server_ctx = server_context(f.server_cert, f.server_key);
    server_ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    server_ctx.load_verify_file(f.ca_cert.string());
    ssl::context client_ctx = client_context();
    handshake_outcome const out = run_handshake(server_ctx, client_ctx);
    BOOST_TEST(ssl_reason(out.server) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE, out.server.message());
    BOOST_TEST((out.client || out.client_read)); // TLS 1.3: the client learns on its first read
    BOOST_TEST(out.greeting != '!');
}

BOOST_AUTO_TEST_SUITE_END()
