// Unit tests of the login exchange's pure parts: request bodies, Set-Cookie parsing, login answers, $aud.
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "entities/auth/jwt.hpp"
#include "entities/auth/login_answer.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
namespace json = boost::json;
using namespace std::chrono_literals;
using igtcloud::entities::error;
using clock_type = std::chrono::system_clock;

clock_type::time_point const now{std::chrono::seconds{1'900'000'000}};
std::int64_t const now_s = 1'900'000'000;

// A JWT as the mock issues it: HS256, sub, iat = now, exp = now + lifetime, optionally a refresh_token.
std::string make_jwt(std::int64_t lifetime = 3600, bool refreshable = true)
{
    json::object claims{{"sub", "ada@example.org"}, {"iat", now_s}, {"exp", now_s + lifetime}};
    if (refreshable) claims["refresh_token"] = "opaque";
    return auth::sign_hs256(claims, "mock-secret");
}

struct cookies {
    std::string header_payload, signature;
};
cookies split_cookies(std::string const& jwt)
{
    auto const last = jwt.rfind('.');
    return {jwt.substr(0, last), jwt.substr(last + 1)};
}

std::string const body = R"({"CSRFToken":"csrf-123","sub":"ada@example.org","S3Credentials":[]})";

auth::login_answer parsed(std::vector<std::string> const& fields, std::string_view b = body,
                          bool need_csrf = true)
{
    auto r = auth::parse_login_answer(fields, b, need_csrf, now);
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
    return std::move(*r);
}

std::string refusal(std::vector<std::string> const& fields, std::string_view b = body, bool need_csrf = true)
{
    auto r = auth::parse_login_answer(fields, b, need_csrf, now);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == error::invalid_response));
    return r.error().message;
}

bool has(std::string const& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth_login_answer)

BOOST_AUTO_TEST_CASE(escapes_json_on_password_body)
{
    std::string const password = std::string("q\"b\\s\r\nz") + '\0' + "end\t\x01";
    auto const text = auth::password_login_body("ada@example.org", password);
    BOOST_TEST_REQUIRE(text.has_value());
    BOOST_TEST(
        *text ==
        R"({"grantType":"password","username":"ada@example.org","password":"q\"b\\s\r\nz\u0000end\t\u0001"})");
    auto const back = json::parse(*text).as_object();
    BOOST_TEST(back.at("password").as_string() == password); // exactly the bytes given, NUL included
    BOOST_TEST(back.at("username").as_string() == "ada@example.org");
}

BOOST_AUTO_TEST_CASE(refuses_bad_credentials_on_password_body)
{
    for (auto [u, p] :
         {std::pair{"", "pw"}, std::pair{"ada", ""}, std::pair{"ad\xff", "pw"},
          std::pair{"ada", "p\xc0\xafw"}, std::pair{"ada", "\xed\xa0\x80"}, std::pair{"ada", "\xe2\x82"}}) {
        auto const r = auth::password_login_body(u, p);
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST((r.error().code == error::invalid_argument));
    }
    BOOST_TEST(auth::password_login_body("ada", "p\xc3\xa4ss \xf0\x9f\x94\x91").has_value()); // UTF-8 is fine
}

BOOST_AUTO_TEST_CASE(has_section6_members_on_service_body)
{
    auto const text = auth::service_login_body("h.p.s\"");
    BOOST_TEST(text == R"({"grantType":"jwt-key","assertion":"h.p.s\"","hospitalOrgId":""})");
}

BOOST_AUTO_TEST_CASE(reads_jwt_and_csrf_on_separate_fields)
{
    auto const jwt = make_jwt();
    auto const c = split_cookies(jwt);
    auto const a =
        parsed({"jwt_header_payload=" + c.header_payload + "; Max-Age=3600; Path=/; Secure; HttpOnly",
                "jwt_signature=" + c.signature + "; Path=/; Secure; HttpOnly; SameSite=Strict"});
    BOOST_TEST(a.jwt == jwt);
    BOOST_TEST(*a.csrf_token == "csrf-123");
    BOOST_TEST(*a.sub == "ada@example.org");
    BOOST_TEST(a.claims.has_refresh_token);
    BOOST_TEST((a.expires_at == now + 3600s));
}

