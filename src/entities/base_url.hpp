#pragma once

// The session's base URL and the URL pieces the proxy shares: parsing with Boost.URL, host and port checks,
// Host header text. Pure (no I/O); every refusal is error::invalid_argument with status 0, so a bad URL is
// caught before anything reaches the wire (DESIGN.md §3), and no message quotes the URL.

#include <igtcloud/entities/error.hpp>

#include <boost/url/url_view.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace igtcloud::entities::detail {

/// A parsed session base URL, e.g. "https://example.org:8443/data".
struct base_url {
    bool tls{}; ///< true for https
    /// The host to connect to, for SNI and verification: "::1" unbracketed, reg-name lowercased.
    std::string host{};
    std::uint16_t port{}; ///< the explicit port, else 80 (http) or 443 (https)
    /// The path prefix without trailing '/', "" for none, e.g. "/data" (percent-encoding kept).
    std::string prefix{};
    /// The Host header value: host ("[v6]" bracketed) plus ":port" unless the scheme's default.
    std::string host_header{};
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
api_result<base_url> parse_base_url(std::string_view text);

/// Where a URL points: host (reg-name lowercased, IPv6 unbracketed) and port.
struct url_endpoint {
    std::string host{};
    std::uint16_t port{};
};

/// The host and port of a parsed absolute URL (`default_port` when it names none), or what is wrong with them
/// as a fixed text that never quotes the URL (it may hold a password): no or an empty host, a percent-encoded
/// or IPvFuture host, an empty, non-numeric, zero or over-65535 port. Shared by base and proxy URLs.
std::variant<url_endpoint, char const*> read_endpoint(boost::urls::url_view const& u,
                                                      std::uint16_t default_port);

/// The offset of the first control character or space in `text`, if any (Boost.URL refuses them without
/// saying where).
std::optional<std::size_t> find_control_or_space(std::string_view text) noexcept;

/// `host` ("[v6]" bracketed) and ":port" when given: a Host header or a CONNECT authority.
std::string host_and_port(std::string_view host, std::optional<std::uint16_t> port);

/// `s` with ASCII letters lowercased (host names, no-proxy entries).
std::string ascii_lowercase(std::string_view s);

} // namespace igtcloud::entities::detail
