// A session facing a hostile peer (test/support/scripted_server): oversized or countless headers, a garbage
// status line, bad chunk sizes, a body or a header that never ends, silence (before or after reading the
// request, and in the TLS handshake), a redirect (not followed), Content-Length lies, a valid JSON of the
// wrong shape deep down, and 64 MiB + 1 byte. Every case checks the typed error, that the peer saw its
// connection end, and that the pool can then open max_connections fresh connections that all succeed. (Leaks:
// the asan build.)
#include <igtcloud/entities.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"
#include "support/tls_certs.hpp"

namespace {

namespace asio = boost::asio;
namespace data = boost::unit_test::data;
namespace entities = igtcloud::entities;
namespace http = boost::beast::http;
using entities::condition;
using entities::user_info;
using igtcloud::test::http_answer;
using igtcloud::test::peer_options;
using igtcloud::test::reply;
using igtcloud::test::scripted_server;
using namespace igtcloud::test::kit;

constexpr std::size_t pool_size = 4;
constexpr std::size_t limit_64_mib = std::size_t{64} << 20;

/// A peer that answers every request with `bad` until told to behave; then with a small user after 200 ms
/// (so that pool_size concurrent operations need pool_size connections).
struct hostile_peer {
    explicit hostile_peer(reply bad_reply, peer_options po = {})
        : bad(std::move(bad_reply))
        , server(
              [this](auto const&, std::size_t, std::size_t) {
                  if (good.load()) return reply{http_answer(200, user_json), false, 200ms};
                  return bad;
              },
              std::move(po))
    {}

    reply const bad;
    std::atomic<bool> good{false};
    scripted_server server;
};

/// A session with pool_size connections and one attempt per operation on `peer`.
struct hostile_client {
    explicit hostile_client(hostile_peer& p, std::chrono::milliseconds timeout = 10s, unsigned attempts = 1,
                            std::chrono::milliseconds connect_timeout = 10s)
        : peer(p)
        , session(ioc.get_executor(), make_options(p, timeout, attempts, connect_timeout))
    {}

    static entities::session_options make_options(hostile_peer& p, std::chrono::milliseconds timeout,
                                                  unsigned attempts,
                                                  std::chrono::milliseconds connect_timeout)
    {
        auto o = options_for(p.server.base_url(), pool_size);
        o.request_timeout = timeout;
        o.connect_timeout = connect_timeout;
        o.retry.max_attempts = attempts;
        o.tls.ca_file = igtcloud::test::test_certificates().ca_cert.string();
        return o;
    }

    /// GET /users/me against the hostile answer; its outcome and how long it took.
    outcome<user_info> get_me()
    {
        outcome<user_info> o;
        started = clock_type::now();
        session.users().async_get_me(into(o));
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }), "the operation never completed");
        settle(ioc, 50ms);
        BOOST_TEST(o.calls == 1);
        return o;
    }

    clock_type::duration took(outcome<user_info> const& o) const { return o.at - started; }

    /// The peer saw every connection end (when `expect_closed`); the pool holds nothing in use or queued;
    /// then, with the peer behaving, pool_size concurrent operations succeed on pool_size new connections.
    void check_aftermath(bool expect_closed = true)
    {
        if (expect_closed) {
            BOOST_TEST(eventually([&] { return peer.server.open_connections() == 0u; }),
                       "the peer still has " << peer.server.open_connections() << " open connection(s)");
            BOOST_TEST(session.stats().open == 0u);
        }
        auto const st = session.stats();
        BOOST_TEST(st.in_use == 0u);
        BOOST_TEST(st.queued == 0u);
        BOOST_TEST(st.connecting == 0u);

        peer.good.store(true);
        auto const accepted_before = peer.server.connections();
        auto const reusable = expect_closed ? 0u : st.idle;
        std::vector<outcome<user_info>> next(pool_size);
        for (auto& o : next)
            session.users().async_get_me(into(o));
        BOOST_TEST_REQUIRE(run_until(ioc, [&] {
            for (auto const& o : next)
                if (!o.done()) return false;
            return true;
        }));
        for (auto const& o : next)
            BOOST_TEST(o.ok(), (o.ok() ? std::string{} : o.error().to_string()));
        BOOST_TEST(peer.server.connections() - accepted_before == pool_size - reusable);
        BOOST_TEST(session.stats().open == pool_size);
    }

    hostile_peer& peer;
    asio::io_context ioc;
    entities::session session;
    clock_type::time_point started{};
};

