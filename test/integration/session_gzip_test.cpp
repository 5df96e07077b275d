// The session's Content-Encoding (DESIGN.md §8): Accept-Encoding sent unless accept_encoding is off; gzip and
// deflate (with and without the zlib header) answers decoded as they arrive, from the mock's --gzip and from
// scripted peers serving bytes compressed at test time; corrupt, cut-short, unknown and stacked codings
// refused with error::invalid_response; limits counted on decoded bytes (a bomb ends in response_too_large);
// a download's sink gets the decoded bytes.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support/session_clients.hpp"
#include "support/session_kit.hpp"
#include "support/zlib_compress.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
using igtcloud::test::compress;
using igtcloud::test::format;
using igtcloud::test::http_answer;
using igtcloud::test::reply;

namespace session_gzip_test {

inline std::string const user_json{igtcloud::test::kit::user_json};

/// An answer whose body is `encoded`, with Content-Encoding `coding` (none when empty).
inline std::string encoded_answer(unsigned status, std::string_view encoded, std::string_view coding,
                                  std::string_view content_type = "application/json")
{
    std::string extra;
    if (!coding.empty()) extra = "Content-Encoding: " + std::string(coding) + "\r\n";
    return http_answer(status, encoded, extra, content_type);
}

inline char const* coding_of(format f)
{
    return f == format::gzip ? "gzip" : "deflate";
}

/// The ids of a list, in order.
inline std::vector<std::string> logins_of(std::vector<user_info> const& users)
{
    std::vector<std::string> out;
    for (auto const& u : users)
        out.push_back(login_of(u));
    return out;
}

} // namespace session_gzip_test

using namespace session_gzip_test;

BOOST_AUTO_TEST_SUITE(session_gzip)

BOOST_AUTO_TEST_CASE(sends_accept_encoding_unless_turned_off)
{
    scripted_client on;
    BOOST_TEST(on.run<user_info>([&](auto t) { return on.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(header(on.last(), "Accept-Encoding") == "gzip, deflate");
    scripted_client off({.accept_encoding = false});
    BOOST_TEST(off.run<user_info>([&](auto t) { return off.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(!has_header(off.last(), "Accept-Encoding"));
}

BOOST_DATA_TEST_CASE(decodes_every_wrapping_a_server_sends,
                     data::make({format::gzip, format::zlib, format::raw}), f)
{
    auto const body = compress(user_json, f);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{encoded_answer(200, body, coding_of(f))};
    });
    auto const r = c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(r->login_id.has_value());
}

BOOST_AUTO_TEST_CASE(decodes_x_gzip_and_a_chunked_gzip_body)
{
    std::string list = "[";
    for (int i = 0; i < 500; ++i)
        list += std::string(i ? "," : "") + R"({"loginId":"user)" + std::to_string(i) + R"(@example.org"})";
    list += "]";
    auto const gz = compress(list, format::gzip);
    auto const wire = igtcloud::test::chunked_answer(gz, 333, "Content-Encoding: x-gzip\r\n");
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) { return reply{wire}; });
    auto const r =
        c.run<std::vector<user_info>>([&](auto t) { return c.users.async_get_users(std::move(t)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST_REQUIRE(r->size() == 500u);
    BOOST_TEST(login_of(r->at(499)) == "user499@example.org");
}

BOOST_AUTO_TEST_CASE(the_mocks_gzip_list_decodes_to_the_identity_list)
{
    mock::options o;
    o.seed_users = 1000;
    o.gzip = true;
    o.seed = 7;
    mock_client c(o);
    auto const gz = c.run<std::vector<user_info>>(
        token_kind::callback, [&](auto t) { return c.users.async_get_users(std::move(t)); });
    entities::session plain(c.ioc.get_executor(),
                            {.base_url = c.srv.base_url(), .jwt = "mock-token", .accept_encoding = false});
    auto const identity = c.run<std::vector<user_info>>(
        token_kind::callback, [&](auto t) { return plain.users().async_get_users(std::move(t)); });
    BOOST_TEST_REQUIRE(gz.has_value());
    BOOST_TEST_REQUIRE(identity.has_value());
    BOOST_TEST(gz->size() > 1000u); // the seeded users and the admin
    BOOST_TEST(logins_of(*gz) == logins_of(*identity), boost::test_tools::per_element());
    // Many answers on one connection: its inflater is reset, not remade, and every one decodes.
    for (int i = 0; i < 20; ++i) {
        auto const me = c.run<user_info>(token_kind::callback,
                                         [&](auto t) { return c.users.async_get_me(std::move(t)); });
        BOOST_TEST_REQUIRE(me.has_value());
        BOOST_TEST(login_of(*me) == admin_login);
    }
}

BOOST_AUTO_TEST_CASE(an_error_answer_in_gzip_keeps_its_message)
{
    auto const body = compress(R"({"message":"no such user, in gzip"})", format::gzip);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{encoded_answer(404, body, "gzip")};
    });
    auto const r = c.run<user_info>([&](auto t) { return c.users.async_get_user("u-1", std::move(t)); });
    check_client_error(error_of(r), entities::http_status::not_found, "no such user, in gzip");
}

BOOST_AUTO_TEST_CASE(refuses_corrupt_cut_short_unknown_and_stacked_codings)
{
    auto const gz = compress(user_json, format::gzip);
    auto bad_crc = gz;
    bad_crc[bad_crc.size() - 6] ^= 0x01; // the trailer's CRC-32
    struct refused {
        char const* what;
        std::string wire;
        char const* message_part;
    };
    std::vector<refused> const cases{
        {"bad CRC", encoded_answer(200, bad_crc, "gzip"), "gzip body"},
        {"cut short", encoded_answer(200, gz.substr(0, gz.size() - 10), "gzip"), "cut short"},
        {"garbage", encoded_answer(200, "this is not gzip at all", "gzip"), "gzip body is corrupt"},
        {"unknown", encoded_answer(200, user_json, "br"), "not supported: br"},
        {"stacked", encoded_answer(200, compress(gz, format::gzip), "gzip, gzip"), "not supported"},
        {"two fields", http_answer(200, gz, "Content-Encoding: gzip\r\nContent-Encoding: gzip\r\n"),
         "not supported"},
    };
    for (auto const& k : cases) {
        BOOST_TEST_CONTEXT(k.what)
        {
            scripted_client c({}, "/data",
                              [&](auto const&, std::size_t, std::size_t) { return reply{k.wire}; });
            auto const r = c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); });
            auto const e = error_of(r);
            BOOST_TEST((e.code == entities::error::invalid_response), e.to_string());
            BOOST_TEST(e.message.find(k.message_part) != std::string::npos, e.message);
            BOOST_TEST(c.peer.requests() == 1u); // not retried
        }
    }
}

