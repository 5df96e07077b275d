#pragma once

// The HTTP proxy a session goes through, decided once when the session is built (one host per session).
//
//   proxy_options (+ environment) --choose_proxy--> nullopt (direct) | proxy_route
//   proxy_route.tunnel:  https base URL: TCP to the proxy, CONNECT host:port, then TLS end to end
//   !tunnel:             http base URL: TCP to the proxy, requests in absolute form
//                        (absolute_prefix + target)
//
// Everything here is pure (no I/O, no global state: the environment comes in as a function).

#include <igtcloud/entities/options.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entities/base_url.hpp"

namespace igtcloud::entities::detail {

/// How to reach the server through a proxy.
struct proxy_route {
    std::string host{};   ///< the proxy's host (connect here), unbracketed IPv6, reg-name lowercased
    std::uint16_t port{}; ///< the proxy's port (80 when the URL has none)
    bool tunnel{};        ///< CONNECT (https base URL); else absolute-form requests (http)
    /// Forward mode: "http://" + the base URL's Host header, prepended to targets.
    std::string absolute_prefix{};
    std::string authorization{}; ///< "Basic ..." when the proxy URL has userinfo, else empty (a secret)
    /// tunnel mode: the CONNECT request target and Host header, the server's "host:port" (port always
    /// present, IPv6 bracketed: "[::1]:8443").
    std::string connect_authority{};
};

/// Looks up one environment variable, as `::getenv` does (null: not set). Only called during choose_proxy.
using getenv_function = std::function<char const*(char const*)>;

/// Decides whether and how `server` is reached through a proxy.
///
/// The proxy URL is `options.url`; when that is empty and `options.from_environment` is set, it is the first
/// non-empty of `https_proxy`, `HTTPS_PROXY` (https servers) or `http_proxy`, `HTTP_PROXY` (http servers):
/// the lower-case name wins when both are set, as in curl and Python. `ALL_PROXY` is not consulted. In that
/// case only, the comma-separated entries of `no_proxy` and `NO_PROXY` are added to `options.no_proxy`
/// (the environment is not read at all when `options.url` is set).
///
/// Returns nullopt when there is no proxy URL or the server's host is in the no-proxy list (see
/// bypasses_proxy); otherwise the route, parsed by parse_proxy_url.
///
/// Errors: throws std::invalid_argument for a bad proxy URL; the message names its source
/// ("session_options::proxy.url" or the variable's name) and the problem, never the URL's text (its
/// userinfo holds a password).
std::optional<proxy_route> choose_proxy(proxy_options const& options, base_url const& server,
                                        getenv_function const& getenv);

/// Parses a proxy URL `http://[user[:password]@]host[:port][/]` with Boost.URL and completes the route for
/// `server` (tunnel for https servers, absolute_prefix for http ones, connect_authority).
///
/// Accepted: the scheme http (any case), or none at all ("proxy:3128" is read as "http://proxy:3128", as
/// curl does with environment values); a reg-name (lowercased), IPv4 or bracketed IPv6 host; a port of
/// 1-65535, default 80; an empty path or "/". userinfo gives `authorization` = "Basic " + base64(user ":"
/// password) of the percent-decoded user and password (a user alone: "user:"); an empty userinfo gives none.
///
/// Errors: error::invalid_argument, status 0, for another scheme (https, socks5, ...), a missing host, a
/// percent-encoded or IPvFuture host, a bad port, another path, a query, a fragment, a control character or
/// space, or a user name containing ':' once decoded. The message is "invalid proxy URL (<source>):
/// <problem>"; it never repeats the URL or any part of its userinfo.
api_result<proxy_route> parse_proxy_url(std::string_view text, base_url const& server,
                                        std::string_view source);

/// True when `host` (a base_url host: lowercased, IPv6 unbracketed) must be reached directly.
///
/// Each entry is trimmed of spaces and tabs, empty entries are skipped, and comparisons ignore case:
/// - `*` matches every host;
/// - an IP literal (`10.1.2.3`, `::1`, `[::1]`) matches the same address, however written; a CIDR block
///   (`10.0.0.0/8`, `fd00::/8`) matches the addresses in it; an IP host matches nothing else (no suffix
///   matching, no name resolution: `localhost` does not match `127.0.0.1`);
/// - a host name matches itself and its subdomains, with or without a leading `.` or `*.`
///   (`example.org`, `.example.org` and `*.example.org` all match `example.org` and `api.example.org`, not
///   `badexample.org`); a trailing `.` is ignored on both sides;
/// - an entry's `:port` (`example.org:8443`, `[::1]:8443`) is ignored: the entry matches the host on every
///   port, since a session talks to one port of its host anyway.
bool bypasses_proxy(std::string_view host, std::span<std::string const> no_proxy);

/// Appends the entries of a comma-separated list (NO_PROXY syntax) to `out`, untrimmed (a trailing comma adds
/// nothing; empty entries in between are kept, and skipped by bypasses_proxy).
void split_no_proxy(std::string_view list, std::vector<std::string>& out);

/// "Basic " + base64(user ":" password) (RFC 7617), with auth/base64.hpp's standard encoder.
std::string basic_authorization(std::string_view user, std::string_view password);

} // namespace igtcloud::entities::detail
