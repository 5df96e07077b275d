// Unit tests of the X-Fields mask: Flask-RESTX grammar, application to JSON, canonical text.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <string_view>

#include "entities/fields_mask.hpp"

namespace {

namespace json = boost::json;
namespace data = boost::unit_test::data;
using igtcloud::entities::error;
namespace detail = igtcloud::entities::detail;

// A user as GET /users/{uuid} answers it (UserInfoModel), members in the server's order.
constexpr std::string_view ada = R"({
    "loginId": "ada@example.org",
    "userUUID": "7f3c9a52-1d2e-4b8f-9c41-2a6b8e0d1f37",
    "profile": {
        "givenName": "Ada",
        "familyName": "Lovelace",
        "preferredLanguage": "en-GB",
        "disabled": false,
        "contact": {"emailAddress": "ada@example.org", "mobilePhone": "+44 20 7946 0000"},
        "organizationRoles": [
            {"organizationId": "org-1", "organizationName": "Analytical Engines",
             "roles": ["admin", "user"], "groups": ["g1"], "permissions": ["read"]},
            {"organizationId": "org-2", "organizationName": "Royal Society",
             "roles": ["viewer"], "groups": [], "permissions": []}
        ],
        "roles": ["user"]
    },
    "accountStatus": {"emailVerified": true, "disabled": false, "mfaStatus": "enrolled",
                      "numberOfInvalidAttempt": 0}
})";

constexpr std::string_view charles = R"({
    "loginId": "charles@example.org",
    "userUUID": "0b9d4f4e-8a51-4c1c-a7a3-6f1e2d3c4b5a",
    "profile": {"givenName": "Charles", "familyName": "Babbage", "contact": null, "organizationRoles": []}
})";

detail::fields_mask parse_ok(std::string_view text)
{
    auto r = detail::fields_mask::parse(text);
    BOOST_TEST_REQUIRE(r.has_value(), "mask \"" << text << "\" refused: " << r.error().message);
    return *r;
}

json::value masked(std::string_view mask, std::string_view input)
{
    return parse_ok(mask).apply(json::parse(input));
}

// Same JSON, and the same member order (Boost.JSON's == ignores the order of object members).
void check_json(json::value const& got, std::string_view expected)
{
    auto const want = json::parse(expected);
    BOOST_TEST(got == want);
    BOOST_TEST(json::serialize(got) == json::serialize(want));
}

} // namespace

BOOST_AUTO_TEST_SUITE(fields_mask)

BOOST_AUTO_TEST_CASE(keeps_named_fields_in_mask_order_on_flat_mask)
{
    check_json(masked("userUUID,loginId", ada),
               R"({"userUUID": "7f3c9a52-1d2e-4b8f-9c41-2a6b8e0d1f37", "loginId": "ada@example.org"})");
}

BOOST_AUTO_TEST_CASE(gives_same_mask_on_outer_braces)
{
    BOOST_TEST((parse_ok("{loginId,userUUID}") == parse_ok("loginId,userUUID")));
    BOOST_TEST((parse_ok("{loginId}") == parse_ok("loginId")));
    BOOST_TEST((parse_ok("{profile{givenName}}") == parse_ok("profile{givenName}")));
    BOOST_TEST(parse_ok("{profile{givenName}}").size() == 1u);
    check_json(masked("{loginId,userUUID}", ada), json::serialize(masked("loginId,userUUID", ada)));
}

BOOST_AUTO_TEST_CASE(ignores_blanks_on_spaces_and_tabs_around_tokens)
{
    auto const expected = parse_ok("loginId,profile{givenName,contact{emailAddress}}");
    BOOST_TEST((parse_ok("  loginId , profile { givenName ,contact{ emailAddress } }  ") == expected));
    BOOST_TEST((parse_ok(" {\tloginId,\tprofile{givenName, contact {emailAddress}} } ") == expected));
    BOOST_TEST(parse_ok(" * , a ").has_wildcard());
}

