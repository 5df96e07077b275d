// Unit tests of the pure request building blocks: base URL parsing, header value checks, targets.
#include <igtcloud/entities/error.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entities/base_url.hpp"
#include "entities/header_check.hpp"
#include "entities/request_target.hpp"

namespace ent = igtcloud::entities;
namespace data = boost::unit_test::data;
using ent::detail::build_target;
using ent::detail::check_header_value;
using ent::detail::parse_base_url;
using ent::detail::path_param;
using ent::detail::query_param;
using ent::detail::repeated_query_param;

namespace {

// Printable text for sample names and failure output: bytes outside printable ASCII as \xNN.
std::string escaped(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string r;
    for (unsigned char b : s) {
        if (b >= 0x20 && b < 0x7F)
            r += static_cast<char>(b);
        else
            r.append({'\\', 'x', hex[b >> 4], hex[b & 0x0F]});
    }
    return r;
}

template <class T>
void require_invalid_argument(ent::api_result<T> const& r)
{
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST((r.error().code == ent::error::invalid_argument));
    BOOST_TEST(r.error().status == 0u);
    BOOST_TEST(!r.error().message.empty());
}

ent::detail::base_url parse_ok(std::string_view text)
{
    auto r = parse_base_url(text);
    BOOST_TEST_REQUIRE(r.has_value(),
                       "parse_base_url refused " << escaped(text) << ": " << r.error().message);
    return *r;
}

// A text that must be refused, and what its message must contain.
struct sample {
    std::string_view text{};
    std::string_view expect{};
};

std::ostream& operator<<(std::ostream& os, sample const& b)
{
    return os << escaped(b.text);
}

std::string target_of(std::string_view prefix, std::string_view tmpl, std::span<path_param const> path,
                      std::span<query_param const> query = {})
{
    std::string out;
    auto r = build_target(out, prefix, tmpl, path, query);
    BOOST_TEST_REQUIRE(r.has_value(), "build_target refused: " << r.error().message);
    return out;
}

std::string user_target(std::string_view user_uuid)
{
    path_param const p[] = {{"user_uuid", user_uuid}};
    return target_of("/data", "/users/{user_uuid}", p);
}

std::string encoded(std::string_view s)
{
    std::string out = "keep:";
    ent::detail::append_encoded(out, s);
    BOOST_TEST_REQUIRE(out.substr(0, 5) == "keep:"); // appends, never overwrites
    return out.substr(5);
}

} // namespace

BOOST_AUTO_TEST_SUITE(base_url)

BOOST_AUTO_TEST_CASE(uses_port_80_on_http_without_port)
{
    auto b = parse_ok("http://example.org/data");
    BOOST_TEST(!b.tls);
    BOOST_TEST(b.host == "example.org");
    BOOST_TEST(b.port == 80);
    BOOST_TEST(b.prefix == "/data");
    BOOST_TEST(b.host_header == "example.org");
}

BOOST_AUTO_TEST_CASE(uses_port_443_on_https_without_port)
{
    auto b = parse_ok("https://example.org/data");
    BOOST_TEST(b.tls);
    BOOST_TEST(b.port == 443);
    BOOST_TEST(b.host_header == "example.org");
}

BOOST_AUTO_TEST_CASE(adds_port_to_host_header_on_explicit_port)
{
    auto b = parse_ok("https://example.org:8443/data");
    BOOST_TEST(b.tls);
    BOOST_TEST(b.host == "example.org");
    BOOST_TEST(b.port == 8443);
    BOOST_TEST(b.host_header == "example.org:8443");
    auto v4 = parse_ok("http://127.0.0.1:9000");
    BOOST_TEST(v4.host == "127.0.0.1");
    BOOST_TEST(v4.port == 9000);
    BOOST_TEST(v4.host_header == "127.0.0.1:9000");
}

BOOST_AUTO_TEST_CASE(omits_port_from_host_header_on_explicit_default_port)
{
    auto http = parse_ok("http://example.org:80/data");
    BOOST_TEST(http.port == 80);
    BOOST_TEST(http.host_header == "example.org");
    auto https = parse_ok("https://example.org:443/data");
    BOOST_TEST(https.port == 443);
    BOOST_TEST(https.host_header == "example.org");
    auto swapped = parse_ok("http://example.org:443/data");
    BOOST_TEST(swapped.host_header == "example.org:443");
}

BOOST_AUTO_TEST_CASE(brackets_host_header_on_ipv6_literal)
{
    auto b = parse_ok("http://[::1]:8080/data");
    BOOST_TEST(b.host == "::1");
    BOOST_TEST(b.port == 8080);
    BOOST_TEST(b.host_header == "[::1]:8080");
    auto d = parse_ok("https://[FE80::1]");
    BOOST_TEST(d.host == "fe80::1");
    BOOST_TEST(d.host_header == "[fe80::1]");
}

