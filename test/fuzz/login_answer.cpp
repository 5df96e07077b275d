// Fuzz target: reading a login or refresh answer (src/entities/auth/login_answer): the Set-Cookie field
// values, the JWT they carry, its lifetime, the body's CSRFToken.
//
// Input: byte 0 picks need_csrf (bit 0) and the number of Set-Cookie field values (bits 1-2: 0-3); the rest
// is split at '\n' into those field values, then the body (everything after the last field's '\n').
// Oracles: no sanitizer report, no exception; a success has a JWT of three non-empty parts that decode_jwt
// reads back to the same claims, an expiry after `now`, not past its exp and within a year of `now` when a
// Max-Age set it, and a CSRF token when one was needed; every token-like cookie value and CSRFToken
// (secrets) stays out of the error message of a refusal.
#include "entities/auth/login_answer.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entities/auth/jwt.hpp"
#include "fuzz_check.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
using igtcloud::fuzz::check;

// Whether `s` looks like a token rather than words that a message's fixed text may also hold (the fuzzer
// found a cookie value "cookie is not two base64url pa"): 12+ bytes, no space, with an upper-case letter, a
// lower-case letter and a digit, as JWT parts and CSRF tokens have.
bool token_like(std::string_view s)
{
    auto has = [&](auto pred) {
        return std::any_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)); });
    };
    return s.size() >= 12 && s.find(' ') == std::string_view::npos && has(::isupper) && has(::islower) &&
           has(::isdigit);
}

// Whether the jwt_header_payload cookie carries a Max-Age attribute (the last such cookie counts).
bool has_max_age(std::vector<std::string> const& fields)
{
    bool found = false;
    for (auto const& c : auth::parse_set_cookies(fields))
        if (c.name == "jwt_header_payload") found = c.max_age.has_value();
    return found;
}

// The secrets an answer may carry: its cookie values and a CSRFToken string, when token-like.
std::vector<std::string> secrets_of(std::vector<std::string> const& fields, std::string_view body)
{
    std::vector<std::string> out;
    for (auto const& c : auth::parse_set_cookies(fields))
        if (token_like(c.value)) out.push_back(c.value);
    boost::system::error_code ec;
    auto const v = boost::json::parse(body, ec);
    if (!ec && v.is_object())
        if (auto const* t = v.get_object().if_contains("CSRFToken"); t != nullptr && t->is_string())
            if (token_like(t->get_string())) out.emplace_back(t->get_string());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    bool const need_csrf = (data[0] & 1) != 0;
    std::size_t const count = (data[0] >> 1) & 3;
    std::string_view rest{reinterpret_cast<char const*>(data) + 1, size - 1};
    std::vector<std::string> fields;
    while (fields.size() < count) {
        auto const nl = rest.find('\n');
        if (nl == std::string_view::npos) break;
        fields.emplace_back(rest.substr(0, nl));
        rest.remove_prefix(nl + 1);
    }
    auto const now = std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}};

    auto const answer = auth::parse_login_answer(fields, rest, need_csrf, now);
    if (answer) {
        auto const parts = auth::split_jwt(answer->jwt);
        check(parts.has_value());
        auto const claims = auth::decode_jwt(answer->jwt);
        check(claims.has_value() && claims->payload == answer->claims.payload &&
              claims->header == answer->claims.header);
        // The lifetime rule: after now; never past the JWT's exp; at most a year when the cookie's Max-Age
        // set it (an exp alone may lie further ahead: the fuzzer found exp 9800003600 without Max-Age).
        check(answer->expires_at > now);
        if (auto const exp = auth::expiry_of(answer->claims)) check(answer->expires_at <= *exp);
        if (has_max_age(fields)) check(answer->expires_at <= now + auth::max_cookie_lifetime);
        check(!need_csrf || (answer->csrf_token && !answer->csrf_token->empty()));
    } else {
        for (auto const& secret : secrets_of(fields, rest))
            check(answer.error().message.find(secret) == std::string::npos);
    }
    return 0;
}