BOOST_AUTO_TEST_CASE(filters_recursively_on_nested_mask)
{
    check_json(masked("{loginId,profile{givenName,contact{emailAddress}}}", ada), R"({
        "loginId": "ada@example.org",
        "profile": {"givenName": "Ada", "contact": {"emailAddress": "ada@example.org"}}
    })");
}

BOOST_AUTO_TEST_CASE(applies_to_each_element_on_list_of_objects)
{
    auto const users = "[" + std::string(ada) + "," + std::string(charles) + "]";
    check_json(masked("loginId,profile{familyName}", users), R"([
        {"loginId": "ada@example.org", "profile": {"familyName": "Lovelace"}},
        {"loginId": "charles@example.org", "profile": {"familyName": "Babbage"}}
    ])");
    check_json(masked("loginId", "[]"), "[]");
}

BOOST_AUTO_TEST_CASE(maps_elements_on_nested_mask_over_array_member)
{
    check_json(masked("profile{organizationRoles{roles}}", ada), R"({
        "profile": {"organizationRoles": [{"roles": ["admin", "user"]}, {"roles": ["viewer"]}]}
    })");
    check_json(masked("profile{organizationRoles{roles}}", charles),
               R"({"profile": {"organizationRoles": []}})");
}

BOOST_AUTO_TEST_CASE(gives_null_on_absent_field)
{
    check_json(masked("nickname,loginId", ada), R"({"nickname": null, "loginId": "ada@example.org"})");
    check_json(masked("accountStatus{mfaStatus,lastLoginTime}", ada),
               R"({"accountStatus": {"mfaStatus": "enrolled", "lastLoginTime": null}})");
}

BOOST_AUTO_TEST_CASE(gives_null_on_nested_mask_over_absent_or_null_member)
{
    check_json(masked("loginId,settings{language}", ada),
               R"({"loginId": "ada@example.org", "settings": null})");
    check_json(masked("profile{contact{emailAddress}}", charles), R"({"profile": {"contact": null}})");
    check_json(masked("a{b}", R"({"a": [null, {"b": 1, "c": 2}]})"), R"({"a": [null, {"b": 1}]})");
}

BOOST_AUTO_TEST_CASE(keeps_other_members_after_named_ones_on_wildcard)
{
    check_json(masked("profile{givenName},*", ada), R"({
        "profile": {"givenName": "Ada"},
        "loginId": "ada@example.org",
        "userUUID": "7f3c9a52-1d2e-4b8f-9c41-2a6b8e0d1f37",
        "accountStatus": {"emailVerified": true, "disabled": false, "mfaStatus": "enrolled",
                          "numberOfInvalidAttempt": 0}
    })");
    check_json(masked("*,userUUID", R"({"a": 1, "userUUID": "u", "b": 2})"),
               R"({"userUUID": "u", "a": 1, "b": 2})");
    check_json(masked("*,missing", R"({"a": 1})"), R"({"missing": null, "a": 1})");
    check_json(masked("*", charles), json::serialize(json::parse(charles)));
}

BOOST_AUTO_TEST_CASE(keeps_other_members_of_that_level_on_wildcard_inside_nested_mask)
{
    check_json(masked("loginId,profile{contact{emailAddress},*}", ada), R"({
        "loginId": "ada@example.org",
        "profile": {
            "contact": {"emailAddress": "ada@example.org"},
            "givenName": "Ada",
            "familyName": "Lovelace",
            "preferredLanguage": "en-GB",
            "disabled": false,
            "organizationRoles": [
                {"organizationId": "org-1", "organizationName": "Analytical Engines",
                 "roles": ["admin", "user"], "groups": ["g1"], "permissions": ["read"]},
                {"organizationId": "org-2", "organizationName": "Royal Society",
                 "roles": ["viewer"], "groups": [], "permissions": []}
            ],
            "roles": ["user"]
        }
    })");
}