/// The error of a failed operation, checked to be a protocol error without an HTTP status.
void check_protocol_error(outcome<user_info> const& o)
{
    BOOST_TEST_REQUIRE(!o.ok(), "the hostile answer was accepted");
    auto const e = o.error();
    BOOST_TEST((e.code == condition::protocol_error), e.to_string());
    BOOST_TEST(e.status == 0u);
    BOOST_TEST(!e.message.empty());
}

/// A timeout that fired on time: not before the deadline, and not long after (a generous bound).
void check_timeout(hostile_client const& c, outcome<user_info> const& o, std::chrono::milliseconds deadline)
{
    BOOST_TEST_REQUIRE(!o.ok(), "the hostile peer's operation succeeded");
    auto const e = o.error();
    BOOST_TEST((e.code == entities::error::timeout), e.to_string());
    BOOST_TEST((e.code == condition::transport_error));
    BOOST_TEST(e.status == 0u);
    auto const took = std::chrono::duration_cast<std::chrono::milliseconds>(c.took(o));
    BOOST_TEST(took.count() >= (deadline - 50ms).count());
    BOOST_TEST(took.count() < (deadline + 1500ms).count());
}

std::string many_headers(std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count; ++i)
        out += "X-Hostile-" + std::to_string(i) + ": v\r\n";
    return out;
}

struct bad_chunk {
    std::string_view name;
    std::string_view size_line;
};
std::ostream& operator<<(std::ostream& os, bad_chunk const& c)
{
    return os << c.name;
}
bad_chunk const bad_chunks[] = {
    {"not_hex", "zz\r\n"},       {"overflowing", "FFFFFFFFFFFFFFFFFFFFFFFF\r\n"},
    {"negative", "-1\r\n"},      {"empty", "\r\n"},
    {"space_inside", "1 0\r\n"},
};

} // namespace

BOOST_AUTO_TEST_SUITE(session_hostile)

BOOST_AUTO_TEST_CASE(fails_with_header_limit_on_header_section_over_limit)
{
    hostile_peer peer{reply{"HTTP/1.1 200 OK\r\nX-Huge: " + std::string(std::size_t{1} << 20, 'h') +
                            "\r\nContent-Length: 2\r\n\r\n{}"}};
    hostile_client c{peer};
    auto const o = c.get_me();
    check_protocol_error(o);
    BOOST_TEST((o.code() == http::error::header_limit), o.error().to_string());
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_header_limit_on_thousands_of_headers)
{
    hostile_peer peer{reply{"HTTP/1.1 200 OK\r\n" + many_headers(5000) + "Content-Length: 2\r\n\r\n{}"}};
    hostile_client c{peer};
    auto const o = c.get_me();
    check_protocol_error(o);
    BOOST_TEST((o.code() == http::error::header_limit), o.error().to_string());
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_protocol_error_on_garbage_status_line)
{
    for (std::string_view garbage :
         {"GARBAGE \x01\x02\x7f not http\r\n\r\n", "HTTP/1.1 abc Nope\r\nContent-Length: 0\r\n\r\n",
          "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", "\r\n\r\n\r\n\r\n"}) {
        BOOST_TEST_CONTEXT("status line " << garbage.substr(0, 12))
        {
            hostile_peer peer{reply{std::string(garbage)}};
            hostile_client c{peer};
            auto const o = c.get_me();
            check_protocol_error(o);
            BOOST_TEST(std::string_view(o.code().category().name()) == "beast.http", o.error().to_string());
            c.check_aftermath();
        }
    }
}

