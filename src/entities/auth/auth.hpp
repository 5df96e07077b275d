#pragma once

// Logging in to the live IGT Cloud service (issue 14, DESIGN.md §6): the internal map of the whole login, and
// the one include for its socket-free parts. Socket-free, unit-tested (test/unit/auth_*): base64.hpp, jwt.hpp,
// login_answer.hpp, refresh_policy.hpp, token_file.hpp. The I/O shell (integration-tested,
// test/integration/auth_test.cpp and auth_input_test.cpp, suite auth): auth_calls.hpp (the five exchanges),
// auth_impl.hpp + authenticator.cpp (the shell). Public API: <igtcloud/entities/auth.hpp>.
//
// Public types
//   auth_options{auth_url, grant, refresh_margin [180 s], tls, proxy, token_file, from_environment,
//                request_timeout, connect_timeout, on_event}
//   auth_grant = monostate | password_grant{username, password} | service_key_grant{subject, private_key_pem,
//                audience?, key_file?}
//   authenticator{executor, auth_options}: async_login, async_current, async_logout, provider(), current(),
//   stats(). Holds a shared detail::auth_impl: one mutex over a refresh_policy (refresh_settings: the grant
//   kind, refresh_margin, can_login = a grant is held), the tokens held (held_tokens), the parked callers.
//
// One pipeline: every auth call is a request_spec through prepare -> run_operation of a detail::client_impl
//   made for auth_url (make_auth_client: no tokens of its own, retry.max_attempts = 1, auth_options' timeouts,
//   TLS, proxy and on_event). What the auth calls need of it, off the Users operations' path:
//   request_spec::tokens (X-JWT / X-CSRF-TOKEN of this request), ::secrets (the password, the assertion:
//   redacted from the error text a server echoes, raw and JSON-escaped), ::keep_cookies (answer_parser keeps
//   the Set-Cookie values, exchange_result::set_cookies).
//
// Data flow
//   construct: auth_url parsed (its "scheme://host[:port]" is the token file's domain); service key ->
//              rsa_private_key::from_pem (a bad PEM: std::invalid_argument, never quoting it)
//   log in:    password    -> password_login_body(U, P)                       --POST {auth}/login-->
//              service key -> audience (configured, else GET {auth}/login/$aud -> parse_audience_answer)
//                          -> make_service_assertion(sub, aud, now, key) -> service_login_body(A) --POST-->
//              200 -> parse_login_answer(Set-Cookie values, body, need_csrf = true, now) -> held_tokens
//                  -> write_token_file(options.token_file, {sub, jwt, claims.payload, csrf, domain,
//                                                            keyFile after a service-key login with key_file})
//   refresh:   POST {auth}/refresh with X-JWT + X-CSRF-TOKEN, no body -> parse_login_answer(need_csrf = false);
//              the login's CSRF token is kept (the body's CSRFToken is ignored), the file written back
//   provider(reason, done) (token_source calls it one call at a time per session; several sessions share it):
//              first use: the sources (below); initial / expiring -> policy.need(now, now + request_timeout);
//              refresh (a 401) -> policy.rejected(current generation, ...)
//              use -> done(tokens, renew_at = expires_at - min(refresh_margin, lifetime / 3)) | start ->
//              run_renewal + park | wait -> park | fail -> done(error, plus why the token file gave nothing)
//   outcome:   policy.succeeded(...) -> every parked caller completes with the tokens
//              policy.failed(kind_of(error), ...): rejected = 4xx other than 429, a 200 that does not parse;
//              transient = transport failures, timeouts, 429, 5xx
//              -> every parked caller fails | a steady_timer until retry_at, then retry_due() | start_now (a
//                 login after a rejected refresh)
//   async_login: login_call outside the policy, on a strand with the handler's cancellation slot; a
//              cancelled one keeps nothing; a success is adopted (policy.adopt) and written to the file
//   environment: CLOUD_JWT_TOKEN + CLOUD_CSRF_TOKEN (from_environment) -> GET {auth}/introspect with both ->
//              {"active": true, "exp"} -> policy.adopt; inactive or 4xx: a clear, sticky error
//   token file: read_token_file(path, domain) at first use -> decode_jwt -> policy.adopt; a keyFile member
//              and no grant -> a service-key grant from that file (can_login), so a later process logs in
//              again near expiry
//   log out:   POST {auth}/logout with X-JWT (a 401 is not an error); the tokens forgotten, our domain's token
//              file removed
//   shutdown:  ~authenticator -> parked callers fail with operation_aborted, the auth client's pool closed
//              (calls in flight end with operation_aborted); later provider() calls: error::shut_down
//   Every completion is posted to the handler's associated executor, never run inside the initiating call.
//   Precedence (CLI): --jwt/--csrf, $IGTCLOUD_JWT/_CSRF, $CLOUD_JWT_TOKEN/_CSRF_TOKEN, then the token file.
//
// Mock server: /api/auth/{login, login/$aud, refresh, logout, introspect} (src/mock/auth_service.*).
//
// Secrets (passwords, keys, assertions, JWTs, CSRF tokens) never reach a message: every refusal here names
// the part at fault only (test/unit/auth_secrets_test.cpp sweeps them); the shell must keep it so.

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include "entities/auth/login_answer.hpp"
#include "entities/auth/refresh_policy.hpp"
#include "entities/auth/token_file.hpp"