BOOST_AUTO_TEST_CASE(returns_input_unchanged_on_scalar)
{
    auto const mask = parse_ok("a,b{c}");
    for (auto const* text : {R"("text")", "42", "-7", "true", "false", "null"}) {
        BOOST_TEST_CONTEXT("input " << text)
        {
            check_json(mask.apply(json::parse(text)), text);
        }
    }
    check_json(mask.apply(json::parse(R"([1, "x", null, {"a": 1, "z": 2}])")),
               R"([1, "x", null, {"a": 1, "b": null}])");
    check_json(masked("loginId{x}", ada), R"({"loginId": "ada@example.org"})");
}

BOOST_AUTO_TEST_CASE(keeps_first_position_and_last_definition_on_duplicate_name)
{
    auto const input = R"({"a": {"c": 1, "d": 2}, "b": 3})";
    BOOST_TEST(parse_ok("a,b,a{c}").to_string() == "{a{c},b}");
    check_json(masked("a,b,a{c}", input), R"({"a": {"c": 1}, "b": 3})");
    BOOST_TEST(parse_ok("a{c},b,a").to_string() == "{a,b}");
    BOOST_TEST((parse_ok("a{c},b,a") == parse_ok("a,b")));
    BOOST_TEST((parse_ok("a{c,*},a{d}") == parse_ok("a{d}")));
    check_json(masked("a{c},b,a", input), R"({"a": {"c": 1, "d": 2}, "b": 3})");
    BOOST_TEST(parse_ok("a{c,*},a{d}").to_string() == "{a{d}}");
    BOOST_TEST(parse_ok("loginId,userUUID,loginId").size() == 2u);
    check_json(masked("loginId,userUUID,loginId", ada),
               R"({"loginId": "ada@example.org", "userUUID": "7f3c9a52-1d2e-4b8f-9c41-2a6b8e0d1f37"})");
}

BOOST_AUTO_TEST_CASE(gives_canonical_text_that_parses_back_on_to_string)
{
    struct sample {
        std::string_view text;
        std::string_view canonical;
    };
    for (auto const& s : {sample{"a", "{a}"}, sample{" a , b ", "{a,b}"}, sample{"{a,b{c,*}}", "{a,b{c,*}}"},
                          sample{"*,a", "{a,*}"}, sample{"*", "{*}"}, sample{"a{*}", "{a{*}}"},
                          sample{"loginId,profile{givenName,contact{emailAddress}}",
                                 "{loginId,profile{givenName,contact{emailAddress}}}"}}) {
        BOOST_TEST_CONTEXT("mask " << s.text)
        {
            auto const mask = parse_ok(s.text);
            BOOST_TEST(mask.to_string() == s.canonical);
            BOOST_TEST((parse_ok(mask.to_string()) == mask));
        }
    }
    BOOST_TEST(!(parse_ok("a,b") == parse_ok("b,a")));
}

BOOST_AUTO_TEST_CASE(reports_top_level_on_accessors)
{
    auto const mask = parse_ok("a,b{c,d,*},e");
    BOOST_TEST(mask.size() == 3u);
    BOOST_TEST(!mask.has_wildcard());
    BOOST_TEST(mask.root().children.at(1).children.size() == 2u);
    BOOST_TEST(mask.root().children.at(1).star);
    BOOST_TEST(parse_ok("*").size() == 0u);
    BOOST_TEST(parse_ok("*").has_wildcard());
}