BOOST_AUTO_TEST_CASE(lowercases_scheme_and_host_on_uppercase_input)
{
    auto b = parse_ok("HTTPS://Example.ORG/Data");
    BOOST_TEST(b.tls);
    BOOST_TEST(b.port == 443);
    BOOST_TEST(b.host == "example.org");
    BOOST_TEST(b.host_header == "example.org");
    BOOST_TEST(b.prefix == "/Data"); // the path is case-sensitive
}

BOOST_AUTO_TEST_CASE(strips_trailing_slash_on_prefix)
{
    BOOST_TEST(parse_ok("http://h/data").prefix == "/data");
    BOOST_TEST(parse_ok("http://h/data/").prefix == "/data");
    BOOST_TEST(parse_ok("http://h/data//").prefix == "/data");
}

BOOST_AUTO_TEST_CASE(gives_empty_prefix_on_no_path_or_root)
{
    BOOST_TEST(parse_ok("http://h").prefix == "");
    BOOST_TEST(parse_ok("http://h/").prefix == "");
}

BOOST_AUTO_TEST_CASE(keeps_prefix_on_other_prefix)
{
    BOOST_TEST(parse_ok("https://api.example.org/api/v2/data/").prefix == "/api/v2/data");
    BOOST_TEST(parse_ok("http://h/my%20data").prefix == "/my%20data"); // kept encoded
}

std::array const bad_urls = {
    sample{"", "empty"},
    sample{"ftp://h/x", "scheme"},
    sample{"file:///x", "scheme"},
    sample{"localhost:8080/data", "scheme"},
    sample{"h/data", "absolute URL"},
    sample{"http://", "host"},
    sample{"http:///data", "host"},
    sample{"http:h/data", "host"},
    sample{"http://[v1.x]/data", "host"},
    sample{"http://ex%41mple.org/data", "host"},
    sample{"http://u:p@h/data", "userinfo"},
    sample{"http://@h/data", "userinfo"},
    sample{"http://h/data?x=1", "query"},
    sample{"http://h/data?", "query"},
    sample{"http://h/data#f", "fragment"},
    sample{"http://h/data#", "fragment"},
    sample{"http://h:0/", "port"},
    sample{"http://h:70000/", "port"},
    sample{"http://h:99999999999999999999/", "port"},
    sample{"http://h:/", "port"},
    sample{"http://h:abc/", "port"},
    sample{"http://h/da ta", "offset 11"},
    sample{"http://h\r\n/", "offset 8"},
    sample{std::string_view("http://h/\0data", 14), "offset 9"},
    sample{"http://h/d\ta", "offset 10"},
    sample{"http://h/d\x7F", "offset 10"},
    sample{"http://h/d\xC3\xA9", "absolute URL"},
};

