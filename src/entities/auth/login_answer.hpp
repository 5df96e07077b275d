#pragma once

// The pure halves of the auth API's exchanges (DESIGN.md §6): the login request bodies, and the reading of a
// login or refresh answer — the two `Set-Cookie` fields that carry the JWT (`jwt_header_payload=H.P` and
// `jwt_signature=S`), its lifetime, and the body's `CSRFToken`.
//
// Lifetime rule (the `Max-Age` of the jwt_header_payload cookie; the other cookie's attributes are ignored):
// - `Max-Age` = 1*DIGIT in [1, max_cookie_lifetime]: the JWT expires at now + Max-Age, or at its `exp`
//   claim when that is earlier (a cookie must not outlive its token);
// - `Max-Age` absent: the JWT's `exp` claim; neither present: error;
// - `Max-Age` <= 0 (a cookie that expires at once), negative, over max_cookie_lifetime, with a sign, spaces
//   inside, a fraction or any other non-digit: error (the server is not what we think it is);
// - an expiry at or before now (from either source): error.
// Every error is error::invalid_response naming the cookie or member at fault, never a value.

#include <igtcloud/entities/error.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entities/auth/jwt.hpp"

namespace igtcloud::entities::detail::auth {

/// The longest Max-Age accepted: one year.
inline constexpr std::chrono::seconds max_cookie_lifetime{366LL * 24 * 3600};

/// The body of a password login: {"grantType": "password", "username": U, "password": P}, JSON-escaped
/// (quotes, backslashes, control characters, NUL). error::invalid_argument when either is empty or not valid
/// UTF-8 (the message names which, never its value).
api_result<std::string> password_login_body(std::string_view username, std::string_view password);

/// The body of a service-key login: {"grantType": "jwt-key", "assertion": A, "hospitalOrgId": ""}.
std::string service_login_body(std::string_view assertion);

/// One cookie of a `Set-Cookie` field: name, value (surrounding double quotes removed) and the Max-Age
/// attribute's raw text, if it had one (the last one wins).
struct set_cookie {
    std::string name{};
    std::string value{};
    std::optional<std::string> max_age{};
};

/// Every cookie set by these `Set-Cookie` field values, in order. Each value may carry several cookies
/// joined by commas (`a=1; Max-Age=3600; Path=/, b=2; Path=/`); a comma starts a new cookie only when a
/// `name=` follows it before any ';', so the commas of `Expires=Thu, 01 Jan 2026 00:00:00 GMT` stay in their
/// attribute. Items without '=' or with an empty name are skipped.
std::vector<set_cookie> parse_set_cookies(std::span<std::string const> fields);

/// What a login or refresh answer (HTTP 200) gives.
struct login_answer {
    std::string jwt{};                                  ///< H.P.S (a secret)
    jwt_claims claims{};                                ///< its decoded header and payload
    std::chrono::system_clock::time_point expires_at{}; ///< see the lifetime rule above
    std::optional<std::string> csrf_token{};            ///< the body's CSRFToken (a secret)
    std::optional<std::string> sub{};                   ///< the body's sub, else the JWT's
};

/// Reads a 200 answer to /login (`need_csrf`: a CSRFToken is required) or /refresh (`need_csrf` false: the
/// login's token stays in use; one in the body is still returned). `now` is the time the answer arrived.
/// error::invalid_response: a missing cookie (named), a cookie value that is not the expected base64url
/// parts, a JWT that does not decode, a bad lifetime (see above), a body that is not a JSON object (an HTML
/// page says so), a CSRFToken missing, empty or not a string when needed.
api_result<login_answer> parse_login_answer(std::span<std::string const> set_cookie_fields,
                                            std::string_view body, bool need_csrf,
                                            std::chrono::system_clock::time_point now);

/// The answer of GET /login/$aud: a JSON string, non-empty. error::invalid_response otherwise.
api_result<std::string> parse_audience_answer(std::string_view body);

} // namespace igtcloud::entities::detail::auth
