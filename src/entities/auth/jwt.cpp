// JWT splitting, header and claims decoding, HS256 signing and verification, the service-key assertion.
#include "entities/auth/jwt.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <limits>

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt_internal.hpp"
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace igtcloud::entities::detail::auth {
namespace {

// Decodes one base64url part into a JSON object; `what` names the part ("header", "payload").
api_result<boost::json::object> decode_part(std::string_view part, char const* what)
{
    auto bytes = base64url_decode(part);
    if (!bytes) return jwt_error(std::string("JWT ") + what + " is not base64url");
    boost::system::error_code ec;
    auto value = boost::json::parse(*bytes, ec);
    if (ec) return jwt_error(std::string("JWT ") + what + " is not JSON");
    if (!value.is_object()) return jwt_error(std::string("JWT ") + what + " is not a JSON object");
    return std::move(value.as_object());
}

// A numeric claim as whole seconds: integers as they are, doubles truncated; nullopt when absent.
api_result<std::optional<std::int64_t>> seconds_claim(boost::json::object const& o, char const* name)
{
    auto const* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<std::int64_t>{};
    if (v->is_int64()) return std::optional<std::int64_t>{v->get_int64()};
    if (v->is_uint64() && v->get_uint64() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()})
        return std::optional<std::int64_t>{static_cast<std::int64_t>(v->get_uint64())};
    if (v->is_double()) {
        double const d = v->get_double();
        if (d > -9.2e18 && d < 9.2e18) return std::optional<std::int64_t>{static_cast<std::int64_t>(d)};
    }
    return jwt_error(std::string("JWT claim ") + name + " is not a number of seconds");
}

} // namespace

api_error jwt_error(std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::move(message)};
}

std::string joined_signing_input(boost::json::object const& header, boost::json::object const& claims)
{
    return base64url_encode(boost::json::serialize(header)) + '.' +
           base64url_encode(boost::json::serialize(claims));
}

api_result<jwt_parts> split_jwt(std::string_view token)
{
    auto const first = token.find('.');
    if (first == std::string_view::npos)
        return jwt_error("JWT has no '.' (expected header.payload.signature)");
    auto const second = token.find('.', first + 1);
    if (second == std::string_view::npos) return jwt_error("JWT has 2 parts (expected 3)");
    if (token.find('.', second + 1) != std::string_view::npos) return jwt_error("JWT has more than 3 parts");
    jwt_parts p{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
                token.substr(0, second)};
    if (p.header.empty() || p.payload.empty() || p.signature.empty())
        return jwt_error("JWT has an empty part");
    return p;
}

api_result<jwt_claims> decode_jwt(std::string_view token)
{
    auto parts = split_jwt(token);
    if (!parts) return parts.error();
    jwt_claims c;
    auto header = decode_part(parts->header, "header");
    if (!header) return header.error();
    c.header = std::move(*header);
    auto payload = decode_part(parts->payload, "payload");
    if (!payload) return payload.error();
    c.payload = std::move(*payload);
    if (auto const* sub = c.payload.if_contains("sub"); sub != nullptr && !sub->is_null()) {
        if (!sub->is_string()) return jwt_error("JWT claim sub is not a string");
        c.sub = std::string(sub->get_string());
    }
    auto exp = seconds_claim(c.payload, "exp");
    if (!exp) return exp.error();
    c.exp = *exp;
    auto iat = seconds_claim(c.payload, "iat");
    if (!iat) return iat.error();
    c.iat = *iat;
    c.has_refresh_token = c.payload.contains("refresh_token");
    return c;
}

std::optional<std::chrono::system_clock::time_point> expiry_of(jwt_claims const& c)
{
    if (!c.exp) return std::nullopt;
    // Clamped to +-100 years so that arithmetic on the time point cannot overflow.
    constexpr std::int64_t limit = std::int64_t{100} * 366 * 24 * 3600;
    auto const s = std::clamp(*c.exp, -limit, limit);
    return std::chrono::system_clock::time_point{std::chrono::seconds{s}};
}

namespace {

std::string hmac_sha256(std::string_view key, std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    static constexpr unsigned char empty_key = 0;
    auto const* k = key.empty() ? &empty_key : reinterpret_cast<unsigned char const*>(key.data());
    if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
             reinterpret_cast<unsigned char const*>(data.data()), data.size(), out, &len) == nullptr) {
        ERR_clear_error();
        return {};
    }
    return std::string(reinterpret_cast<char const*>(out), len);
}

} // namespace

std::string sign_hs256(boost::json::object const& claims, std::string_view secret)
{
    boost::json::object const header{{"alg", "HS256"}, {"typ", "JWT"}};
    std::string token = joined_signing_input(header, claims);
    std::string const mac = hmac_sha256(secret, token);
    return token + '.' + base64url_encode(mac);
}

api_result<signed_token> decode_signed(std::string_view token, std::string_view alg)
{
    auto claims = decode_jwt(token);
    if (!claims) return claims.error();
    if (auto const* a = claims->header.if_contains("alg");
        a == nullptr || !a->is_string() || a->get_string() != alg)
        return jwt_error("JWT alg is not " + std::string(alg));
    auto const parts = split_jwt(token).value();
    auto signature = base64url_decode(parts.signature);
    if (!signature) return jwt_error("JWT signature is not base64url");
    return signed_token{std::move(*claims), parts.signing_input, std::move(*signature)};
}

api_result<jwt_claims> verify_hs256(std::string_view token, std::string_view secret)
{
    auto t = decode_signed(token, "HS256");
    if (!t) return t.error();
    std::string const expected = hmac_sha256(secret, t->signing_input);
    if (expected.empty() || t->signature.size() != expected.size() ||
        CRYPTO_memcmp(t->signature.data(), expected.data(), expected.size()) != 0)
        return jwt_error("JWT signature does not verify");
    return std::move(t->claims);
}

api_result<std::string> make_service_assertion(std::string_view subject, std::string_view audience,
                                               std::chrono::system_clock::time_point now,
                                               rsa_private_key const& key)
{
    if (subject.empty()) return jwt_error("service key login: the subject is empty");
    if (audience.empty()) return jwt_error("service key login: the audience is empty");
    auto const exp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() + 3600;
    boost::json::object claims;
    claims["aud"] = boost::json::array{boost::json::string(audience)};
    claims["iss"] = subject;
    claims["sub"] = subject;
    claims["exp"] = exp;
    return sign_rs256(claims, key);
}

} // namespace igtcloud::entities::detail::auth
