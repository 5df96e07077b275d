#pragma once

// The one place that turns a non-success HTTP answer into an api_error, and server text made safe to show.

#include <igtcloud/entities/error.hpp>

#include <string_view>

namespace igtcloud::entities::detail {

/// Turns an HTTP answer that is not the operation's success into an api_error: the one place that does.
///
/// - 4xx/5xx: `code` is the status in http_category(); anything else: error::unexpected_status.
/// - `message`: the `message` of a 4xxMessage body (`{"message": "..."}`) when the body is such a JSON
///   object, whatever the content type says; else the reason phrase, followed by the start of a
///   `text/plain` body.
///   Server text is untrusted: control characters become spaces and it is cut to a sane length on a UTF-8
///   boundary. Empty bodies, HTML, JSON arrays and garbage all give a readable message.
api_error error_from_answer(unsigned status, std::string_view content_type, std::string_view body);

/// Server text made safe for one log line: control characters replaced, at most `limit` bytes, never cutting
/// a UTF-8 sequence.
std::string sanitize_server_text(std::string_view text, std::size_t limit);

} // namespace igtcloud::entities::detail