BOOST_AUTO_TEST_CASE(reads_both_cookies_on_one_combined_field)
{
    auto const jwt = make_jwt();
    auto const c = split_cookies(jwt);
    auto const a = parsed({"jwt_header_payload=" + c.header_payload +
                           "; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=1800; Path=/, jwt_signature=" +
                           c.signature + "; Expires=Thursday, 01-Jan-99 00:00:00 GMT; Path=/"});
    BOOST_TEST(a.jwt == jwt);
    BOOST_TEST((a.expires_at == now + 1800s));
}

BOOST_AUTO_TEST_CASE(splits_cookies_on_commas_outside_dates)
{
    std::vector<std::string> const fields{"a=1; Max-Age=3600; Path=/, b=2; Path=/",
                                          "c=\"3\"; Expires=Wed, 21 Oct 2015 07:28:00 GMT; max-age=7, d=4",
                                          "junk, =5, e=6; MAX-AGE=1; Max-Age=2"};
    auto const all = auth::parse_set_cookies(fields);
    BOOST_TEST_REQUIRE(all.size() == 5u);
    BOOST_TEST(all[0].name == "a");
    BOOST_TEST(*all[0].max_age == "3600");
    BOOST_TEST(all[1].name == "b");
    BOOST_TEST(!all[1].max_age);
    BOOST_TEST(all[2].value == "3"); // quotes removed
    BOOST_TEST(*all[2].max_age == "7");
    BOOST_TEST(all[3].name == "d");
    BOOST_TEST(all[4].name == "e");
    BOOST_TEST(*all[4].max_age == "2"); // the last one wins
}

BOOST_AUTO_TEST_CASE(takes_earlier_exp_on_max_age_beyond_token)
{
    auto const c = split_cookies(make_jwt(600));
    auto const a =
        parsed({"jwt_header_payload=" + c.header_payload + "; Max-Age=3600", "jwt_signature=" + c.signature});
    BOOST_TEST((a.expires_at == now + 600s));
}

BOOST_AUTO_TEST_CASE(falls_back_to_exp_on_missing_max_age)
{
    auto const c = split_cookies(make_jwt(900));
    auto const a =
        parsed({"jwt_header_payload=" + c.header_payload + "; Path=/", "jwt_signature=" + c.signature});
    BOOST_TEST((a.expires_at == now + 900s));
}

BOOST_AUTO_TEST_CASE(refuses_on_missing_max_age_and_exp)
{
    auto const c = split_cookies(auth::sign_hs256(json::object{{"sub", "ada"}}, "k"));
    auto const m = refusal({"jwt_header_payload=" + c.header_payload, "jwt_signature=" + c.signature});
    BOOST_TEST(has(m, "neither a Max-Age"));
}

BOOST_AUTO_TEST_CASE(refuses_on_bad_max_age)
{
    auto const c = split_cookies(make_jwt());
    std::pair<std::string, std::string> const cases[] = {
        {"-1", "negative"},
        {"-3600", "negative"},
        {"0", "Max-Age=0"},
        {"000", "Max-Age=0"},
        {"abc", "not a number"},
        {"36 00", "not a number"},
        {"3600.5", "not a number"},
        {"+3600", "not a number"},
        {"0x10", "not a number"},
        {"", "empty"},
        {"31708801", "over one year"},
        {"99999999999999999999999", "over one year"},
    };
    for (auto const& [max_age, says] : cases) {
        auto const m = refusal({"jwt_header_payload=" + c.header_payload + "; Max-Age=" + max_age,
                                "jwt_signature=" + c.signature});
        BOOST_TEST(has(m, says), max_age << ": " << m);
    }
    // The largest accepted value, with leading zeros.
    auto const a = parsed(
        {"jwt_header_payload=" + c.header_payload + "; Max-Age=0031622400", "jwt_signature=" + c.signature});
    BOOST_TEST((a.expires_at == now + 3600s)); // capped by exp
}

BOOST_AUTO_TEST_CASE(refuses_on_expired_token)
{
    auto const c = split_cookies(make_jwt(-5));
    BOOST_TEST(has(
        refusal({"jwt_header_payload=" + c.header_payload + "; Max-Age=60", "jwt_signature=" + c.signature}),
        "already expired"));
}

