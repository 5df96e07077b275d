#pragma once

// Logging in to the live IGT Cloud service (issue 14, DESIGN.md §6): the internal map of the whole login, and
// the one include for its socket-free parts. Built and unit-tested (test/unit/auth_*): base64.hpp, jwt.hpp,
// login_answer.hpp, refresh_policy.hpp, token_file.hpp. Planned for the next step (not written yet): the
// public <igtcloud/entities/auth.hpp>, the authenticator's I/O shell, the mock's auth routes, the CLI.
//
// Public types (names fixed by §6; next step)
//   auth_options{auth_url, grant, refresh_margin [180 s], tls, proxy}
//   grant = password_grant{username, password} | service_key_grant{subject, private_key_pem, audience?}
//   authenticator{executor, auth_options}: async_login(token), async_logout(token), provider() -> the
//   credentials_provider for session_options::credentials. Holds a refresh_policy (refresh_settings: the
//   grant kind, refresh_margin, can_login = credentials held), the current login_answer, and the path of the
//   token file; one mutex serializes the policy, as pool_policy's shell does.
//
// Data flow
//   construct: service key -> rsa_private_key::from_pem (a bad PEM fails here, before any I/O)
//   log in:    password    -> password_login_body(U, P)                       --POST {auth}/login-->
//              service key -> audience (configured, else GET {auth}/login/$aud -> parse_audience_answer)
//                          -> make_service_assertion(sub, aud, now, key) -> service_login_body(A) --POST
//                          /login-->
//              200 -> parse_login_answer(Set-Cookie field values, body, need_csrf = true, now)
//                  -> login_answer{jwt, claims, expires_at, csrf_token, sub}
//                  -> policy.succeeded(token_times{iat (else now), expires_at, claims.has_refresh_token})
//                  -> write_token_file(token_file_path(env), {sub, jwt, claims.payload, csrf, "https://HOST",
//                                                             keyFile after a service-key login})
//   refresh:   POST {auth}/refresh with X-JWT + X-CSRF-TOKEN, no body -> parse_login_answer(need_csrf =
//   false);
//              the login's CSRF token is kept (a new one in the body is ignored), the file written back
//   provider(reason, done) (token_source calls it one call at a time):
//              initial -> policy.need(now, deadline); refresh (a 401) -> policy.rejected(generation, ...)
//              use -> done(current tokens) | start -> run renewal_for(...) | wait -> park on a timer until
//              the call's outcome | fail -> done(error)
//   outcome:   policy.succeeded(...) -> wake `wake` waiters with the tokens
//              policy.failed(kind, error, now, random_jitter()):
//                kind = rejected for 400/401 answers and for a 200 that parse_login_answer refuses; transient
//                for transport errors, attempt timeouts, 429, 5xx
//              -> wake with `failure` | a timer until retry_at, then retry_due() | start_now (login after a
//                 rejected refresh)
//   environment: CLOUD_JWT_TOKEN + CLOUD_CSRF_TOKEN -> GET {auth}/introspect (exp) -> policy.adopt({now, exp,
//              false}) with can_login = false
//   token file: read_token_file(path, domain in use) -> decode_jwt(data.jwt) -> policy.adopt(...); a keyFile
//              member -> a service_key_grant from that file, so a later command logs in again near expiry
//   log out:   POST {auth}/logout with X-JWT; the token file removed
//   Precedence (CLI): --jwt/--csrf, $IGTCLOUD_JWT/_CSRF, $CLOUD_JWT_TOKEN/_CSRF_TOKEN, then the token file.
//
// Mock server (next step): /api/auth/{login, login/$aud, refresh, logout, introspect}; JWTs from sign_hs256
//   with a secret of its own, claims {sub, iat, exp = iat + --token-lifetime, refresh_token for --user
//   logins}; Set-Cookie "jwt_header_payload=H.P; Max-Age=N; Path=/; HttpOnly" and "jwt_signature=S; Path=/;
//   HttpOnly"; every Users route (/data and /api/data) checks verify_hs256 and exp > now, else 401;
//   --service-key SUB=PEM
//   -> rsa_public_key::from_pem, and a login's assertion -> verify_rs256 + aud, sub == iss == SUB, exp > now.
//
// Secrets (passwords, keys, assertions, JWTs, CSRF tokens) never reach a message: every refusal here names
// the part at fault only (test/unit/auth_secrets_test.cpp sweeps them); the shell must keep it so.

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include "entities/auth/login_answer.hpp"
#include "entities/auth/refresh_policy.hpp"
#include "entities/auth/token_file.hpp"
