#pragma once

// Logging in to the IGT Cloud service (DESIGN.md §6): a password or a service key, tokens kept fresh for
// every session that uses them, and the token file shared with the Python client (`igtcloud login`).
//
//   entities::authenticator auth{ioc.get_executor(), {.auth_url = "https://HOST/api/auth",
//                                                     .grant = entities::password_grant{user, password}}};
//   auto me = co_await auth.async_login(asio::use_awaitable);          // optional: the provider logs in too
//   entities::session s{ioc.get_executor(), {.base_url = "https://HOST/api/data",
//                                           .credentials = auth.provider()}};
//
// Tokens, first found wins, on the first use of provider() (or async_current()): those taken at the
// previous login or refresh; $CLOUD_JWT_TOKEN + $CLOUD_CSRF_TOKEN when `from_environment` (checked with
// GET /introspect); the token file when `token_file` is set and the file's domain is auth_url's host; else
// a login with the grant. A login with a refresh_token claim is refreshed (POST /refresh), a service
// identity logs in again, when less than min(refresh_margin, lifetime / 3) is left, before the request that
// would carry the old JWT, and once after a 401; one call however many operations wait on it. The CSRF
// token of the login is kept across refreshes. After each login and refresh the token file is written back
// (mode 0600, atomically).
//
// Secrets (passwords, private keys, assertions, JWTs, CSRF tokens, the login answer's S3 credentials) never
// appear in events, errors, exceptions, to_string() or any output.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace igtcloud::entities {

namespace detail {
class auth_impl;
}

/// A user's login with a password (`grantType` "password").
struct password_grant {
    std::string username{}; ///< the user's login
    std::string password{}; ///< a secret: never logged
};

/// A service identity's login (`grantType` "jwt-key"): an RS256 assertion signed with its RSA private key,
/// claims {"aud": [audience], "iss": subject, "sub": subject, "exp": now + 3600}.
struct service_key_grant {
    std::string subject{};         ///< the service identity: the assertion's sub and iss
    std::string private_key_pem{}; ///< a secret: a PEM RSA private key (PKCS#1 or PKCS#8, unencrypted)
    /// The assertion's aud; none: asked with GET {auth_url}/login/$aud at each login.
    std::optional<std::string> audience{};
    /// Where the key was read from, if from a file: recorded in the token file as `keyFile` (the path,
    /// never the key) so that a later process can log in again when the tokens near expiry.
    std::optional<std::string> key_file{};
};

/// How the authenticator logs in: not at all (tokens only from the environment or the token file), with a
/// password, or with a service key.
using auth_grant = std::variant<std::monostate, password_grant, service_key_grant>;

