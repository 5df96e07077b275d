#pragma once

// The mock's --gzip (DESIGN.md §8): JSON answers of 1 KiB and more are sent gzip-compressed to clients whose
// Accept-Encoding accepts gzip, with `Content-Encoding: gzip`; every answer that could be compressed carries
// `Vary: Accept-Encoding`, compressed or not (as nginx's gzip_vary does). The zip download is never
// compressed: it is sent from the store's shared buffers without a copy, and production servers leave
// application/zip alone. The faults (truncation) apply to the bytes sent, so to the compressed ones.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "mock/service.hpp"

namespace igtcloud::mock::detail {

/// Answers of this many body bytes and more are compressed.
inline constexpr std::size_t gzip_min_bytes = 1024;

/// Whether an Accept-Encoding field value (several fields joined with ", ") accepts gzip (RFC 9110 §12.5.3):
/// `gzip` or `x-gzip` listed with a weight above 0 (none: 1), or, when neither is listed, `*` with a weight
/// above 0. Case-insensitive; spaces and tabs around elements and parameters ignored; the first listing of a
/// coding counts. `gzip;q=0` refuses; a malformed weight refuses; an empty value refuses.
bool accepts_gzip(std::string_view accept_encoding) noexcept;

/// Whether --gzip compresses `a` for a client that accepts gzip: a JSON body in one piece (no parts, so never
/// the zip download) of gzip_min_bytes or more.
bool compressible(answer const& a) noexcept;

/// Replaces the body of `a` by its gzip encoding (one member, fast compression) and sets its
/// content_encoding; leaves `a` as it is if zlib fails. Uses one zlib stream per thread, reset for each
/// answer.
void gzip_body(answer& a);

/// --gzip for one answer to `req`: a compressible answer gets Vary, and is compressed when the request's
/// Accept-Encoding fields accept gzip.
void negotiate_gzip(answer& a, boost::beast::http::request<boost::beast::http::string_body> const& req);

/// Appends the answer's `Content-Encoding` and `Vary` lines (CRLF-terminated) to a head being written, if
/// any.
void append_coding_fields(std::string& head, answer const& a);

} // namespace igtcloud::mock::detail
