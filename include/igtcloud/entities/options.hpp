#pragma once

// Settings of a session and of one request. Aggregates with defaults: set what you need.

#include <igtcloud/entities/error.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::entities {

/// TLS settings for `https` base URLs. When verifying, SNI and host-name verification are always on.
struct tls_options {
    bool verify_peer{true};         ///< [true] verify the server's certificate chain and host name
    std::string ca_file{};          ///< PEM file of trusted CAs; none: the system trust store
    std::string ca_dir{};           ///< directory of hashed CA certificates (c_rehash layout)
    std::string client_cert_file{}; ///< PEM client certificate (chain), for servers that ask for one
    std::string client_key_file{};  ///< PEM private key of the client certificate
};

/// Retries of failed attempts. Only operations that are safe to repeat are retried (GET, PUT, DELETE and
/// POST /users, idempotent by the service's semantics), and only after a transport failure (connection
/// refused/reset/closed, a connect timeout with time left) or a 429/502/503/504 answer. The operation's
/// deadline (request_timeout) bounds every attempt and every wait.
struct retry_options {
    /// [3] attempts per operation, the first included; 1 turns retries off.
    unsigned max_attempts{3};
    /// [100 ms] backoff before retry n: uniform in [0, min(max_backoff, initial_backoff * 2^(n-1))] ("full
    /// jitter"), or the server's Retry-After when it sent one.
    std::chrono::milliseconds initial_backoff{100};
    /// [5 s] the cap of the exponential backoff
    std::chrono::milliseconds max_backoff{5'000};
    /// [30 s] Retry-After (seconds or an HTTP date) is honoured up to this; a server asking for longer gets
    /// its answer returned at once instead of a retry (waiting less than asked would hammer it).
    std::chrono::milliseconds max_retry_after{30'000};
    /// Session-wide budget, so that a batch job cannot multiply an outage: every operation deposits
    /// `budget_ratio` and every retry spends 1 from a balance capped at (and starting at) `budget_burst`.
    /// With the defaults, retries stay under 10 % of recent operations plus a burst of 10. When the budget
    /// is spent, the failed attempt's result is returned at once.
    double budget_ratio{0.1};
    unsigned budget_burst{10}; ///< [10]
};

/// The tokens sent with a request (DESIGN.md §2): `X-JWT` and/or `X-CSRF-TOKEN`, each when not empty.
/// Secrets: never logged, never in errors or events.
struct access_tokens {
    std::string jwt{};        ///< sent as `X-JWT` when not empty
    std::string csrf_token{}; ///< sent as `X-CSRF-TOKEN` when not empty
    /// When the session asks its provider again (reason `expiring`) before sending these: the tokens of a
    /// login are renewed shortly before they expire. None: used until the server answers 401.
    std::optional<std::chrono::system_clock::time_point> renew_at{};
};

/// Why the session asks its credentials provider.
enum class credentials_reason : std::uint8_t {
    initial,  ///< no tokens yet (first operation)
    refresh,  ///< the server answered 401 to the current tokens
    expiring, ///< the current tokens' renew_at has passed
};

/// Completion of a credentials request: the tokens, or an error the waiting operations fail with.
using credentials_handler = boost::asio::any_completion_handler<void(api_result<access_tokens>)>;

/// An asynchronous source of tokens, e.g. a call to an identity service. The session calls it from one of
/// its I/O threads and never runs two calls at once: however many operations need tokens (or met a 401)
/// together, they all wait for one call. The provider must invoke the handler exactly once (from any thread,
/// inline or later). After a 401 the operation is repeated once with refreshed tokens.
using credentials_provider = std::function<void(credentials_reason, credentials_handler)>;

/// An HTTP proxy. For https base URLs the session opens a CONNECT tunnel (TLS runs end to end through it);
/// for http ones it sends absolute-form requests to the proxy.
struct proxy_options {
    /// `http://[user:password@]host:port`; basic auth when userinfo is given (a secret: never logged).
    /// Empty: no proxy, unless `from_environment`.
    std::string url{};
    /// Hosts reached directly: an exact host name or IP literal, a domain suffix (`example.org` or
    /// `.example.org` both match `api.example.org`), or `*` for every host. Case-insensitive.
    std::vector<std::string> no_proxy{};
    /// When `url` is empty: take it from `HTTPS_PROXY` (https base URLs) or `HTTP_PROXY` (http), also in
    /// lower case, and add `NO_PROXY` / `no_proxy` (comma-separated) to `no_proxy`.
    bool from_environment{false};
};

/// What an event reports.
enum class event_kind : std::uint8_t {
    attempt,           ///< one attempt of an operation ended (answered or failed)
    queued,            ///< an operation waits for a free connection (the pool is at max_connections)
    connection_opened, ///< a new connection is ready (connect, proxy tunnel and TLS done)
    connection_closed, ///< a connection was closed; see close_reason
};

/// Why a connection was closed.
enum class close_reason : std::uint8_t {
    none,         ///< (not a connection_closed event)
    not_reusable, ///< the answer said so (Connection: close, HTTP/1.0) or was not read to its end
    failed,       ///< opening it or an exchange on it failed (includes timeouts and cancellation)
    stale,        ///< found closed by the server (or holding junk) before reuse
    idle_expired, ///< idle for idle_timeout, or the server's Keep-Alive timeout ran out
    shutdown,     ///< the session was shut down
};

/// One observability event. Views are valid during the hook call only. Never holds a token, a proxy
/// password or the `$storage` credentials.
struct event {
    event_kind kind{};            ///< what happened; the members below say for which kinds they are set
    std::string_view operation{}; ///< attempt: the spec's operationId without `_resource`, e.g. "get_user"
    std::string_view method{};    ///< attempt: "GET", "POST", ...
    std::string_view target{};    ///< attempt: the request target, e.g. "/data/users/7f3c..."
    unsigned status{};            ///< attempt: the HTTP status, 0 when no answer arrived
    boost::system::error_code error{}; ///< attempt: the attempt's error (success: none)
    /// attempt: from its start to its end; connection_opened: the time opening it took
    std::chrono::microseconds duration{};
    unsigned attempt{};       ///< attempt: 1 for the first, 2 for the first repeat, ...
    bool reused_connection{}; ///< attempt: sent on a connection that carried an earlier request
    close_reason reason{};    ///< connection_closed
};

/// Receives events synchronously on the session's I/O threads, possibly several at once: keep it short,
/// thread-safe and non-blocking. An exception it throws is swallowed.
using event_hook = std::function<void(event const&)>;

/// Settings of a session. The constructor of `session` refuses a bad base_url or header value with
/// `std::invalid_argument` (its message never contains a token).
struct session_options {
    std::string base_url{};   ///< `http[s]://host[:port][/prefix]`, e.g. `https://example.org/data`
    std::string jwt{};        ///< sent as `X-JWT` when not empty; a secret: never logged
    std::string csrf_token{}; ///< sent as `X-CSRF-TOKEN` when not empty; a secret: never logged
    /// Asked for tokens instead of `jwt` / `csrf_token` (setting both is refused by the constructor).
    credentials_provider credentials{};
    std::size_t max_connections{16}; ///< [16] keep-alive connections to the host
    /// [10 s] TCP connect, proxy CONNECT, TLS handshake
    std::chrono::milliseconds connect_timeout{10'000};
    /// [30 s] the whole operation: queueing, every attempt, every wait between them
    std::chrono::milliseconds request_timeout{30'000};
    /// [true] send `Accept-Encoding: gzip, deflate`. Answers in `Content-Encoding` gzip or deflate (with or
    /// without the zlib header) are decoded as they arrive, whether asked for or not; the limits
    /// (max_response_bytes, max_download_bytes) count decoded bytes, so a decompression bomb ends in
    /// error::response_too_large with bounded memory. Any other coding, or two stacked, is
    /// error::invalid_response; so is a corrupt or cut-short body (a gzip trailer CRC-32 and length are
    /// checked).
    bool accept_encoding{true};
    /// [1 MiB] users_api::async_for_each_user: the largest one user's JSON object may be, counted as its
    /// compact text (whitespace between tokens not counted; strings as decoded); a larger one ends the
    /// operation with error::response_too_large. async_get_users is bounded by max_response_bytes (its whole
    /// body) instead.
    std::size_t max_item_bytes{1u << 20};
    std::chrono::milliseconds idle_timeout{60'000};    ///< [60 s] an idle connection is closed after this
    std::size_t max_response_bytes{64u << 20};         ///< [64 MiB] a larger body: error::response_too_large
    std::optional<std::uint64_t> max_download_bytes{}; ///< [unlimited] a larger download: response_too_large
    std::string user_agent{"igtcloud-cpp/0.1"};        ///< the User-Agent header
    tls_options tls{};                                 ///< for https base URLs
    retry_options retry{};                             ///< retries of failed attempts
    proxy_options proxy{};                             ///< none: direct connections
    event_hook on_event{};                             ///< none: no events
};

/// Per-operation settings.
struct request_options {
    /// `X-Fields` response mask in Flask-RESTX syntax, e.g. `{loginId,profile{givenName}}`; none: no header.
    /// A malformed mask fails the operation with error::invalid_argument before anything is sent.
    std::optional<std::string> fields{};
    /// Overrides session_options::request_timeout for this operation.
    std::optional<std::chrono::milliseconds> timeout{};
};

} // namespace igtcloud::entities
