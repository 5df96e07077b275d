#pragma once

// The one way src/ refuses bad input before it reaches the wire: error::invalid_argument, status 0.

#include <igtcloud/entities/error.hpp>

#include <string>

namespace igtcloud::entities::detail {

/// An api_error with code error::invalid_argument, status 0 (nothing was received) and `message`, which
/// names the problem and never quotes a secret value.
api_error invalid(std::string message);

} // namespace igtcloud::entities::detail