/// Settings of an authenticator. The constructor refuses a bad auth_url or a PEM that is not an RSA private
/// key with std::invalid_argument (its message never holds a secret).
struct auth_options {
    /// The auth API's base URL, `https://HOST/api/auth` on the live service (http for the mock).
    std::string auth_url{};
    auth_grant grant{}; ///< how to log in; none: tokens only from the environment or the token file
    /// [180 s] renew when less than min(refresh_margin, lifetime / 3) is left.
    std::chrono::seconds refresh_margin{180};
    tls_options tls{};     ///< for an https auth_url
    proxy_options proxy{}; ///< none: direct connections
    /// The token file shared with the Python client (see default_token_file()); empty: none. Read at the
    /// first use when no tokens are held (a file for another domain, or unsafe, or unreadable, is "not
    /// logged in"); written after every login and refresh; removed by async_logout.
    std::string token_file{};
    /// Take $CLOUD_JWT_TOKEN + $CLOUD_CSRF_TOKEN when both are set (before the token file and the grant).
    bool from_environment{false};
    /// [30 s] each call to the auth API (login, refresh, logout, introspect), its attempts included; a
    /// renewal that keeps failing transiently is retried with backoff within this, then fails.
    std::chrono::milliseconds request_timeout{30'000};
    std::chrono::milliseconds connect_timeout{10'000}; ///< [10 s] TCP connect, proxy CONNECT, TLS handshake
    event_hook on_event{}; ///< the auth calls' events (targets carry no secret); none: no events
};

/// The standard path of the shared token file: $CLOUD_TOKEN_MMAP, else $TMPDIR/igtcloud_auth_mmap, else
/// /tmp/igtcloud_auth_mmap (the Python client's).
IGTCLOUD_ENTITIES_DECL std::string default_token_file();

/// Where the tokens in use came from.
enum class token_origin : std::uint8_t {
    login,       ///< a login made by this authenticator
    refresh,     ///< a refresh (or a new login of a service identity) made by this authenticator
    environment, ///< $CLOUD_JWT_TOKEN + $CLOUD_CSRF_TOKEN
    token_file,  ///< the shared token file
};

/// Who is logged in, without any secret (what `igtcloud-users whoami` prints).
struct login_info {
    std::string sub{};                                  ///< the login's subject
    std::string domain{};                               ///< "https://HOST" (the token file's form)
    std::chrono::system_clock::time_point expires_at{}; ///< when the JWT expires
    token_origin origin{token_origin::login}; ///< where the tokens came from
    bool renewable{}; ///< a refresh or a new login can renew the tokens before they expire
};

/// Counters, for tests and logs.
struct auth_stats {
    std::uint64_t logins{};         ///< POST /login calls that succeeded
    std::uint64_t refreshes{};      ///< POST /refresh calls that succeeded
    std::uint64_t introspections{}; ///< GET /introspect calls that succeeded
    std::uint64_t failures{};       ///< calls that failed (each attempt counted once)
};

/// Logs in to the auth API and keeps the tokens fresh for every session given provider().
/// Thread safety: every member may be called from any thread. The executor must outlive the calls.
class IGTCLOUD_ENTITIES_DECL authenticator {
public:
    /// Validates `options` (std::invalid_argument, see auth_options); no I/O until the first call.
    authenticator(boost::asio::any_io_executor executor, auth_options options);
    /// Ends pending calls with operation_aborted; later provider() calls fail with error::shut_down.
    ~authenticator();
    authenticator(authenticator const&) = delete;
    authenticator& operator=(authenticator const&) = delete;

    /// Logs in with the grant now (whatever tokens are held), writes the token file; completes with
    /// `void(api_result<login_info>)` on the handler's executor. error::invalid_argument when there is no
    /// grant. Cancellable (terminal, partial): the login is abandoned and nothing is kept.
    template <boost::asio::completion_token_for<void(api_result<login_info>)> Token = boost::asio::deferred_t>
    auto async_login(Token&& token = {})
    {
        return boost::asio::async_initiate<Token, void(api_result<login_info>)>(
            [impl = impl_](auto handler) { start_login(impl, login_handler(std::move(handler))); }, token);
    }

    /// The tokens in use as a login_info, taken from the sources above and renewed when due (so a first
    /// call may log in); `void(api_result<login_info>)`. Cancellable.
    template <boost::asio::completion_token_for<void(api_result<login_info>)> Token = boost::asio::deferred_t>
    auto async_current(Token&& token = {})
    {
        return boost::asio::async_initiate<Token, void(api_result<login_info>)>(
            [impl = impl_](auto handler) { start_current(impl, login_handler(std::move(handler))); }, token);
    }

    /// POST {auth_url}/logout with the JWT in use (when one is held or found), then forgets the tokens and
    /// removes the token file; `void(api_result<void>)`. A JWT the server no longer knows is not an error.
    /// Later provider() calls log in again when there is a grant. Cancellable.
    template <boost::asio::completion_token_for<void(api_result<void>)> Token = boost::asio::deferred_t>
    auto async_logout(Token&& token = {})
    {
        return boost::asio::async_initiate<Token, void(api_result<void>)>(
            [impl = impl_](auto handler) { start_logout(impl, logout_handler(std::move(handler))); }, token);
    }

    /// The credentials provider for session_options::credentials: the tokens in use (with their renewal
    /// time), renewing them as above. Several sessions may share it; it keeps the authenticator's state
    /// alive.
    credentials_provider provider() const;

    /// The login in use now, without I/O; none before the first login or use.
    std::optional<login_info> current() const;
    /// The counters now.
    auth_stats stats() const;

private:
    using login_handler = boost::asio::any_completion_handler<void(api_result<login_info>)>;
    using logout_handler = boost::asio::any_completion_handler<void(api_result<void>)>;
    static void start_login(std::shared_ptr<detail::auth_impl> const& impl, login_handler handler);
    static void start_current(std::shared_ptr<detail::auth_impl> const& impl, login_handler handler);
    static void start_logout(std::shared_ptr<detail::auth_impl> const& impl, logout_handler handler);

    std::shared_ptr<detail::auth_impl> impl_;
};

} // namespace igtcloud::entities
