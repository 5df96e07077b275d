#pragma once

// Settings of a session and of one request. Aggregates with defaults: set what you need.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace igtcloud::entities {

/// TLS settings for `https` base URLs. When verifying, SNI and host-name verification are always on.
struct tls_options {
    bool verify_peer{true};         ///< [true] verify the server's certificate chain and host name
    std::string ca_file{};          ///< PEM file of trusted CAs; none: the system trust store
    std::string ca_dir{};           ///< directory of hashed CA certificates (c_rehash layout)
    std::string client_cert_file{}; ///< PEM client certificate (chain), for servers that ask for one
    std::string client_key_file{};  ///< PEM private key of the client certificate
};

/// Settings of a session. The constructor of `session` refuses a bad base_url or header value with
/// `std::invalid_argument` (its message never contains a token).
struct session_options {
    std::string base_url{};          ///< `http[s]://host[:port][/prefix]`, e.g. `https://example.org/data`
    std::string jwt{};               ///< sent as `X-JWT` when not empty; a secret: never logged
    std::string csrf_token{};        ///< sent as `X-CSRF-TOKEN` when not empty; a secret: never logged
    std::size_t max_connections{16}; ///< [16] keep-alive connections to the host
    std::chrono::milliseconds connect_timeout{10'000}; ///< [10 s] TCP connect + TLS handshake
    std::chrono::milliseconds request_timeout{
        30'000};                                    ///< [30 s] the whole operation: queueing, every attempt
    std::chrono::milliseconds idle_timeout{60'000}; ///< [60 s] an idle connection is closed after this
    std::size_t max_response_bytes{64u << 20};      ///< [64 MiB] a larger body: error::response_too_large
    std::string user_agent{"igtcloud-cpp/0.1"};     ///< the User-Agent header
    tls_options tls{};
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
