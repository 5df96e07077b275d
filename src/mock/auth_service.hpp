#pragma once

// The mock's auth API at /api/auth (DESIGN.md §6): password and service-key logins, refresh, logout,
// introspect and $aud, over the jwt_issuer's login sessions; and the JWT check of every Users route.
//
//   POST /login     {grantType: password | jwt-key} -> LoginResponse + Set-Cookie jwt_header_payload,
//   jwt_signature POST /refresh   X-JWT + X-CSRF-TOKEN -> a new JWT of the same session (the body's CSRFToken
//   is a decoy) POST /logout    X-JWT -> the session closed          GET /introspect  X-JWT (+ X-CSRF-TOKEN)
//   -> IntrospectResponse GET /login/$aud -> the audience
// Refusals are {"message": ...} naming what is wrong, never a password, assertion, JWT or CSRF token.

#include <igtcloud/mock/server.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "entities/auth/jwt.hpp"
#include "mock/jwt_issuer.hpp"

namespace igtcloud::mock::detail {

struct request_view; // service.hpp, which includes this header
struct answer;

class auth_service {
public:
    /// Loads the service keys. Throws std::invalid_argument naming the flag (and the file) for a --user
    /// without a login, a --service-key file that cannot be read or is no RSA public key, a token lifetime
    /// under one second.
    explicit auth_service(options const& opts);

    /// A request whose path is `path`, below /api/auth ("/login", "/refresh", ...).
    answer handle(request_view const& request, std::string_view path);
    /// The subject of a live JWT that comes with its session's CSRF token (the Users routes' check).
    std::optional<std::string> caller(request_view const& request) const;

private:
    answer login(request_view const& request);
    answer password_login(std::string_view username, std::string_view password);
    answer service_login(std::string_view assertion);
    answer refresh(request_view const& request);
    answer logout(request_view const& request);
    answer introspect(request_view const& request) const;
    answer audience() const;

    std::map<std::string, std::string, std::less<>> passwords_; ///< login -> password
    std::map<std::string, entities::detail::auth::rsa_public_key, std::less<>> service_keys_; ///< sub -> key
    std::string audience_;
    std::chrono::seconds lifetime_;
    jwt_issuer issuer_;
};

} // namespace igtcloud::mock::detail
