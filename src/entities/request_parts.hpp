#pragma once

// Pure request building blocks: base URL parsing, header value checks, percent-encoding and
// request targets. No I/O; every refusal is error::invalid_argument with status 0, so bad input
// is caught before anything reaches the wire (DESIGN.md §3).

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>

#include <boost/url/url_view.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace igtcloud::entities::detail {

/// A parsed session base URL, e.g. "https://example.org:8443/data".
struct base_url {
    bool tls{}; ///< true for https
    std::string
        host{}; ///< host to connect to, for SNI and verification: "::1" unbracketed, reg-name lowercased
    std::uint16_t port{}; ///< the explicit port, else 80 (http) or 443 (https)
    std::string
        prefix{}; ///< path prefix without trailing '/', "" for none, e.g. "/data" (percent-encoding kept)
    std::string
        host_header{}; ///< Host header value: host ("[v6]" bracketed) plus ":port" unless the scheme default
};

/// Parses a session base URL `http[s]://HOST[:PORT][/PREFIX]` with Boost.URL.
///
/// The scheme is http or https in any case; the host is a reg-name (lowercased), an IPv4 address or an
/// IPv6 literal in brackets. Trailing slashes of the path are removed ("/data/" -> "/data", "/" -> "").
///
/// Errors: error::invalid_argument, status 0, when the text is not an absolute URL, has another scheme,
/// no or an empty host, a percent-encoded or IPvFuture host, userinfo, a query (even an empty '?'), a
/// fragment, an empty, non-numeric, zero or over-65535 port, or any control character or space. The message
/// names the problem and the offending offset at most; it never repeats the text (userinfo may hold a
/// password).
IGTCLOUD_ENTITIES_DECL api_result<base_url> parse_base_url(std::string_view text);

/// Where a URL points: host (reg-name lowercased, IPv6 unbracketed) and port.
struct url_endpoint {
    std::string host{};
    std::uint16_t port{};
};

/// The host and port of a parsed absolute URL (`default_port` when it names none), or what is wrong with them
/// as a fixed text that never quotes the URL (it may hold a password): no or an empty host, a percent-encoded
/// or IPvFuture host, an empty, non-numeric, zero or over-65535 port. Shared by base and proxy URLs.
IGTCLOUD_ENTITIES_DECL std::variant<url_endpoint, char const*> read_endpoint(boost::urls::url_view const& u,
                                                                             std::uint16_t default_port);

/// The offset of the first control character or space in `text`, if any (Boost.URL refuses them without
/// saying where).
IGTCLOUD_ENTITIES_DECL std::optional<std::size_t> find_control_or_space(std::string_view text) noexcept;

/// `host` ("[v6]" bracketed) and ":port" when given: a Host header or a CONNECT authority.
IGTCLOUD_ENTITIES_DECL std::string host_and_port(std::string_view host, std::optional<std::uint16_t> port);

/// `s` with ASCII letters lowercased (host names, no-proxy entries).
IGTCLOUD_ENTITIES_DECL std::string ascii_lowercase(std::string_view s);

/// Checks a header value (token, X-Fields mask, User-Agent) before it is written to the wire.
///
/// Refuses CR, LF, NUL and every other control character except HTAB (0x00-0x08, 0x0A-0x1F, 0x7F) with
/// error::invalid_argument, status 0. `name` appears in the message ("header X-JWT: value contains a control
/// character at offset 3"); the value never does, since it may be a secret token.
IGTCLOUD_ENTITIES_DECL api_result<void> check_header_value(std::string_view name, std::string_view value);

/// Appends `s` to `out` percent-encoded as one path segment or one query component: every byte other than an
/// RFC 3986 unreserved character (ALPHA / DIGIT / '-' / '.' / '_' / '~') becomes "%XX" with uppercase hex.
IGTCLOUD_ENTITIES_DECL void append_encoded(std::string& out, std::string_view s);

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

/// Builds a request target into `out` (cleared first): `prefix` verbatim, then `path_template` with each
/// "{name}" replaced by the matching path_param's value encoded as ONE segment ("a b/../c" ->
/// "a%20b%2F..%2Fc"), then "?n=v&n2=v2" for the query params that have a value (names and values encoded; no
/// '?' when none).
///
/// `prefix` and `path_template` are trusted (a parsed base_url prefix and a compile-time endpoint path) and
/// copied as they are. One pass over the input, one reservation of an upper bound, no temporaries.
///
/// Errors: error::invalid_argument, status 0, for an empty path value, a value that is exactly "." or "..",
/// a "{name}" with no matching path_param, or an unterminated '{'. Messages name the parameter, never its
/// value. On error `out` is left empty.
IGTCLOUD_ENTITIES_DECL api_result<void> build_target(std::string& out, std::string_view prefix,
                                                     std::string_view path_template,
                                                     std::span<path_param const> path,
                                                     std::span<query_param const> query);

} // namespace igtcloud::entities::detail