BOOST_AUTO_TEST_CASE(names_cookie_on_missing_either_cookie)
{
    auto const c = split_cookies(make_jwt());
    BOOST_TEST(has(refusal({"jwt_signature=" + c.signature}), "no jwt_header_payload cookie"));
    BOOST_TEST(
        has(refusal({"jwt_header_payload=" + c.header_payload + "; Max-Age=60"}), "no jwt_signature cookie"));
    BOOST_TEST(has(refusal({}), "no jwt_header_payload cookie"));
    BOOST_TEST(has(refusal({"session=x; Path=/"}), "no jwt_header_payload cookie"));
}

BOOST_AUTO_TEST_CASE(refuses_on_malformed_cookie_values)
{
    auto const c = split_cookies(make_jwt());
    std::string const sig = "jwt_signature=" + c.signature;
    BOOST_TEST(has(refusal({"jwt_header_payload=onlyonepart; Max-Age=60", sig}), "two base64url parts"));
    BOOST_TEST(has(refusal({"jwt_header_payload=a.b.c; Max-Age=60", sig}), "two base64url parts"));
    BOOST_TEST(has(refusal({"jwt_header_payload=.b; Max-Age=60", sig}), "two base64url parts"));
    BOOST_TEST(
        has(refusal({"jwt_header_payload=" + c.header_payload, "jwt_signature="}), "jwt_signature cookie"));
    BOOST_TEST(has(refusal({"jwt_header_payload=" + c.header_payload, "jwt_signature=a.b"}),
                   "jwt_signature cookie"));
    // A payload that is not base64url JSON.
    auto const header = c.header_payload.substr(0, c.header_payload.find('.'));
    BOOST_TEST(has(refusal({"jwt_header_payload=" + header + ".bm90IGpzb24; Max-Age=60", sig}), "payload"));
}

BOOST_AUTO_TEST_CASE(refuses_on_body_without_csrf)
{
    auto const c = split_cookies(make_jwt());
    std::vector<std::string> const fields{"jwt_header_payload=" + c.header_payload + "; Max-Age=60",
                                          "jwt_signature=" + c.signature};
    BOOST_TEST(has(refusal(fields, R"({"sub":"ada"})"), "no CSRFToken"));
    BOOST_TEST(has(refusal(fields, R"({"CSRFToken":""})"), "no CSRFToken"));
    BOOST_TEST(has(refusal(fields, R"({"CSRFToken":42})"), "CSRFToken is not a string"));
    // A refresh answer needs none: the login's token stays in use.
    auto const a = parsed(fields, R"({"sub":"ada"})", false);
    BOOST_TEST(!a.csrf_token);
    BOOST_TEST(*a.sub == "ada");
    BOOST_TEST(*parsed(fields, "{}", false).sub == "ada@example.org"); // the JWT's sub
}

BOOST_AUTO_TEST_CASE(says_html_on_200_with_html)
{
    auto const c = split_cookies(make_jwt());
    std::vector<std::string> const fields{"jwt_header_payload=" + c.header_payload,
                                          "jwt_signature=" + c.signature};
    BOOST_TEST(has(refusal(fields, "\n  <!DOCTYPE html><html><body>Sign in</body></html>"), "HTML"));
    BOOST_TEST(has(refusal(fields, "not json"), "not JSON"));
    BOOST_TEST(has(refusal(fields, ""), "empty"));
    BOOST_TEST(has(refusal(fields, "[]"), "not a JSON object"));
    BOOST_TEST(has(refusal({}, "<html>"), "HTML")); // HTML without cookies: the body is the clearer fault
}

BOOST_AUTO_TEST_CASE(reads_string_on_audience_answer)
{
    BOOST_TEST(auth::parse_audience_answer(R"("https://iam.example/oauth2/access_token")").value() ==
               "https://iam.example/oauth2/access_token");
    for (char const* bad : {"", "\"\"", "42", "{\"aud\":\"x\"}", "<html>", "\"unterminated"}) {
        auto const r = auth::parse_audience_answer(bad);
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST((r.error().code == error::invalid_response));
    }
}

BOOST_AUTO_TEST_SUITE_END()
