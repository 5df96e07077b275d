// Security properties not covered elsewhere: the client's TLS version floor (a server limited to TLS 1.0 or
// 1.1 is refused, TLS 1.2 is accepted), secrets kept out of every event, error and exception when a hostile
// server echoes them or sends a broken $storage answer, and the mock refusing slow and oversized requests.
// (Certificate checks: session_ops_test's session_tls suite; --insecure: cli_test.)
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"
#include "support/tls_certs.hpp"
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::user_info;
using igtcloud::test::http_answer;
using igtcloud::test::peer_options;
using igtcloud::test::reply;
using igtcloud::test::scripted_server;
using namespace igtcloud::test::kit;

/// An https peer answering every request with a small user, accepting TLS versions up to `max_version`.
scripted_server tls_peer(int max_version)
{
    auto const& certs = igtcloud::test::test_certificates();
    return scripted_server{
        [](auto const&, std::size_t, std::size_t) { return reply{http_answer(200, user_json)}; },
        peer_options{.tls_cert_file = certs.server_cert.string(),
                     .tls_key_file = certs.server_key.string(),
                     .tls_max_version = max_version}};
}

/// GET /users/me on `peer` with a session trusting the test CA (or verifying nothing).
outcome<user_info> get_me_over_tls(scripted_server const& peer, bool verify = true)
{
    asio::io_context ioc;
    auto opts = options_for(peer.base_url(), 1);
    opts.request_timeout = 5s;
    opts.retry.max_attempts = 1;
    opts.tls = {.verify_peer = verify, .ca_file = igtcloud::test::test_certificates().ca_cert.string()};
    entities::session s{ioc.get_executor(), opts};
    outcome<user_info> o;
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    return o;
}

/// The TLS version a permissive OpenSSL client (any version, security level 0) negotiates with `port`, or
/// the handshake's error.
std::pair<int, boost::system::error_code> permissive_handshake(std::uint16_t port)
{
    asio::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    SSL_CTX_set_min_proto_version(ctx.native_handle(), 0);
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "ALL:@SECLEVEL=0");
    ctx.set_verify_mode(ssl::verify_none);
    ssl::stream<asio::ip::tcp::socket> stream{ioc, ctx};
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    boost::system::error_code result = asio::error::timed_out;
    stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) { result = ec; });
    ioc.run_for(5s);
    int const version = result ? 0 : SSL_version(stream.native_handle());
    boost::system::error_code ignored;
    stream.next_layer().close(ignored);
    return {version, result};
}

/// A plain connection to the mock on 127.0.0.1:port, written to and watched by hand.
struct plain_client {
    asio::io_context ioc;
    asio::ip::tcp::socket socket{ioc};
    explicit plain_client(std::uint16_t port) { socket.connect({asio::ip::make_address("127.0.0.1"), port}); }

    /// Writes `bytes`; false once the server is gone.
    bool write(std::string_view bytes)
    {
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(bytes), ec);
        return !ec;
    }

    /// Everything the server sends until it closes the connection (at most `limit`).
    std::string read_until_closed(std::chrono::milliseconds limit = 5s)
    {
        std::string out;
        std::array<char, 4096> chunk{};
        bool closed = false;
        std::function<void()> read_more = [&] {
            socket.async_read_some(asio::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
                out.append(chunk.data(), n);
                if (ec)
                    closed = true;
                else
                    read_more();
            });
        };
        read_more();
        ioc.restart();
        ioc.run_for(limit);
        if (!closed) out += "[not closed]";
        return out;
    }
};

/// Everything a session says about failed operations: event texts, error messages, exception texts.
struct said {
    std::mutex mutex;
    std::vector<std::string> texts;
    int completed{};

    void add(std::string text)
    {
        std::lock_guard lock(mutex);
        texts.push_back(std::move(text));
    }
};

template <class T>
auto collect(said& s)
{
    return [&s](entities::api_result<T> r) {
        if (!r) {
            s.add(r.error().message);
            s.add(r.error().to_string());
            try {
                (void)r.value();
            } catch (std::exception const& e) {
                s.add(e.what());
            }
        }
        ++s.completed;
    };
}

