#pragma once

// igtcloud-users: logging in (login, logout, whoami) and the authenticator every other command's session
// goes through when its tokens come from $CLOUD_JWT_TOKEN/$CLOUD_CSRF_TOKEN or the token file (DESIGN.md §6).
//
// Design: one entities::authenticator per process, built from the global options (auth URL, TLS, proxy,
// timeouts) with the shared token file (default_token_file()); the session takes its provider(), so tokens
// are refreshed and the file written back by the library. The CLI reads the token file itself only to say
// why it is not used (its path and the reason) and to warn when others may read it.

#include <igtcloud/entities/auth.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include <string>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// The authenticator's settings from the global options: auth_url, tls, proxy, timeouts, the token file,
/// the environment's tokens when `from_environment`, and `grant`.
entities::auth_options auth_options_for(global_options const& g, entities::auth_grant grant = {},
                                        bool from_environment = true);

/// What the token file holds for the domain in use.
struct token_file_status {
    std::string path{};
    bool usable{};      ///< a login for this domain, safe to use
    std::string note{}; ///< why it is not usable, or a warning (readable by others); names the path
};

/// Looks at the token file (default_token_file()) for `auth_url`'s domain.
token_file_status inspect_token_file(std::string const& auth_url);

/// whoami's document: {"sub", "domain", "expiresAt"} (RFC 3339, UTC); no secret.
boost::json::object whoami_document(entities::login_info const& info);

/// `login`, `logout`, `whoami` on `ioc` (run on this thread); the exit code.
int run_auth_command(invocation const& inv, boost::asio::io_context& ioc);

} // namespace igtcloud::cli