BOOST_DATA_TEST_CASE(fails_with_protocol_error_on_bad_chunk_size, data::make(bad_chunks), chunk)
{
    hostile_peer peer{
        reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
              std::string(chunk.size_line) + "{}\r\n0\r\n\r\n"}};
    hostile_client c{peer};
    auto const o = c.get_me();
    check_protocol_error(o);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_time_on_body_dripped_one_byte_a_second)
{
    hostile_peer peer{reply{.bytes = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                     "1000000\r\n\r\n{\"loginId\":\"",
                            .drip = 1s}};
    hostile_client c{peer, 2s, 3}; // retries allowed: the deadline bounds the whole operation
    auto const o = c.get_me();
    check_timeout(c, o, 2s);
    BOOST_TEST(peer.server.connections() == 1u);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_time_on_header_dripped_one_byte_a_second)
{
    hostile_peer peer{reply{.bytes = "HTTP/1.1 200 OK\r\nX-Slow: ", .drip = 1s}};
    hostile_client c{peer, 2s, 3};
    auto const o = c.get_me();
    check_timeout(c, o, 2s);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_time_on_server_reading_but_never_answering)
{
    hostile_peer peer{reply{.stall = true}};
    hostile_client c{peer, 1s, 3};
    auto const o = c.get_me();
    check_timeout(c, o, 1s);
    BOOST_TEST(peer.server.requests() == 1u);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_time_on_server_accepting_but_never_reading)
{
    hostile_peer peer{reply{}, peer_options{.silent = true}};
    hostile_client c{peer, 1s, 3};
    auto const o = c.get_me();
    check_timeout(c, o, 1s);
    BOOST_TEST(peer.server.requests() == 0u);
    peer.server.set_silent(false);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_time_on_tls_server_stalling_handshake)
{
    auto const& certs = igtcloud::test::test_certificates();
    hostile_peer peer{reply{}, peer_options{.tls_cert_file = certs.server_cert.string(),
                                            .tls_key_file = certs.server_key.string(),
                                            .silent = true}};
    BOOST_TEST_REQUIRE(peer.server.base_url().starts_with("https://"));
    hostile_client c{peer, 1s, 3};
    auto const o = c.get_me();
    check_timeout(c, o, 1s);
    BOOST_TEST(peer.server.handshakes() == 0u);
    peer.server.set_silent(false);
    c.check_aftermath();
    BOOST_TEST(peer.server.handshakes() == pool_size);
}

BOOST_AUTO_TEST_CASE(fails_with_transport_error_on_tls_handshake_stalled_past_connect_timeout)
{
    auto const& certs = igtcloud::test::test_certificates();
    hostile_peer peer{reply{}, peer_options{.tls_cert_file = certs.server_cert.string(),
                                            .tls_key_file = certs.server_key.string(),
                                            .silent = true}};
    hostile_client c{peer, 10s, 1, 500ms};
    auto const o = c.get_me();
    BOOST_TEST_REQUIRE(!o.ok());
    auto const e = o.error();
    BOOST_TEST((e.code == condition::transport_error), e.to_string());
    BOOST_TEST(e.status == 0u);
    BOOST_TEST((c.took(o) < 2s)); // the connect timeout, not the 10 s request timeout
    peer.server.set_silent(false);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_unexpected_status_without_following_on_redirect)
{
    struct redirect {
        unsigned status;
        char const* location;
    };
    for (auto const& [status, location] :
         {redirect{301, "/data/users/elsewhere"}, redirect{302, "http://127.0.0.1:9/data/users/me"},
          redirect{307, "/data/users/elsewhere"}}) {
        BOOST_TEST_CONTEXT("status " << status << ", Location: " << location)
        {
            hostile_peer peer{reply{http_answer(status, {}, "Location: " + std::string(location) + "\r\n")}};
            hostile_client c{peer};
            auto const o = c.get_me();
            BOOST_TEST_REQUIRE(!o.ok());
            BOOST_TEST((o.code() == entities::error::unexpected_status), o.error().to_string());
            BOOST_TEST((o.code() == condition::protocol_error));
            BOOST_TEST(o.error().status == status);
            BOOST_TEST(peer.server.requests() == 1u); // not followed
            // A complete answer: the connection may stay pooled, but the pool must still serve a full load.
            c.check_aftermath(false);
        }
    }
}

BOOST_AUTO_TEST_CASE(fails_with_protocol_error_on_conflicting_content_lengths)
{
    hostile_peer peer{reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            "Content-Length: 40\r\n\r\n{}"}};
    hostile_client c{peer};
    check_protocol_error(c.get_me());
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_protocol_error_on_non_numeric_content_length)
{
    for (std::string_view length : {"abc", "-5", "2 2", "99999999999999999999999999"}) {
        BOOST_TEST_CONTEXT("Content-Length: " << length)
        {
            hostile_peer peer{reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                    std::string(length) + "\r\n\r\n{}"}};
            hostile_client c{peer};
            check_protocol_error(c.get_me());
            c.check_aftermath();
        }
    }
}

