// Secrets sweep over the auth core: every error path is driven with inputs that hold a password, a private
// key, an assertion, a JWT or a CSRF token, and no message (nor to_string()) may contain any of them.
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include "entities/auth/login_answer.hpp"
#include "entities/auth/refresh_policy.hpp"
#include "entities/auth/token_file.hpp"
#include "support/rsa_test_keys.hpp"
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace auth = igtcloud::entities::detail::auth;
namespace json = boost::json;
namespace fs = std::filesystem;
using igtcloud::entities::api_error;

std::string const password = "Pa55-SECRET-word\"\\";
std::string const csrf = "CSRF-SECRET-7f3c9a";
auto const now = std::chrono::system_clock::time_point{std::chrono::seconds{1'900'000'000}};

// Everything that must never be shown: the password, each line of the private key, the JWTs and their
// parts, the assertion, the CSRF token.
struct secrets {
    std::vector<std::string> all;
    void add(std::string s)
    {
        if (s.size() >= 8) all.push_back(std::move(s));
    }
};

void add_pem_lines(secrets& s, std::string const& pem)
{
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("-----", 0) != 0) s.add(line);
}

std::string b64u(std::string_view t)
{
    return auth::base64url_encode(t);
}

// The secrets of one sweep, the errors and texts collected, and the check that none holds a secret.
struct sweep {
    secrets s;
    std::vector<api_error> errors;
    std::vector<std::string> texts;
    auth::rsa_private_key key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem).value();
    std::string assertion = auth::make_service_assertion("svc@org", "aud", now, key).value();
    json::object claims{
        {"sub", "ada"}, {"iat", 1'900'000'000}, {"exp", 1'900'003'600}, {"refresh_token", "RT-SECRET"}};
    std::string jwt = auth::sign_hs256(claims, "HS-SECRET-KEY");
    std::string hp = jwt.substr(0, jwt.rfind('.'));
    std::string sig = jwt.substr(jwt.rfind('.') + 1);

    sweep()
    {
        for (auto const& t : {password, csrf, assertion, jwt, hp, sig, std::string("RT-SECRET"),
                              std::string("HS-SECRET-KEY")})
            s.add(t);
        for (auto const* pem : {&auth_test::rsa_keys().private_pem, &auth_test::ec_keys().private_pem,
                                &auth_test::encrypted_rsa_private_pem()})
            add_pem_lines(s, *pem);
        auto const parts = auth::split_jwt(assertion).value();
        s.add(std::string(parts.payload));
        s.add(std::string(parts.signature));
    }

    template <class R>
    void expect_error(R const& r, char const* where)
    {
        BOOST_TEST_REQUIRE(!r.has_value(), where);
        errors.push_back(r.error());
    }
    // No message, to_string() or text holds a secret; at least `minimum` paths were driven.
    void check(std::size_t minimum) const
    {
        BOOST_TEST(errors.size() + texts.size() >= minimum);
        for (auto const& e : errors)
            for (auto const& secret : s.all) {
                BOOST_TEST(e.message.find(secret) == std::string::npos, e.message);
                BOOST_TEST(e.to_string().find(secret) == std::string::npos);
            }
        for (auto const& t : texts) {
            BOOST_TEST(!t.empty());
            for (auto const& secret : s.all)
                BOOST_TEST(t.find(secret) == std::string::npos, t);
        }
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(auth_secrets, sweep)

BOOST_AUTO_TEST_CASE(leaks_nothing_on_codec_and_jwt_errors)
{
    expect_error(auth::password_login_body("ada", password + "\xff"), "bad UTF-8 password");
    expect_error(auth::password_login_body("", password), "empty username");
    expect_error(auth::base64url_decode(password), "base64url of a password");
    expect_error(auth::base64_decode(jwt), "base64 of a JWT");
    expect_error(auth::decode_jwt(jwt + ".x"), "four parts");
    expect_error(auth::decode_jwt(b64u("{}") + "." + b64u("not json " + csrf) + "." + sig),
                 "payload not JSON");
    expect_error(auth::decode_jwt(b64u("{}") + "." + b64u(R"({"exp":")" + csrf + "\"}") + "." + sig), "exp");
    expect_error(auth::verify_hs256(jwt, "wrong"), "HS256 wrong key");
    expect_error(auth::verify_hs256(assertion, "HS-SECRET-KEY"), "HS256 on RS256");
    auto const other = auth::rsa_public_key::from_pem(auth_test::other_rsa_keys().public_pem).value();
    expect_error(auth::verify_rs256(assertion, other), "RS256 wrong key");
    expect_error(auth::verify_rs256(jwt, other), "RS256 on HS256");
    check(11);
}

BOOST_AUTO_TEST_CASE(leaks_nothing_on_key_errors)
{
    auto const& priv = auth_test::rsa_keys().private_pem;
    for (auto const& pem :
         {auth_test::ec_keys().private_pem, auth_test::encrypted_rsa_private_pem(),
          priv.substr(0, priv.size() - 40), priv.substr(30), auth_test::rsa_keys().public_pem,
          "-----BEGIN PRIVATE KEY-----\n" + password + "\n-----END PRIVATE KEY-----\n"})
        expect_error(auth::rsa_private_key::from_pem(pem), "bad private PEM");
    expect_error(auth::rsa_public_key::from_pem(priv), "private as public");
    expect_error(auth::make_service_assertion("svc", "", now, key), "no audience");
    check(8);
}

BOOST_AUTO_TEST_CASE(leaks_nothing_on_login_answer_errors)
{
    std::string const body = R"({"CSRFToken":")" + csrf + R"(","sub":"ada"})";
    std::string const signature = "jwt_signature=" + sig;
    std::vector<std::vector<std::string>> const bad_cookies{
        {"jwt_header_payload=" + hp},
        {signature},
        {"jwt_header_payload=" + hp + "; Max-Age=" + csrf, signature},
        {"jwt_header_payload=" + hp + "; Max-Age=-1", signature},
        {"jwt_header_payload=" + hp + "." + sig + "; Max-Age=60", signature},
        {"jwt_header_payload=" + hp.substr(0, hp.find('.')) + "." + b64u(password) + "; Max-Age=60",
         signature},
        {"jwt_header_payload=" + hp, "jwt_signature=" + password}};
    for (auto const& fields : bad_cookies)
        expect_error(auth::parse_login_answer(fields, body, true, now), "cookies");
    std::vector<std::string> const good{"jwt_header_payload=" + hp + "; Max-Age=60", signature};
    for (std::string const& b : {"<html>" + csrf + password + "</html>", "{\"CSRFToken\":" + csrf,
                                 std::string("{}"), "[\"" + csrf + "\"]"})
        expect_error(auth::parse_login_answer(good, b, true, now), "bodies");
    expect_error(auth::parse_audience_answer("{\"" + password + "\":1}"), "audience");
    check(12);
}

BOOST_AUTO_TEST_CASE(leaks_nothing_on_token_file_errors)
{
    std::string tmpl = (fs::temp_directory_path() / "igtcloud-secrets-XXXXXX").string();
    BOOST_TEST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    fs::path const dir = tmpl;
    auto write = [&](char const* name, std::string const& content) {
        std::ofstream(dir / name) << content;
        ::chmod((dir / name).c_str(), 0600);
    };
    auth::token_file_data data{"ada", jwt, claims, csrf, "https://igt-web.eu1.phsdp.com", std::nullopt};
    BOOST_TEST_REQUIRE(auth::write_token_file(dir / "mmap", data).has_value());
    texts.push_back(auth::read_token_file(dir / "mmap", "other.example").reason);
    ::chmod((dir / "mmap").c_str(), 0666);
    texts.push_back(auth::read_token_file(dir / "mmap").reason);
    auto const partial = auth::base64_encode(json::serialize(json::object{{"jwt", jwt}, {"csrf", csrf}}));
    write("partial", partial);
    texts.push_back(auth::read_token_file(dir / "partial").reason);
    write("cut", partial.substr(0, 101));
    texts.push_back(auth::read_token_file(dir / "cut").reason);
    write("file", "x");
    expect_error(auth::write_token_file(dir / "file" / "mmap", data), "unwritable");
    auto big = data;
    big.jwt_data["blob"] = std::string(70000, 'x') + csrf;
    expect_error(auth::write_token_file(dir / "big", big), "too large");
    fs::remove_all(dir);
    check(6);
}

BOOST_AUTO_TEST_CASE(leaks_nothing_on_policy_failures)
{
    // The policy's own failures; the others pass on the caller's (secret-free) message.
    auth::refresh_policy p{auth::refresh_settings{.can_login = false}};
    auto const st = p.need(now, now + std::chrono::seconds{1});
    BOOST_TEST_REQUIRE(st.failure.has_value());
    errors.push_back(*st.failure);
    check(1);
}

BOOST_AUTO_TEST_SUITE_END()
