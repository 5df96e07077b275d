#pragma once

// igtcloud-users: which service a command talks to. --url and --auth-url, else --domain or --env, else the
// environment ($IGTCLOUD_URL, then $CLOUD_DOMAIN), give the Users API's base URL and the auth API's URL
// (DESIGN.md §5, §6). Pure: no I/O, no environment look-up (the caller passes what it found).
//
// Design: a domain is a host ("igt-web.eu1.phsdp.com": https) or an origin ("http://127.0.0.1:8080": its
// scheme and port are kept, so tests can point --domain at the mock); it gives https://HOST/api/data and
// https://HOST/api/auth. When only a base URL is known (--url or $IGTCLOUD_URL), the auth API is taken to
// live on the same origin, at /api/auth, as it does on the live service and on the mock.

#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::cli {

/// What the command line and the environment say about the service; absent ones are nullopt.
struct address_inputs {
    std::optional<std::string> url{};        ///< --url
    std::optional<std::string> auth_url{};   ///< --auth-url
    std::optional<std::string> domain{};     ///< --domain
    std::optional<std::string> env{};        ///< --env PROD|TEST
    std::optional<std::string> env_url{};    ///< $IGTCLOUD_URL
    std::optional<std::string> env_domain{}; ///< $CLOUD_DOMAIN
};

/// The resolved URLs. auth_url is empty when it cannot be derived (an unusable url: the session's
/// constructor reports that one).
struct service_address {
    std::string url{};
    std::string auth_url{};
};

/// The host of an --env name (PROD, TEST; any case); nullopt for another name.
std::optional<std::string> host_of_environment(std::string_view name);

/// "scheme://HOST[:PORT]" of a URL (the port only when not the scheme's default); "" when it does not parse.
std::string origin_of_url(std::string_view url);

/// "https://HOST[:PORT]" of a domain given as HOST, HOST:PORT or http[s]://HOST[:PORT][/]; nullopt when it is
/// none of those (another scheme, a path, userinfo, a query, spaces).
std::optional<std::string> origin_of_domain(std::string_view domain);

/// The usage error of a command line that names no service.
extern char const* const no_service;

/// Resolves `in` (see the file comment). Throws usage_error for --domain with --env, an unknown --env, an
/// unusable domain, or when no source gives a URL (url may stay empty when only auth_url is given: enough
/// for login, logout and whoami).
service_address resolve_service(address_inputs const& in);

} // namespace igtcloud::cli
