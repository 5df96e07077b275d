#pragma once

// Helpers shared by jwt.cpp and rsa_keys.cpp (not used elsewhere).

#include <igtcloud/entities/error.hpp>

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "entities/auth/jwt.hpp"

namespace igtcloud::entities::detail::auth {

/// error::invalid_argument with `message` (which must hold no secret).
api_error jwt_error(std::string message);

/// base64url(serialize(header)) + "." + base64url(serialize(claims)).
std::string joined_signing_input(boost::json::object const& header, boost::json::object const& claims);

/// A token to verify: its claims, what its signature covers, and the signature's bytes.
struct signed_token {
    jwt_claims claims{};
    std::string_view signing_input{}; ///< a view into the token
    std::string signature{};
};

/// Decodes `token` for verification: it must decode (decode_jwt), name `alg` in its header, and carry a
/// base64url signature.
api_result<signed_token> decode_signed(std::string_view token, std::string_view alg);

} // namespace igtcloud::entities::detail::auth
