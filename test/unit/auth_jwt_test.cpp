// Unit tests of JWTs: splitting, claims decoding, HS256, RSA keys from PEM, RS256 and the service assertion.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include "support/rsa_test_keys.hpp"
#include <openssl/err.h>

namespace {

namespace auth = igtcloud::entities::detail::auth;
namespace json = boost::json;
using igtcloud::entities::error;

std::string b64u(std::string_view s)
{
    return auth::base64url_encode(s);
}

// A token with these JSON texts as header and payload and a dummy signature.
std::string token_of(std::string_view header, std::string_view payload)
{
    return b64u(header) + "." + b64u(payload) + ".c2ln";
}

template <class R>
bool refused(R const& r)
{
    return !r && r.error().code == error::invalid_argument && !r.error().message.empty();
}

// Replaces the character at `i` of `s` with another of the base64url alphabet.
std::string flip(std::string s, std::size_t i)
{
    s[i] = s[i] == 'A' ? 'B' : 'A';
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth_jwt)

BOOST_AUTO_TEST_CASE(splits_three_parts_on_valid_token)
{
    auto const p = auth::split_jwt("aa.bb.cc");
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->header == "aa");
    BOOST_TEST(p->payload == "bb");
    BOOST_TEST(p->signature == "cc");
    BOOST_TEST(p->signing_input == "aa.bb");
}

BOOST_AUTO_TEST_CASE(refuses_wrong_shape_on_split)
{
    for (char const* t :
         {"", "aa", "aa.bb", "aa.bb.cc.dd", ".bb.cc", "aa..cc", "aa.bb.", "..", "a.b.c.", "..."})
        BOOST_TEST(refused(auth::split_jwt(t)), t);
}

BOOST_AUTO_TEST_CASE(reads_registered_claims_on_valid_payload)
{
    auto const c =
        auth::decode_jwt(token_of(R"({"alg":"HS256","typ":"JWT"})",
                                  R"({"sub":"ada","exp":1700000000,"iat":1699996400,"refresh_token":"r"})"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->header.at("alg") == "HS256");
    BOOST_TEST(*c->sub == "ada");
    BOOST_TEST(*c->exp == 1700000000);
    BOOST_TEST(*c->iat == 1699996400);
    BOOST_TEST(c->has_refresh_token);
    BOOST_TEST(c->payload.size() == 4u);
    BOOST_TEST(auth::expiry_of(*c)->time_since_epoch() == std::chrono::seconds{1700000000});
}

BOOST_AUTO_TEST_CASE(leaves_claims_empty_on_absent_members)
{
    auto const c = auth::decode_jwt(token_of("{}", R"({"exp":1.7e9,"uid":"u"})"));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(!c->sub);
    BOOST_TEST(*c->exp == 1700000000); // a double, truncated
    BOOST_TEST(!c->iat);
    BOOST_TEST(!c->has_refresh_token);
    BOOST_TEST(!auth::expiry_of(auth::jwt_claims{}));
}

BOOST_AUTO_TEST_CASE(refuses_payload_on_not_base64url_json)
{
    std::string const h = b64u("{}");
    BOOST_TEST(refused(auth::decode_jwt(h + ".Zm9v+.c2ln"))); // not base64url
    BOOST_TEST(refused(auth::decode_jwt(h + "." + b64u("not json") + ".c2ln")));
    BOOST_TEST(refused(auth::decode_jwt(h + "." + b64u("[1,2]") + ".c2ln")));         // not an object
    BOOST_TEST(refused(auth::decode_jwt(h + "." + b64u(R"({"a":1)") + ".c2ln")));     // truncated JSON
    BOOST_TEST(refused(auth::decode_jwt(b64u("nope") + "." + b64u("{}") + ".c2ln"))); // header not JSON
    BOOST_TEST(refused(auth::decode_jwt(token_of("{}", R"({"sub":5})"))));
    BOOST_TEST(refused(auth::decode_jwt(token_of("{}", R"({"exp":"soon"})"))));
    BOOST_TEST(refused(auth::decode_jwt(token_of("{}", R"({"iat":true})"))));
    BOOST_TEST(refused(auth::decode_jwt(token_of("{}", R"({"exp":1e300})"))));
    BOOST_TEST(refused(auth::decode_jwt(token_of("{}", R"({"exp":18446744073709551615})"))));
    auto const r = auth::decode_jwt(h + "." + b64u("not json") + ".c2ln");
    BOOST_TEST(r.error().message.find("payload") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(round_trips_on_hs256)
{
    json::object claims{{"sub", "ada"}, {"exp", 2000000000}, {"iat", 1999996400}};
    auto const token = auth::sign_hs256(claims, "mock-secret");
    BOOST_TEST(auth::split_jwt(token).value().header == b64u(R"({"alg":"HS256","typ":"JWT"})"));
    auto const c = auth::verify_hs256(token, "mock-secret");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->payload == claims);
    BOOST_TEST(*c->sub == "ada");
}

BOOST_AUTO_TEST_CASE(matches_rfc7515_example_on_hs256)
{
    // RFC 7515 appendix A.1's key and signing input give its signature.
    auto const key =
        auth::base64url_decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4h"
                               "cgUuTwjAzZr1Z9CAow")
            .value();
    std::string const header = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";
    std::string const payload =
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb2"
        "90Ijp0cnVlfQ";
    std::string const token = header + "." + payload + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    auto const c = auth::verify_hs256(token, key);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->payload.at("iss") == "joe");
    BOOST_TEST(refused(auth::verify_hs256(token, key + "x")));
}