namespace {

struct malformed {
    std::string_view text;
    std::string_view problem; // expected in the message, with its offset
};

std::ostream& operator<<(std::ostream& os, malformed const& m)
{
    return os << '"' << m.text << '"';
}

malformed const malformed_masks[] = {
    {"", "the mask is empty or blank at offset 0"},
    {"  ", "the mask is empty or blank at offset 0"},
    {"{", "missing '}' to close the '{' at offset 0"},
    {"}", "unexpected '}' with no matching '{' at offset 0"},
    {"a}", "unexpected '}' with no matching '{' at offset 1"},
    {"{a", "missing '}' to close the '{' at offset 0"},
    {"a{b", "missing '}' to close the '{' at offset 1"},
    {"a{b{c}", "missing '}' to close the '{' at offset 1"},
    {"a,,b", "empty field name at offset 2"},
    {",a", "empty field name at offset 0"},
    {"a,", "empty field name at offset 2"},
    {"a, ", "empty field name at offset 2"},
    {"{}", "empty field name at offset 1"},
    {"a{}", "empty field name at offset 2"},
    {"a{,b}", "empty field name at offset 2"},
    {"a,{b}", "'{' must directly follow a field name at offset 2"},
    {"{{b}}", "'{' must directly follow a field name at offset 1"},
    {"a{{b}}", "'{' must directly follow a field name at offset 2"},
    {"a{b}{c}", "'{' must directly follow a field name at offset 4"},
    {"a\nb", "control character 0x0A at offset 1"},
    {"a,b\x7F", "control character 0x7F at offset 3"},
    {"a{b}}", "unexpected '}' with no matching '{' at offset 4"},
    {"{a}}", "unexpected '}' with no matching '{' at offset 3"},
    {"{a},b", "unexpected text after the closing outer '}' at offset 3"},
    {"a b", "expected ',' between field names at offset 2"},
    {"a{b}c", "expected ',' after '}' at offset 4"},
    {"*{a}", "'*' cannot have a nested mask at offset 1"},
};

} // namespace

BOOST_DATA_TEST_CASE(refuses_mask_on_malformed_text, data::make(malformed_masks), m)
{
    auto const r = detail::fields_mask::parse(m.text);
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST(r.error().code == make_error_code(error::invalid_argument));
    BOOST_TEST(r.error().status == 0u);
    BOOST_TEST(r.error().message.starts_with("invalid X-Fields mask"));
    BOOST_TEST(r.error().message.find(m.problem) != std::string::npos, "message: " << r.error().message);
}

BOOST_AUTO_TEST_CASE(escapes_control_characters_on_error_message)
{
    auto const r = detail::fields_mask::parse("a,\x01\r\nb");
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST(r.error().message.find("\\x01\\x0D\\x0A") != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find('\n') == std::string::npos);
    BOOST_TEST(r.error().message.find("offset 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(quotes_at_most_64_bytes_on_long_malformed_mask)
{
    auto const text = std::string(100, 'a') + ",," + std::string(300, 'b');
    auto const r = detail::fields_mask::parse(text);
    BOOST_TEST_REQUIRE(r.has_error());
    auto const& message = r.error().message;
    BOOST_TEST(message.find(std::string(64, 'a') + "...") != std::string::npos, message);
    BOOST_TEST(message.find(std::string(65, 'a')) == std::string::npos);
    BOOST_TEST(message.find("empty field name at offset 101") != std::string::npos, message);
    BOOST_TEST(message.size() < 150u);

    // The cut never splits a UTF-8 sequence: "é" (2 bytes) straddles byte 64, so it is left out whole.
    auto const utf8 = std::string(63, 'a') + "\u00e9,,";
    auto const r2 = detail::fields_mask::parse(utf8);
    BOOST_TEST_REQUIRE(r2.has_error());
    BOOST_TEST(r2.error().message.find(std::string(63, 'a') + "...\"") != std::string::npos,
               r2.error().message);
}

BOOST_AUTO_TEST_CASE(refuses_mask_on_nesting_deeper_than_max_depth)
{
    auto nest = [](std::size_t levels) {
        std::string text;
        for (std::size_t i = 0; i < levels; ++i)
            text += "a{";
        text += 'b';
        return text + std::string(levels, '}');
    };
    auto const deepest = parse_ok(nest(detail::fields_mask::max_depth));
    BOOST_TEST((parse_ok(deepest.to_string()) == deepest));
    auto const r = detail::fields_mask::parse(nest(detail::fields_mask::max_depth + 1));
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST(r.error().code == make_error_code(error::invalid_argument));
    BOOST_TEST(r.error().message.find("nest at most 32 levels") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_SUITE_END()
