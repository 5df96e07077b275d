// What entities::session puts on the wire, seen by a scripted peer: methods, targets, headers, bodies, token
// headers, percent-encoding, X-Fields and the base URL's path prefix.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;

namespace http = boost::beast::http;

BOOST_AUTO_TEST_SUITE(session_wire)

BOOST_AUTO_TEST_CASE(sends_method_target_and_common_headers_on_every_operation)
{
    scripted_client c{{.jwt = "jwt-value", .csrf_token = "csrf-value", .user_agent = "ops-test/1.0"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    struct expected {
        http::verb method;
        std::string target;
    };
    std::vector<expected> const want{
        {http::verb::get, "/data/users/me"},
        {http::verb::get, "/data/users/u-1"},
        {http::verb::get, "/data/users"},
        {http::verb::get, "/data/users/$storage?region=eu-west-1"},
        {http::verb::post, "/data/users"},
        {http::verb::put, "/data/users/u-1"},
        {http::verb::delete_, "/data/users/u-1"},
        {http::verb::post, "/data/users/$resend-activation"},
        {http::verb::post, "/data/users/$mfa-reset"},
        {http::verb::post, "/data/users/$profile"},
    };
    auto const host = "127.0.0.1:" + std::to_string(c.peer.port());
    for (std::size_t i = 0; i < want.size(); ++i) {
        BOOST_TEST_CONTEXT("request " << i << ": " << want[i].target)
        {
            auto const& r = got[i];
            BOOST_TEST((r.method() == want[i].method));
            BOOST_TEST(target_of(r) == want[i].target);
            BOOST_TEST(r.version() == 11u);
            BOOST_TEST(header(r, "Host") == host);
            BOOST_TEST(header(r, "Accept") == "application/json");
            BOOST_TEST(header(r, "User-Agent") == "ops-test/1.0");
            BOOST_TEST(header(r, "X-JWT") == "jwt-value");
            BOOST_TEST(header(r, "X-CSRF-TOKEN") == "csrf-value");
            BOOST_TEST(!has_header(r, "X-Fields"));
            BOOST_TEST(!has_header(r, "Transfer-Encoding"));
        }
    }
    BOOST_TEST(c.peer.connections() == 1u); // keep-alive across all ten
}

BOOST_AUTO_TEST_CASE(sends_no_body_on_get_delete_and_post_profile)
{
    scripted_client c{{.jwt = "jwt-value"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 9u}) {
        BOOST_TEST_CONTEXT("request " << i << ": " << target_of(got[i]))
        {
            BOOST_TEST(got[i].body().empty());
            BOOST_TEST(!has_header(got[i], "Content-Type"));
            BOOST_TEST((!has_header(got[i], "Content-Length") || header(got[i], "Content-Length") == "0"));
        }
    }
}

BOOST_AUTO_TEST_CASE(sends_camel_case_json_without_absent_members_on_bodies)
{
    scripted_client c{{.jwt = "jwt-value"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    auto const user_body =
        boost::json::value{{"familyName", "Lovelace"}, {"email", "ada@example.org"}, {"loginId", "ada"}};
    auto const who_body = boost::json::value{{"loginId", "ada"}};
    struct expected {
        std::size_t index;
        boost::json::value body;
    };
    for (auto const& [i, body] :
         {expected{4, user_body}, expected{5, user_body}, expected{7, who_body}, expected{8, who_body}}) {
        BOOST_TEST_CONTEXT("request " << i << ": " << target_of(got[i]))
        {
            BOOST_TEST(header(got[i], "Content-Type") == "application/json");
            BOOST_TEST(header(got[i], "Content-Length") == std::to_string(got[i].body().size()));
            boost::system::error_code ec;
            auto const sent = boost::json::parse(got[i].body(), ec);
            BOOST_TEST_REQUIRE(!ec);
            BOOST_TEST_REQUIRE(sent.is_object());
            BOOST_TEST(sent == body, "sent " << got[i].body());
            BOOST_TEST(got[i].body().find("null") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(sends_only_configured_tokens_on_jwt_or_csrf_alone)
{
    {
        scripted_client c{{.jwt = "only-jwt"}};
        BOOST_TEST(
            c.run<void>([&](auto t) { return c.users.async_post_user_profile(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(header(r, "X-JWT") == "only-jwt");
        BOOST_TEST(!has_header(r, "X-CSRF-TOKEN"));
        BOOST_TEST(header(r, "User-Agent").starts_with("igtcloud-cpp/"));
    }
    {
        scripted_client c{{.csrf_token = "only-csrf"}};
        BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(header(r, "X-CSRF-TOKEN") == "only-csrf");
        BOOST_TEST(!has_header(r, "X-JWT"));
    }
    {
        scripted_client c{};
        BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(!has_header(r, "X-JWT"));
        BOOST_TEST(!has_header(r, "X-CSRF-TOKEN"));
    }
}

BOOST_AUTO_TEST_CASE(encodes_user_uuid_as_one_segment_on_reserved_characters)
{
    scripted_client c{{.jwt = "jwt-value"}};
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    std::string const uuid = "a b/../c";
    BOOST_TEST(
        c.run<user_info>([&](auto t) { return c.users.async_get_user(uuid, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_put_user(uuid, ada, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_delete_user(uuid, std::move(t)); }).has_value());
    BOOST_TEST(c.run<user_info>([&](auto t) {
                    return c.users.async_get_user("\xC3\xA9?#%", std::move(t));
                }).has_value());
    auto const targets = c.peer.targets();
    BOOST_TEST_REQUIRE(targets.size() == 4u);
    BOOST_TEST(targets[0] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[1] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[2] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[3] == "/data/users/%C3%A9%3F%23%25");
}

BOOST_AUTO_TEST_CASE(reaches_user_route_on_user_uuid_with_slashes_against_mock)
{
    mock_client c;
    auto const r = c.run<user_info>(token_kind::callback,
                                    [&](auto t) { return c.users.async_get_user("a b/../c", std::move(t)); });
    check_client_error(error_of(r), entities::http_status::not_found, "User not found");
    BOOST_TEST(route_count(c.srv, "GET /users/{user_uuid}") == 1u); // one segment, not a traversal
}

BOOST_AUTO_TEST_CASE(encodes_region_query_on_reserved_characters)
{
    scripted_client c{{.jwt = "jwt-value"}};
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage("eu west/1?&=#+", std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == "/data/users/$storage?region=eu%20west%2F1%3F%26%3D%23%2B");
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage(std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == "/data/users/$storage");
}

BOOST_AUTO_TEST_CASE(sends_x_fields_only_when_given_on_masked_operations)
{
    scripted_client c{{.jwt = "jwt-value"}};
    entities::request_options const mask{.fields = "{loginId,profile{givenName}}"};
    run_ten(c, "u-1", mask);
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    // The spec lists X-Fields for the operations that answer JSON only; the others never send it.
    for (std::size_t i : {0u, 1u, 2u, 3u, 4u, 7u})
        BOOST_TEST(header(got[i], "X-Fields") == "{loginId,profile{givenName}}", "request " << i);
    for (std::size_t i : {5u, 6u, 8u, 9u})
        BOOST_TEST(!has_header(got[i], "X-Fields"), "request " << i);
    BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(!has_header(c.last(), "X-Fields"));
}

BOOST_DATA_TEST_CASE(honours_prefix_on_custom_base_url_path,
                     data::make(std::vector<std::string>{"/api/v2", "/api/v2/", ""}) ^
                         data::make(std::vector<std::string>{"/api/v2", "/api/v2", ""}),
                     prefix, expected)
{
    scripted_client c{{.jwt = "jwt-value"}, prefix};
    BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/me");
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_delete_user("u-1", std::move(t)); }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/u-1");
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage("us-east-1", std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/$storage?region=us-east-1");
}

BOOST_AUTO_TEST_SUITE_END()
