#pragma once

// Helpers shared by jwt.cpp and rsa_keys.cpp (not used elsewhere).

#include <igtcloud/entities/error.hpp>

#include <boost/json/object.hpp>

#include <string>

namespace igtcloud::entities::detail::auth {

/// error::invalid_argument with `message` (which must hold no secret).
api_error jwt_error(std::string message);

/// base64url(serialize(header)) + "." + base64url(serialize(claims)).
std::string joined_signing_input(boost::json::object const& header, boost::json::object const& claims);

} // namespace igtcloud::entities::detail::auth