BOOST_AUTO_TEST_CASE(refuses_tampering_on_hs256_verify)
{
    auto const token = auth::sign_hs256(json::object{{"sub", "ada"}}, "k");
    BOOST_TEST(refused(auth::verify_hs256(token, "other")));
    BOOST_TEST(refused(auth::verify_hs256(token, "")));
    auto const p = auth::split_jwt(token).value();
    auto const forged =
        std::string(p.header) + "." + b64u(R"({"sub":"eve"})") + "." + std::string(p.signature);
    BOOST_TEST(refused(auth::verify_hs256(forged, "k")));
    BOOST_TEST(refused(auth::verify_hs256(flip(token, token.size() - 3), "k")));
    BOOST_TEST(refused(auth::verify_hs256(token.substr(0, token.size() - 4), "k"))); // short signature
    // alg none / RS256 headers are refused even with a matching MAC over them.
    auto const none =
        b64u(R"({"alg":"none"})") + "." + std::string(p.payload) + "." + std::string(p.signature);
    BOOST_TEST(refused(auth::verify_hs256(none, "k")));
    auto const r = auth::verify_hs256(forged, "k");
    BOOST_TEST(r.error().message.find("signature") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(signs_and_verifies_on_rs256)
{
    auto const key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem);
    BOOST_TEST_REQUIRE(key.has_value());
    auto const pub = auth::rsa_public_key::from_pem(auth_test::rsa_keys().public_pem);
    BOOST_TEST_REQUIRE(pub.has_value());
    auto const token = auth::sign_rs256(json::object{{"sub", "svc"}}, *key);
    BOOST_TEST_REQUIRE(token.has_value());
    BOOST_TEST(auth::split_jwt(*token).value().header == b64u(R"({"alg":"RS256","typ":"JWT"})"));
    BOOST_TEST(auth::base64url_decode(auth::split_jwt(*token).value().signature).value().size() == 256u);
    auto const c = auth::verify_rs256(*token, *pub);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(*c->sub == "svc");
    auto const other = auth::rsa_public_key::from_pem(auth_test::other_rsa_keys().public_pem).value();
    BOOST_TEST(refused(auth::verify_rs256(*token, other)));
    BOOST_TEST(refused(auth::verify_rs256(flip(*token, token->size() - 5), *pub)));
    BOOST_TEST(refused(auth::verify_rs256(auth::sign_hs256(json::object{}, "k"), *pub))); // alg HS256
    BOOST_TEST(ERR_peek_error() == 0u);
}

BOOST_AUTO_TEST_CASE(reads_pkcs1_on_rsa_pem)
{
    auto const key = auth::rsa_private_key::from_pem(auth_test::rsa_keys_pkcs1().private_pem);
    BOOST_TEST_REQUIRE(key.has_value());
    auto const pub = auth::rsa_public_key::from_pem(auth_test::rsa_keys_pkcs1().public_pem);
    BOOST_TEST_REQUIRE(pub.has_value());
    BOOST_TEST(auth_test::rsa_keys_pkcs1().private_pem.find("BEGIN RSA PRIVATE KEY") != std::string::npos);
    BOOST_TEST(auth_test::rsa_keys_pkcs1().public_pem.find("BEGIN RSA PUBLIC KEY") != std::string::npos);
    auto const token = auth::sign_rs256(json::object{{"sub", "svc"}}, *key).value();
    auto const pkcs8_pub = auth::rsa_public_key::from_pem(auth_test::rsa_keys().public_pem).value();
    BOOST_TEST(auth::verify_rs256(token, *pub).has_value());
    BOOST_TEST(auth::verify_rs256(token, pkcs8_pub).has_value());
}

BOOST_AUTO_TEST_CASE(refuses_clearly_on_pem_not_rsa_private_key)
{
    struct bad_case {
        std::string pem;
        char const* says;
    };
    std::string const& priv = auth_test::rsa_keys().private_pem;
    bad_case const cases[] = {
        {"", "empty"},
        {" \n\t", "empty"},
        {"garbage that is no PEM at all", "not PEM"},
        {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM key"},
        {priv.substr(0, priv.size() / 2), "not a readable PEM key"}, // truncated
        {auth_test::ec_keys().private_pem, "not RSA (EC)"},
        {auth_test::rsa_keys().public_pem, "a public key"},
        {auth_test::encrypted_rsa_private_pem(), "encrypted"},
        {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate"},
        {std::string(2 << 20, 'A'), "over 1 MiB"},
    };
    for (auto const& c : cases) {
        ERR_clear_error();
        auto const r = auth::rsa_private_key::from_pem(c.pem);
        BOOST_TEST_REQUIRE(refused(r));
        BOOST_TEST(r.error().message.find(c.says) != std::string::npos, r.error().message);
        BOOST_TEST(r.error().message.find("MII") == std::string::npos); // no base64 key material
        BOOST_TEST(ERR_peek_error() == 0u);                             // the error queue is left empty
    }
}

BOOST_AUTO_TEST_CASE(refuses_clearly_on_pem_not_rsa_public_key)
{
    for (auto const& pem : {std::string(), std::string("junk"), auth_test::ec_keys().public_pem,
                            auth_test::rsa_keys().private_pem}) {
        auto const r = auth::rsa_public_key::from_pem(pem);
        BOOST_TEST(refused(r));
        BOOST_TEST(ERR_peek_error() == 0u);
    }
}

BOOST_AUTO_TEST_CASE(carries_section6_claims_on_service_assertion)
{
    auto const key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem).value();
    auto const pub = auth::rsa_public_key::from_pem(auth_test::rsa_keys().public_pem).value();
    auto const now = std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}} +
                     std::chrono::milliseconds{750};
    auto const a = auth::make_service_assertion("svc@org", "https://iam.example/aud", now, key);
    BOOST_TEST_REQUIRE(a.has_value());
    auto const parts = auth::split_jwt(*a).value();
    BOOST_TEST(auth::base64url_decode(parts.header).value() == R"({"alg":"RS256","typ":"JWT"})");
    auto const c = auth::verify_rs256(*a, pub);
    BOOST_TEST_REQUIRE(c.has_value());
    json::value const expected = json::parse(
        R"({"aud":["https://iam.example/aud"],"iss":"svc@org","sub":"svc@org","exp":1800003600})");
    BOOST_TEST(json::value(c->payload) == expected);
    BOOST_TEST(refused(auth::make_service_assertion("", "aud", now, key)));
    BOOST_TEST(refused(auth::make_service_assertion("svc", "", now, key)));
}

BOOST_AUTO_TEST_SUITE_END()
