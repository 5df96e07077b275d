#pragma once

// The check of every header value written to the wire (tokens, X-Fields mask, User-Agent): no control
// characters, so a value cannot break the header block. The message never quotes the value.

#include <igtcloud/entities/error.hpp>

#include <string_view>

namespace igtcloud::entities::detail {

/// Checks a header value (token, X-Fields mask, User-Agent) before it is written to the wire.
///
/// Refuses CR, LF, NUL and every other control character except HTAB (0x00-0x08, 0x0A-0x1F, 0x7F) with
/// error::invalid_argument, status 0. `name` appears in the message ("header X-JWT: value contains a control
/// character at offset 3"); the value never does, since it may be a secret token.
api_result<void> check_header_value(std::string_view name, std::string_view value);

} // namespace igtcloud::entities::detail
