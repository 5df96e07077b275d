#pragma once

// The auth API's exchanges (DESIGN.md §6), each one request through the session pipeline (prepare ->
// run_operation: the pool, TLS, proxy, timeouts) of a client_impl made for auth_url, with the pipeline's
// retries off (refresh_policy owns renewal retries), and the answer read by login_answer.hpp's parsers.
//
//   audience   GET  {auth}/login/$aud                          -> parse_audience_answer
//   login      POST {auth}/login  {password | jwt-key body}    -> parse_login_answer(need_csrf)
//   refresh    POST {auth}/refresh  X-JWT + X-CSRF-TOKEN        -> parse_login_answer(no csrf needed)
//   introspect GET  {auth}/introspect  X-JWT + X-CSRF-TOKEN     -> {"active": true, "exp": N, ...}
//   logout     POST {auth}/logout  X-JWT                        -> any 2xx, or 401 (the JWT is unknown)
//
// The password and the assertion are the request's secrets (request_spec::secrets): an error text a server
// echoes has them taken out. Every error keeps the answer's HTTP status (0: none arrived), which kind_of()
// reads.

#include <igtcloud/entities/auth.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "entities/auth/jwt.hpp"
#include "entities/auth/login_answer.hpp"
#include "entities/auth/refresh_policy.hpp"

namespace igtcloud::entities::detail {
struct client_impl;
}

namespace igtcloud::entities::detail::auth {

/// What a login needs: a password, or a service identity with its parsed key.
struct login_grant {
    grant_kind kind{grant_kind::password};
    std::string username{}; ///< password: the user; service key: the subject
    std::string password{};
    std::optional<rsa_private_key> key{};
    std::optional<std::string> audience{}; ///< service key: configured, else asked each login
    std::optional<std::string> key_file{}; ///< service key: recorded in the token file
};

/// The client for auth_url: the session pipeline with its retries off.
std::shared_ptr<client_impl> make_auth_client(boost::asio::any_io_executor executor, auth_options const& o);

/// How a failed call counts for refresh_policy: 429, 5xx and transport failures are transient; any other
/// answer, and a 200 that does not parse, is a rejection.
refresh_policy::failure_kind kind_of(api_error const& e) noexcept;

boost::asio::awaitable<api_result<login_answer>> login_call(std::shared_ptr<client_impl> client,
                                                            login_grant const& grant);
boost::asio::awaitable<api_result<login_answer>> refresh_call(std::shared_ptr<client_impl> client,
                                                              std::string jwt, std::string csrf);

/// What GET /introspect says of tokens that are active.
struct introspection {
    std::chrono::system_clock::time_point expires_at{};
    std::optional<std::string> sub{};
};
/// error::invalid_argument when the server says the tokens are not active (or answers 4xx);
/// error::invalid_response when a 200 is no such object.
boost::asio::awaitable<api_result<introspection>> introspect_call(std::shared_ptr<client_impl> client,
                                                                  std::string jwt, std::string csrf);
boost::asio::awaitable<api_result<void>> logout_call(std::shared_ptr<client_impl> client, std::string jwt);

} // namespace igtcloud::entities::detail::auth
