#pragma once

// Types shared by the models. Every model member is optional, since X-Fields masks and older servers omit
// members; names are the spec's in snake_case, and the JSON names are written once, in the library.
// The models are marked IGTCLOUD_ENTITIES_DECL: a shared library's codec<T> instantiations (and
// detail::start<Params>) have the visibility of their template arguments, so hidden models would hide them.

#include <igtcloud/entities/config.hpp>

#include <chrono>

namespace igtcloud::entities {

/// A `date-time` of the spec: RFC 3339 on the wire (any offset in, UTC out), kept to microseconds.
using date_time = std::chrono::sys_time<std::chrono::microseconds>;
/// A `date` of the spec: `YYYY-MM-DD` on the wire.
using date = std::chrono::year_month_day;

} // namespace igtcloud::entities