constexpr int operation_count = 10;

void start_every_operation(entities::users_api users, said& s)
{
    entities::user_create const u{.email = "ada@example.org", .login_id = "ada"};
    entities::user_activation_create const a{.login_id = "ada"};
    users.async_get_me(collect<user_info>(s));
    users.async_get_user("u-1", collect<user_info>(s));
    users.async_get_users(collect<std::vector<user_info>>(s));
    users.async_get_user_storage("us-east-1", collect<entities::storage>(s));
    users.async_post_users(u, collect<entities::created<user_info>>(s));
    users.async_put_user("u-1", u, collect<void>(s));
    users.async_delete_user("u-1", collect<void>(s));
    users.async_post_resend_activation(a, collect<entities::user_activation>(s));
    users.async_post_reset_mfa(a, collect<void>(s));
    users.async_post_user_profile(collect<void>(s));
}

/// Runs every operation against `answer` with a jwt and a csrf token; returns all that was said.
std::vector<std::string> texts_of_every_operation(std::string const& jwt, std::string const& csrf,
                                                  igtcloud::test::responder answer)
{
    scripted_server peer{std::move(answer)};
    asio::io_context ioc;
    said s;
    auto opts = options_for(peer.base_url(), 4);
    opts.jwt = jwt;
    opts.csrf_token = csrf;
    opts.retry.max_attempts = 1;
    opts.on_event = [&s](entities::event const& e) {
        s.add(std::string(e.operation) + ' ' + std::string(e.method) + ' ' + std::string(e.target) + ' ' +
              std::to_string(e.status) + ' ' + e.error.message());
    };
    entities::session session{ioc.get_executor(), opts};
    start_every_operation(session.users(), s);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return s.completed == operation_count; }));
    BOOST_TEST(peer.requests() == std::size_t{operation_count});
    std::lock_guard lock(s.mutex);
    return s.texts;
}

void check_no_secret(std::vector<std::string> const& texts, std::vector<std::string> const& secrets)
{
    BOOST_TEST(!texts.empty());
    std::size_t leaks = 0;
    std::string first;
    for (auto const& text : texts) {
        bool const leaked = std::any_of(secrets.begin(), secrets.end(),
                                        [&](auto const& x) { return text.find(x) != text.npos; });
        if (leaked && leaks++ == 0) first = text.substr(0, 160);
    }
    BOOST_TEST(leaks == 0u, leaks << " of " << texts.size() << " texts hold a secret, e.g.: " << first);
}

} // namespace

BOOST_AUTO_TEST_SUITE(security)