BOOST_DATA_TEST_CASE(refuses_on_bad_url, data::make(bad_urls), bad)
{
    auto r = parse_base_url(bad.text);
    require_invalid_argument(r);
    BOOST_TEST(r.error().message.find(bad.expect) != std::string::npos, "message: " << r.error().message);
    BOOST_TEST(r.error().message.find("base_url") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hides_password_on_userinfo)
{
    auto r = parse_base_url("https://alice:hunter2pw@example.org/data");
    require_invalid_argument(r);
    auto const& m = r.error().message;
    BOOST_TEST(m.find("userinfo") != std::string::npos);
    BOOST_TEST(m.find("hunter2pw") == std::string::npos);
    BOOST_TEST(m.find("alice") == std::string::npos);
    BOOST_TEST(m.find("p@") == std::string::npos);
    auto short_form = parse_base_url("http://u:p@h/data");
    require_invalid_argument(short_form);
    BOOST_TEST(short_form.error().message.find("p@") == std::string::npos);
    BOOST_TEST(short_form.error().message.find("u:p") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(header_value)

BOOST_AUTO_TEST_CASE(accepts_on_plain_token)
{
    BOOST_TEST(check_header_value("X-JWT", "eyJhbGciOiJIUzI1NiJ9.e30.sig-_~+/=").has_value());
    BOOST_TEST(check_header_value("X-Fields", "{loginId,profile{givenName}}").has_value());
    BOOST_TEST(check_header_value("X-JWT", "").has_value());
}

BOOST_AUTO_TEST_CASE(accepts_on_tab)
{
    BOOST_TEST(check_header_value("User-Agent", "igtcloud\tcpp/1.0").has_value());
}

BOOST_AUTO_TEST_CASE(accepts_on_non_ascii_bytes)
{
    BOOST_TEST(check_header_value("User-Agent", "caf\xC3\xA9 \x80\xFF").has_value());
}

std::array const bad_values = {
    sample{"s3cr3t\r\nX-Evil: 1", "offset 6"}, sample{"s3cr3t\rX-Evil: 1", "offset 6"},
    sample{"s3cr3t\nX-Evil: 1", "offset 6"},   sample{std::string_view("s3cr3t\0X-Evil: 1", 16), "offset 6"},
    sample{"s3cr3t\x7FX-Evil: 1", "offset 6"}, sample{"s3cr3t\x01X-Evil: 1", "offset 6"},
    sample{"s3cr3t\x1FX-Evil: 1", "offset 6"}, sample{"\x08s3cr3t", "offset 0"},
};

BOOST_DATA_TEST_CASE(refuses_on_control_character, data::make(bad_values), bad)
{
    auto r = check_header_value("X-JWT", bad.text);
    require_invalid_argument(r);
    auto const& m = r.error().message;
    BOOST_TEST(m == "header X-JWT: value contains a control character at " + std::string(bad.expect));
    BOOST_TEST(m.find("s3cr3t") == std::string::npos);
    BOOST_TEST(m.find("X-Evil") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(target)

BOOST_AUTO_TEST_CASE(keeps_value_on_uuid)
{
    BOOST_TEST(user_target("7f3c2a10-9b1e-4c5d-8e2f-0a1b2c3d4e5f") ==
               "/data/users/7f3c2a10-9b1e-4c5d-8e2f-0a1b2c3d4e5f");
}

BOOST_AUTO_TEST_CASE(encodes_one_segment_on_slash_and_dot_segments)
{
    BOOST_TEST(user_target("a b/../c") == "/data/users/a%20b%2F..%2Fc");
}

BOOST_AUTO_TEST_CASE(keeps_dots_on_value_that_is_not_a_dot_segment)
{
    BOOST_TEST(user_target("...") == "/data/users/...");
    BOOST_TEST(user_target(".a") == "/data/users/.a");
}

BOOST_AUTO_TEST_CASE(encodes_utf8_bytes_on_unicode)
{
    BOOST_TEST(user_target("\xC3\xA9") == "/data/users/%C3%A9");
    BOOST_TEST(encoded("\xE2\x82\xAC") == "%E2%82%AC");
}

BOOST_AUTO_TEST_CASE(encodes_uppercase_hex_on_reserved_chars)
{
    BOOST_TEST(encoded(":/?#[]@!$&'()*+,;=%") == "%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25");
    BOOST_TEST(encoded(std::string_view("\0 \"<>\\^`{|}\x7F\xFF", 13)) ==
               "%00%20%22%3C%3E%5C%5E%60%7B%7C%7D%7F%FF");
}

BOOST_AUTO_TEST_CASE(keeps_chars_on_unreserved)
{
    std::string_view const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    BOOST_TEST(encoded(unreserved) == unreserved);
    BOOST_TEST(encoded("") == "");
}

BOOST_AUTO_TEST_CASE(encodes_query_on_region_with_space_and_ampersand)
{
    query_param const q[] = {{"region", "eu west&x=1"}};
    BOOST_TEST(target_of("/data", "/users/$storage", {}, q) ==
               "/data/users/$storage?region=eu%20west%26x%3D1");
}

BOOST_AUTO_TEST_CASE(omits_query_on_nullopt)
{
    query_param const q[] = {{"region", std::nullopt}};
    auto t = target_of("/data", "/users/$storage", {}, q);
    BOOST_TEST(t == "/data/users/$storage");
    BOOST_TEST(t.find('?') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(joins_with_ampersand_on_two_query_params)
{
    query_param const q[] = {{"region", "eu"}, {"skip", std::nullopt}, {"page size", "10"}};
    BOOST_TEST(target_of("/data", "/users", {}, q) == "/data/users?region=eu&page%20size=10");
    query_param const leading_nullopt[] = {{"a", std::nullopt}, {"b", "2"}};
    BOOST_TEST(target_of("", "/users", {}, leading_nullopt) == "/users?b=2");
}

BOOST_AUTO_TEST_CASE(keeps_empty_value_on_empty_query_value)
{
    query_param const q[] = {{"region", ""}};
    BOOST_TEST(target_of("/data", "/users/$storage", {}, q) == "/data/users/$storage?region=");
}

BOOST_AUTO_TEST_CASE(starts_with_template_on_empty_prefix)
{
    path_param const p[] = {{"user_uuid", "42"}};
    BOOST_TEST(target_of("", "/users/{user_uuid}", p) == "/users/42");
    BOOST_TEST(target_of("/api/v2/data", "/users/{user_uuid}", p) == "/api/v2/data/users/42");
}

BOOST_AUTO_TEST_CASE(substitutes_each_param_on_several_placeholders)
{
    path_param const p[] = {{"b", "y/z"}, {"a", "x"}};
    BOOST_TEST(target_of("/p", "/{a}/mid/{b}/{a}", p) == "/p/x/mid/y%2Fz/x");
    BOOST_TEST(target_of("/p", "/users/me", p) == "/p/users/me"); // unused params are fine
}

BOOST_AUTO_TEST_CASE(replaces_old_content_on_reused_output)
{
    std::string out = "stale content";
    path_param const p[] = {{"user_uuid", "1"}};
    BOOST_TEST_REQUIRE(build_target(out, "/data", "/users/{user_uuid}", p, {}).has_value());
    BOOST_TEST(out == "/data/users/1");
}

std::array const bad_path_values = {
    sample{"", "'user_uuid' is empty"},
    sample{".", "'user_uuid' must not be"},
    sample{"..", "'user_uuid' must not be"},
};

BOOST_DATA_TEST_CASE(refuses_on_empty_or_dot_segment, data::make(bad_path_values), bad)
{
    std::string out = "stale";
    path_param const p[] = {{"user_uuid", bad.text}};
    auto r = build_target(out, "/data", "/users/{user_uuid}", p, {});
    require_invalid_argument(r);
    BOOST_TEST(r.error().message.find(bad.expect) != std::string::npos, "message: " << r.error().message);
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(refuses_on_missing_param)
{
    std::string out;
    path_param const p[] = {{"user_id", "42"}};
    auto r = build_target(out, "/data", "/users/{user_uuid}", p, {});
    require_invalid_argument(r);
    BOOST_TEST(r.error().message.find("'user_uuid'") != std::string::npos);
    BOOST_TEST(out.empty());
    auto none = build_target(out, "/data", "/users/{user_uuid}", {}, {});
    require_invalid_argument(none);
}

BOOST_AUTO_TEST_CASE(refuses_on_unterminated_brace)
{
    std::string out;
    path_param const p[] = {{"user_uuid", "42"}};
    auto r = build_target(out, "/data", "/users/{user_uuid", p, {});
    require_invalid_argument(r);
    BOOST_TEST(r.error().message.find("unterminated") != std::string::npos);
    BOOST_TEST(out.empty());
}

// --- a repeated query parameter (collectionFormat multi: DELETE /users/files?keys=K1&keys=K2)
// ----------------

std::string keys_target(std::vector<std::string> const& keys, std::span<query_param const> query = {})
{
    std::string out;
    repeated_query_param const r[] = {{"keys", keys}};
    auto built = build_target(out, "/data", "/users/files", {}, query, r);
    BOOST_TEST_REQUIRE(built.has_value(), "build_target refused: " << built.error().message);
    return out;
}

BOOST_AUTO_TEST_CASE(repeats_name_per_value_on_repeated_query_param)
{
    BOOST_TEST(keys_target({"a"}) == "/data/users/files?keys=a");
    BOOST_TEST(keys_target({"a", "b", "a"}) ==
               "/data/users/files?keys=a&keys=b&keys=a"); // order and repeats kept
}

BOOST_AUTO_TEST_CASE(encodes_each_value_as_query_component_on_repeated_query_param)
{
    BOOST_TEST(keys_target({"my file.txt", "a&keys=b", "dir/sub/x", "1+1=2", "caf\xC3\xA9", "%41?#"}) ==
               "/data/users/files?keys=my%20file.txt&keys=a%26keys%3Db&keys=dir%2Fsub%2Fx&keys=1%2B1%3D2"
               "&keys=caf%C3%A9&keys=%2541%3F%23");
}

BOOST_AUTO_TEST_CASE(follows_plain_params_on_repeated_and_plain_query_params)
{
    query_param const q[] = {{"region", "eu"}, {"none", std::nullopt}};
    BOOST_TEST(keys_target({"k1", "k2"}, q) == "/data/users/files?region=eu&keys=k1&keys=k2");
}

BOOST_AUTO_TEST_CASE(refuses_on_repeated_query_param_without_value)
{
    std::string out = "stale";
    std::vector<std::string> const none;
    repeated_query_param const r[] = {{"keys", none}};
    auto built = build_target(out, "/data", "/users/files", {}, {}, r);
    require_invalid_argument(built);
    BOOST_TEST(built.error().message == "query parameter 'keys' needs at least one value");
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(refuses_without_quoting_others_on_empty_repeated_value)
{
    std::string out = "stale";
    std::vector<std::string> const keys{"secret-looking-key", ""};
    repeated_query_param const r[] = {{"keys", keys}};
    auto built = build_target(out, "/data", "/users/files", {}, {}, r);
    require_invalid_argument(built);
    BOOST_TEST(built.error().message == "query parameter 'keys' has an empty value (at index 1)");
    BOOST_TEST(built.error().message.find("secret-looking-key") == std::string::npos);
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_SUITE_END()
