#pragma once

// Request targets: the base URL's prefix, an endpoint's path template with percent-encoded path segments,
// and the query. Pure (no I/O); a refusal is error::invalid_argument with status 0 and names the parameter,
// never its value.

#include <igtcloud/entities/error.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// Appends `s` to `out` percent-encoded as one path segment or one query component: every byte other than an
/// RFC 3986 unreserved character (ALPHA / DIGIT / '-' / '.' / '_' / '~') becomes "%XX" with uppercase hex.
void append_encoded(std::string& out, std::string_view s);

/// A value for one "{name}" of a path template. Views: the caller keeps the text alive during the call.
struct path_param {
    std::string_view name{};
    std::string_view value{};
};

/// One query parameter; `nullopt` omits it from the target, an empty value gives "name=".
struct query_param {
    std::string_view name{};
    std::optional<std::string_view> value{};
};

/// A query parameter given once per value (Swagger's collectionFormat multi): "name=v1&name=v2", in the
/// order of `values`. Views: the caller keeps the values alive during the call.
struct repeated_query_param {
    std::string_view name{};
    std::span<std::string const> values{};
};

/// Builds a request target into `out` (cleared first): `prefix` verbatim, then `path_template` with each
/// "{name}" replaced by the matching path_param's value encoded as ONE segment ("a b/../c" ->
/// "a%20b%2F..%2Fc"), then "?n=v&n2=v2" for the query params that have a value, then "n3=a&n3=b" for each
/// repeated param (names and values encoded as query components, so '&', '=', '+', '/', ' ' and non-ASCII
/// bytes are all %XX; no '?' when there is no parameter at all).
///
/// `prefix` and `path_template` are trusted (a parsed base_url prefix and a compile-time endpoint path) and
/// copied as they are. One pass over the input, one reservation of an upper bound, no temporaries.
///
/// Errors: error::invalid_argument, status 0, for an empty path value, a value that is exactly "." or "..",
/// a "{name}" with no matching path_param, an unterminated '{', a repeated param with no value, or an empty
/// value of a repeated param. Messages name the parameter (and a repeated value's position), never its
/// value. On error `out` is left empty.
api_result<void> build_target(std::string& out, std::string_view prefix, std::string_view path_template,
                              std::span<path_param const> path, std::span<query_param const> query,
                              std::span<repeated_query_param const> repeated = {});

} // namespace igtcloud::entities::detail