BOOST_AUTO_TEST_CASE(refuses_handshake_on_server_limited_to_tls_1_0_or_1_1)
{
    for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
        BOOST_TEST_CONTEXT("server limited to " << std::hex << version)
        {
            auto peer = tls_peer(version);
            // The peer does speak that version to a client that accepts it...
            auto const [negotiated, ec] = permissive_handshake(peer.port());
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(negotiated == version);
            // ...but the session refuses it, with verification on or off.
            for (bool verify : {true, false}) {
                auto const o = get_me_over_tls(peer, verify);
                BOOST_TEST_REQUIRE(!o.ok(), "a TLS " << std::hex << version << " server was accepted");
                BOOST_TEST((o.code() == entities::condition::transport_error), o.error().to_string());
                BOOST_TEST(std::string_view(o.code().category().name()).starts_with("asio.ssl"),
                           o.error().to_string());
                BOOST_TEST(o.error().status == 0u);
                // The peer found no version in common: the session offered nothing below TLS 1.2 (a client
                // that had offered 1.1 would have failed later, or not at all, for another reason).
                BOOST_TEST(ERR_GET_REASON(static_cast<unsigned long>(o.code().value())) ==
                               SSL_R_TLSV1_ALERT_PROTOCOL_VERSION,
                           o.error().to_string());
            }
            BOOST_TEST(peer.requests() == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(succeeds_on_server_limited_to_tls_1_2)
{
    auto peer = tls_peer(TLS1_2_VERSION);
    auto const o = get_me_over_tls(peer);
    BOOST_TEST(o.ok(), (o.ok() ? std::string{} : o.error().to_string()));
    BOOST_TEST(peer.handshakes() == 1u);
}

BOOST_AUTO_TEST_CASE(keeps_tokens_out_of_errors_on_server_echoing_them)
{
    std::string const jwt = "jwt-SECRET-0a1b2c";
    std::string const csrf = "csrf-SECRET-3d4e5f";
    auto echo = [](auto const& req, std::size_t, std::size_t index) {
        std::string const seen =
            "X-JWT: " + std::string(req["X-JWT"]) + " X-CSRF-TOKEN: " + std::string(req["X-CSRF-TOKEN"]);
        if (index % 2 == 0) return reply{http_answer(401, R"({"message":"rejected )" + seen + R"("})")};
        return reply{http_answer(500, "debug dump\n" + seen, {}, "text/plain")};
    };
    check_no_secret(texts_of_every_operation(jwt, csrf, echo), {jwt, csrf});
}

BOOST_AUTO_TEST_CASE(keeps_storage_secrets_out_of_errors_on_broken_storage_answers)
{
    std::string const secret = "SECRET-ACCESS-9f8e7d";
    std::string const session_token = "SESSION-TOKEN-6c5b4a";
    std::string const credentials = R"("credentials":{"accessKey":"AKIA","secret":")" + secret +
                                    R"(","sessionToken":")" + session_token + '"';
    std::vector<std::string> const bodies = {
        "{" + credentials + R"(,"expiration":12345}})",         // wrong type after the secrets
        "{" + credentials + R"(},"config":{"bucket":["no"]}})", // wrong type elsewhere
        "{" + credentials + ",",                                // cut short
        "{" + credentials + R"(}} trailing)",                   // junk after the document
        "[" + credentials.substr(credentials.find('{')) + "}]", // not an object
    };
    for (auto const& body : bodies) {
        BOOST_TEST_CONTEXT("body " << body.substr(body.size() - 20))
        {
            auto answer = [body](auto const&, std::size_t, std::size_t) {
                return reply{http_answer(200, body)};
            };
            check_no_secret(texts_of_every_operation("jwt-x", "csrf-x", answer), {secret, session_token});
        }
    }
}

BOOST_AUTO_TEST_CASE(mock_drops_client_dripping_request_past_read_timeout)
{
    mock::server srv{mock::options{.read_timeout = 500ms}};
    plain_client c{srv.port()};
    BOOST_TEST_REQUIRE(c.write("GET /data/users/me HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\nX-Pad: "));
    BOOST_TEST_REQUIRE(eventually([&] { return srv.stats().connections_open == 1u; }));
    auto const start = clock_type::now();
    bool dropped = false;
    // One byte every 100 ms: each read makes progress, but the request as a whole never ends.
    while (!dropped && clock_type::now() - start < 5s) {
        std::this_thread::sleep_for(100ms);
        (void)c.write("a"); // fails once the server is gone; its close is counted below
        dropped = srv.stats().connections_open == 0u;
    }
    BOOST_TEST(dropped, "a client dripping its request was never dropped");
    BOOST_TEST((clock_type::now() - start < 3s));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(mock_answers_413_on_chunked_body_over_limit)
{
    mock::server srv{mock::options{.max_body_bytes = 1024}};
    plain_client c{srv.port()};
    std::string chunked = "POST /data/users HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i)
        chunked += "200\r\n" + std::string(512, ' ') + "\r\n";
    chunked += "0\r\n\r\n";
    (void)c.write(chunked);
    auto const answer = c.read_until_closed();
    BOOST_TEST(answer.starts_with("HTTP/1.1 413"), answer.substr(0, 80));
    BOOST_TEST(answer.find("[not closed]") == std::string::npos);
    BOOST_TEST(srv.user_count() == 1u); // the admin only
}

BOOST_AUTO_TEST_SUITE_END()