BOOST_AUTO_TEST_CASE(fails_without_value_on_content_length_over_body_then_close)
{
    hostile_peer peer{
        reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}", true}};
    hostile_client c{peer};
    auto const o = c.get_me();
    BOOST_TEST_REQUIRE(!o.ok());
    auto const e = o.error();
    BOOST_TEST((e.code == condition::transport_error || e.code == condition::protocol_error), e.to_string());
    BOOST_TEST(e.status == 0u);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_timeout_on_content_length_over_body_kept_open)
{
    hostile_peer peer{
        reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}"}};
    hostile_client c{peer, 1s};
    check_timeout(c, c.get_me(), 1s);
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(discards_connection_on_body_longer_than_content_length)
{
    // The answer itself is complete and valid; the bytes after it must not be taken for the next answer.
    hostile_peer peer{reply{http_answer(200, user_json) + R"({"loginId":"smuggled"})"}};
    hostile_client c{peer};
    auto const o = c.get_me();
    BOOST_TEST_REQUIRE(o.ok(), o.error().to_string());
    BOOST_TEST(*o.result->value().login_id == "ada@example.org");
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(names_json_path_on_wrong_type_at_depth)
{
    struct wrong_type {
        char const* body;
        char const* path;
    };
    for (
        auto const& [body, path] :
        {wrong_type{
             R"({"loginId":"ada","profile":{"organizationRoles":[{"roles":["x"]},{"roles":"admin"}]}})",
             "profile.organizationRoles[1].roles"},
         wrong_type{
             R"({"loginId":"ada","profile":{"organizationRoles":[{"roles":["x"]},{"roles":["y",{"z":1}]}]}})",
             "profile.organizationRoles[1].roles[1]"}}) {
        BOOST_TEST_CONTEXT("path " << path)
        {
            hostile_peer peer{reply{http_answer(200, body)}};
            hostile_client c{peer};
            auto const o = c.get_me();
            BOOST_TEST_REQUIRE(!o.ok());
            auto const e = o.error();
            BOOST_TEST((e.code == entities::error::invalid_response), e.to_string());
            BOOST_TEST((e.code == condition::protocol_error));
            BOOST_TEST(e.status == 200u);
            BOOST_TEST(e.message.find(path) != std::string::npos, e.message);
            // A complete answer: its connection is kept, and the next operation reuses it.
            BOOST_TEST(c.session.stats().idle == 1u);
            BOOST_TEST(peer.server.connections() == 1u);
            c.check_aftermath(false);
            BOOST_TEST(c.session.stats().reused >= 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(fails_with_response_too_large_on_content_length_of_64_mib_plus_1)
{
    std::size_t const size = limit_64_mib + 1;
    hostile_peer peer{reply{.bytes = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(size) + "\r\n\r\n",
                            .filler = size}};
    hostile_client c{peer};
    auto const o = c.get_me();
    BOOST_TEST_REQUIRE(!o.ok());
    BOOST_TEST((o.code() == entities::error::response_too_large), o.error().to_string());
    BOOST_TEST((o.code() == condition::protocol_error));
    c.check_aftermath();
}

BOOST_AUTO_TEST_CASE(fails_with_response_too_large_on_chunked_body_of_64_mib_plus_1)
{
    // 64 chunks of 1 MiB then a chunk of 1 byte: no length announced, the client must count.
    std::string bytes =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string const mib(std::size_t{1} << 20, 'x');
    bytes.reserve(limit_64_mib + 4096);
    for (int i = 0; i < 64; ++i)
        bytes += "100000\r\n" + mib + "\r\n";
    bytes += "1\r\nx\r\n0\r\n\r\n";
    hostile_peer peer{reply{std::move(bytes)}};
    hostile_client c{peer};
    auto const o = c.get_me();
    BOOST_TEST_REQUIRE(!o.ok());
    BOOST_TEST((o.code() == entities::error::response_too_large), o.error().to_string());
    c.check_aftermath();
}

BOOST_AUTO_TEST_SUITE_END()
