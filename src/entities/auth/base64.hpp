#pragma once

// Base64 codecs for logging in: base64url without padding (the three parts of a JWT, RFC 7515 §2) and the
// standard alphabet with padding (the shared token file, as Python's base64.b64encode writes it). Decoding
// is strict (RFC 4648 canonical form): every refusal is error::invalid_argument naming the offset, never
// the text, since the text is usually a secret.

#include <igtcloud/entities/error.hpp>

#include <string>
#include <string_view>

namespace igtcloud::entities::detail::auth {

/// `bytes` in the standard alphabet (A-Z a-z 0-9 + /), padded with '=' to a multiple of 4.
std::string base64_encode(std::string_view bytes);

/// `bytes` in the URL-safe alphabet (A-Z a-z 0-9 - _), without padding.
std::string base64url_encode(std::string_view bytes);

/// Decodes standard, padded base64. Refused: a length that is not a multiple of 4, a character outside the
/// alphabet (whitespace and the URL-safe '-' '_' included), '=' anywhere but the last one or two places,
/// three '=', and unused bits that are not zero (a non-canonical encoding). "" decodes to "".
api_result<std::string> base64_decode(std::string_view text);

/// Decodes base64url without padding. Refused: any '=' (JWTs never pad), a character outside the URL-safe
/// alphabet ('+' and '/' included), a length of 4n + 1 (no whole byte), and unused bits that are not zero.
/// "" decodes to "".
api_result<std::string> base64url_decode(std::string_view text);

} // namespace igtcloud::entities::detail::auth
