#pragma once

// How the two file readers of batch provisioning (CSV, JSON Lines) turn a row into an item: the user, or a
// failed item "line N: <problem>".

#include <igtcloud/entities/provision.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// A failed item: error::invalid_argument, "line N: <problem>".
provision_item bad_row(std::size_t line, std::string_view problem);
/// The failed item of a read error: errc::io_error, "line N: read error".
provision_item read_failure(std::size_t line);
/// The user, or a bad row naming what it lacks: "missing loginId", "missing email", "missing loginId and
/// email" (absent or empty).
provision_item checked(std::size_t line, user_create user);
/// "<what> longer than <limit> bytes".
std::string too_long(std::string_view what, std::size_t limit);

} // namespace igtcloud::entities::detail
