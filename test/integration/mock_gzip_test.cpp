// The mock's --gzip over real sockets (DESIGN.md §8): JSON answers of 1 KiB and more gzip-compressed for
// clients whose Accept-Encoding accepts gzip, identity otherwise; never the zip download; the faults cut the
// compressed bytes; and the binary's --gzip flag.
#include <igtcloud/mock/server.hpp>

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entities/transport/inflater.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"

namespace {

namespace mock = igtcloud::mock;
namespace ent = igtcloud::entities;
using igtcloud::test::raw_client;
using igtcloud::test::request;
using igtcloud::test::response;

/// GET `target` with the default token and, unless null, one Accept-Encoding field.
request get(std::string target, char const* accept_encoding = nullptr)
{
    request r{.target = std::move(target), .headers = {{"X-JWT", "mock-token"}}};
    if (accept_encoding != nullptr) r.headers.push_back({"Accept-Encoding", accept_encoding});
    return r;
}

/// The body decoded by the client's inflater (CRC-32 and length checked); `ec` its error, if any.
std::string gunzip(std::string_view body, boost::system::error_code& ec)
{
    std::string out;
    ent::detail::inflater inf(ent::detail::content_coding::gzip, std::uint64_t{1} << 30);
    ec = inf.feed(body, [&out](std::string_view piece) {
        out.append(piece);
        return boost::system::error_code{};
    });
    if (!ec) ec = inf.finish();
    return out;
}

std::string gunzip(std::string_view body)
{
    boost::system::error_code ec;
    auto out = gunzip(body, ec);
    BOOST_TEST(!ec, ec.message());
    return out;
}

bool is_gzip(response const& r)
{
    return r.header("Content-Encoding").value_or("") == "gzip";
}

bool varies(response const& r)
{
    return r.header("Vary").value_or("") == "Accept-Encoding";
}

/// The Content-Length declared by `r`.
std::size_t content_length(response const& r)
{
    return std::stoul(r.header("Content-Length").value_or("0"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_gzip)

BOOST_AUTO_TEST_CASE(gzips_the_user_list_for_a_client_that_accepts_it)
{
    mock::server srv{mock::options{.seed_users = 1000, .gzip = true, .seed = 16}};
    raw_client c{srv.port()};
    auto const identity = c.send(get("/data/users"));
    BOOST_TEST_REQUIRE(identity.status == 200u);
    BOOST_TEST(!identity.header("Content-Encoding").has_value());
    BOOST_TEST(varies(identity)); // the answer depends on Accept-Encoding even when not compressed
    BOOST_TEST(identity.body.size() > 1'000'000u);

    for (auto const* accept : {"gzip", "gzip, deflate", "br;q=1.0, gzip;q=0.8, *;q=0.1"}) {
        auto const gz = c.send(get("/data/users", accept));
        BOOST_TEST_REQUIRE(gz.status == 200u);
        BOOST_TEST(is_gzip(gz), accept);
        BOOST_TEST(varies(gz));
        BOOST_TEST(gz.header("Content-Type").value_or("") == "application/json");
        BOOST_TEST(content_length(gz) == gz.body.size()); // the compressed length
        BOOST_TEST((gunzip(gz.body) == identity.body), accept);
        double const ratio = double(identity.body.size()) / double(gz.body.size());
        BOOST_TEST_MESSAGE("1,000 users: " << identity.body.size() << " bytes, gzip " << gz.body.size()
                                           << " bytes, ratio " << ratio);
        BOOST_TEST(ratio > 8.0); // measured: 13.2 (1,105,108 -> 83,850 bytes at zlib level 1)
    }
}

BOOST_AUTO_TEST_CASE(gzips_one_user_of_more_than_1_kib_but_not_a_smaller_answer)
{
    mock::server srv{mock::options{.gzip = true}};
    raw_client c{srv.port()};
    auto const me = c.send(get("/data/users/me"));
    BOOST_TEST_REQUIRE(me.body.size() >= 1024u); // a realistic user is about 1.2 KB
    auto const gz = c.send(get("/data/users/me", "gzip"));
    BOOST_TEST(is_gzip(gz));
    BOOST_TEST(gz.body.size() < me.body.size());
    BOOST_TEST(gunzip(gz.body) == me.body);

    auto small = get("/data/users/me", "gzip");
    small.headers.push_back({"X-Fields", "loginId,userUUID"});
    auto const masked = c.send(small);
    BOOST_TEST_REQUIRE(masked.status == 200u);
    BOOST_TEST(masked.body.size() < 1024u);
    BOOST_TEST(!masked.header("Content-Encoding").has_value());
    BOOST_TEST(!masked.header("Vary").has_value()); // never compressed, whatever the request says
    BOOST_TEST(masked.body.find("admin@example.org") != std::string::npos);

    auto const unauthorized =
        c.send(request{.target = "/data/users", .headers = {{"Accept-Encoding", "gzip"}}});
    BOOST_TEST(unauthorized.status == 401u);
    BOOST_TEST(!unauthorized.header("Content-Encoding").has_value());
}

BOOST_AUTO_TEST_CASE(answers_identity_unless_gzip_is_accepted)
{
    mock::server srv{mock::options{.seed_users = 20, .gzip = true}};
    raw_client c{srv.port()};
    auto const plain = c.send(get("/data/users"));
    BOOST_TEST_REQUIRE(plain.body.size() > 1024u);
    for (auto const* accept : {"", "identity", "deflate", "br", "gzip;q=0", "GZIP; Q=0", "*;q=0",
                               "gzip;q=0, *", "x-gzip;q=0, deflate", "gzip;q=high"}) {
        auto const r = c.send(get("/data/users", accept));
        BOOST_TEST(!r.header("Content-Encoding").has_value(), accept);
        BOOST_TEST(varies(r), accept);
        BOOST_TEST(r.body == plain.body, accept);
    }
    for (auto const* accept : {"*", "x-gzip", "GZip", "deflate;q=1, gzip;q=0.001"}) {
        auto const r = c.send(get("/data/users", accept));
        BOOST_TEST(is_gzip(r), accept);
        BOOST_TEST(gunzip(r.body) == plain.body, accept);
    }
    // Two Accept-Encoding fields are one list.
    auto two = get("/data/users", "identity");
    two.headers.push_back({"Accept-Encoding", "gzip"});
    BOOST_TEST(is_gzip(c.send(two)));
    auto refused = get("/data/users", "*");
    refused.headers.push_back({"accept-encoding", "gzip;q=0"});
    BOOST_TEST(!c.send(refused).header("Content-Encoding").has_value());
}

BOOST_AUTO_TEST_CASE(compresses_nothing_without_the_option)
{
    mock::server srv{mock::options{.seed_users = 20}};
    raw_client c{srv.port()};
    auto const r = c.send(get("/data/users", "gzip"));
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(r.body.size() > 1024u);
    BOOST_TEST(!r.header("Content-Encoding").has_value());
    BOOST_TEST(!r.header("Vary").has_value());
}

BOOST_AUTO_TEST_CASE(keeps_compressing_on_a_keep_alive_connection)
{
    mock::server srv{mock::options{.seed_users = 200, .gzip = true}};
    raw_client c{srv.port()};
    auto const plain = c.send(get("/data/users"));
    for (int i = 0; i < 5; ++i) {
        auto const gz = c.send(get("/data/users", "gzip"));
        BOOST_TEST_REQUIRE(is_gzip(gz));
        BOOST_TEST((gunzip(gz.body) == plain.body));
        BOOST_TEST(c.send(get("/data/users")).body.size() == plain.body.size());
    }
    BOOST_TEST(srv.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(never_compresses_the_zip_download)
{
    mock::server srv{mock::options{
        .gzip = true, .api = mock::api_version::v2023, .files_per_user = 2, .file_bytes = 8192}};
    raw_client c{srv.port()};
    auto const zip = c.send(get("/data/users/download-files", "gzip"));
    BOOST_TEST_REQUIRE(zip.status == 200u);
    BOOST_TEST(zip.header("Content-Type").value_or("") == "application/zip");
    BOOST_TEST(!zip.header("Content-Encoding").has_value());
    BOOST_TEST(!zip.header("Vary").has_value());
    BOOST_TEST(zip.body.size() > 2 * 8192u);
    BOOST_TEST(zip.body.substr(0, 4) == "PK\x03\x04");
    // The list of those files is JSON, but under 1 KiB: identity.
    auto const files = c.send(get("/data/users/files", "gzip"));
    BOOST_TEST(files.status == 200u);
    BOOST_TEST(!files.header("Content-Encoding").has_value());
}

BOOST_AUTO_TEST_CASE(truncates_the_compressed_bytes)
{
    mock::server srv{mock::options{.seed_users = 100, .truncate_rate = 1.0, .gzip = true}};
    std::size_t identity_length = 0;
    {
        raw_client c{srv.port()};
        c.send_raw("GET /data/users HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\n\r\n");
        response r;
        BOOST_TEST(c.read_response(r).failed());
        identity_length = content_length(r);
    }
    raw_client c{srv.port()};
    c.send_raw("GET /data/users HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\nAccept-Encoding: gzip\r\n\r\n");
    response r;
    BOOST_TEST(c.read_response(r).failed()); // end of stream inside the body
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(is_gzip(r));
    auto const declared = content_length(r);
    BOOST_TEST(declared * 5 < identity_length); // the compressed length
    BOOST_TEST(r.body.size() == declared / 2);  // half of the compressed bytes
    boost::system::error_code ec;
    gunzip(r.body, ec);
    BOOST_TEST((ec == ent::error::invalid_response)); // a truncated gzip stream
}

BOOST_AUTO_TEST_CASE(the_binary_gzips_with_its_flag)
{
    igtcloud::test::process p(IGTCLOUD_MOCK_SERVER_BINARY, {"--port", "0", "--seed-users", "100", "--gzip"});
    raw_client c{igtcloud::test::port_of(p.line())};
    auto const plain = c.send(get("/data/users"));
    BOOST_TEST_REQUIRE(plain.status == 200u);
    auto const gz = c.send(get("/data/users", "gzip"));
    BOOST_TEST(is_gzip(gz));
    BOOST_TEST(varies(gz));
    BOOST_TEST(gz.body.size() * 5 < plain.body.size());
    BOOST_TEST((gunzip(gz.body) == plain.body));
    BOOST_TEST(p.stop(SIGTERM) == 0);

    igtcloud::test::process off(IGTCLOUD_MOCK_SERVER_BINARY, {"--port", "0", "--seed-users", "100"});
    raw_client d{igtcloud::test::port_of(off.line())};
    BOOST_TEST(!d.send(get("/data/users", "gzip")).header("Content-Encoding").has_value());
    BOOST_TEST(off.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