/// 64 MiB of `fill` after `start`, in about 64 KB of gzip.
inline std::string gzip_bomb(std::string_view start, char fill)
{
    igtcloud::test::compressor z(format::gzip, 9);
    z.add(start);
    std::string const filler(1 << 20, fill);
    for (int i = 0; i < 64; ++i)
        z.add(filler);
    return z.end();
}

BOOST_AUTO_TEST_CASE(a_gzip_bomb_ends_in_response_too_large)
{
    // 64 MiB of zeros in about 64 KB of gzip, against a 1 MiB limit on decoded bytes: a buffered answer.
    auto const bomb = gzip_bomb("", '\0');
    BOOST_TEST_REQUIRE(bomb.size() < (1u << 20) / 8);
    scripted_client c({.max_response_bytes = 1 << 20}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{encoded_answer(200, bomb, "gzip")};
    });
    auto const r = c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::response_too_large), e.to_string());
    BOOST_TEST(e.message.find("max_response_bytes") != std::string::npos, e.message);
    // The list decodes as it arrives: zeros are not JSON, refused at the first byte (not as a corrupt gzip).
    auto const list =
        c.run<std::vector<user_info>>([&](auto t) { return c.users.async_get_users(std::move(t)); });
    auto const le = error_of(list);
    BOOST_TEST((le.code == entities::error::invalid_response), le.to_string());
    BOOST_TEST(le.message.starts_with("malformed JSON: "), le.message);
}

BOOST_AUTO_TEST_CASE(a_gzip_bomb_of_valid_json_ends_a_list_in_response_too_large)
{
    // "[" and 64 MiB of spaces: JSON the streaming decode keeps reading, stopped by the limit on decoded
    // bytes.
    auto const bomb = gzip_bomb("[", ' ');
    scripted_client c({.max_response_bytes = 1 << 20}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{encoded_answer(200, bomb, "gzip")};
    });
    auto const r =
        c.run<std::vector<user_info>>([&](auto t) { return c.users.async_get_users(std::move(t)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::response_too_large), e.to_string());
    BOOST_TEST(e.message.find("max_response_bytes") != std::string::npos, e.message);
}

BOOST_AUTO_TEST_CASE(a_download_sink_gets_the_decoded_bytes)
{
    std::string zip(300'000, '\0');
    for (std::size_t i = 0; i < zip.size(); ++i)
        zip[i] = static_cast<char>(i % 7 == 0 ? i : 0);
    auto const gz = compress(zip, format::gzip);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{encoded_answer(200, gz, "gzip", "application/zip")};
    });
    std::string got;
    std::optional<std::uint64_t> total{1};
    auto sink = entities::download_sink::callable([&](entities::byte_chunk b) {
                    got.append(reinterpret_cast<char const*>(b.data()), b.size());
                    return boost::system::error_code{};
                }).on_progress([&](std::uint64_t, std::optional<std::uint64_t> t) { total = t; });
    auto const r = c.run<std::uint64_t>(
        [&](auto t) { return c.users.async_download_user_files(std::move(sink), std::move(t)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == zip.size());
    BOOST_TEST((got == zip));
    BOOST_TEST(!total.has_value()); // the Content-Length is the encoded size: no total is announced
}

BOOST_AUTO_TEST_SUITE_END()
