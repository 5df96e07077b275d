#pragma once

// One client connection: a TCP or TLS stream to the base URL's host and its read buffer, kept across the
// requests of a keep-alive connection. Not thread-safe: used by one operation at a time (the pool's lease).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "entities/transport/inflater.hpp"
#include <openssl/ssl.h>

namespace igtcloud::entities::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady_time = std::chrono::steady_clock::time_point;

/// The latest TLS session the server gave us, offered again on new connections (resumption). Filled by
/// OpenSSL's new-session callback (install() on the context); thread-safe.
class tls_session_cache {
public:
    tls_session_cache() = default;
    tls_session_cache(tls_session_cache const&) = delete;
    tls_session_cache& operator=(tls_session_cache const&) = delete;
    ~tls_session_cache();
    /// Makes `context` report its new client sessions to this cache (which must outlive it).
    void install(asio::ssl::context& context) noexcept;
    void offer(SSL* ssl) const noexcept; ///< SSL_set_session with the latest session, if any

private:
    static int on_new_session(SSL* ssl, SSL_SESSION* session);
    mutable std::mutex mutex_;
    SSL_SESSION* latest_{};
};

struct proxy_route;

/// How to reach the server: resolved addresses plus what TLS needs.
struct peer {
    asio::ip::tcp::resolver::results_type endpoints{}; ///< the server's, or the proxy's when `proxy` is set
    std::string host{};                  ///< the server's host: for SNI and host-name verification
    asio::ssl::context* tls{};           ///< null: plain HTTP
    tls_session_cache const* sessions{}; ///< sessions to resume, with tls
    bool verify_peer{true};
    /// Null: direct. Else the proxy `endpoints` lead to; with `tunnel`, async_open sends CONNECT
    /// `connect_authority` first. Not owned: it lives in the session's client_impl, which outlives its peers.
    proxy_route const* proxy{};
};

/// A request serialized once and written with one gather write of its head and body. The token headers
/// close the head, so new tokens from a provider replace only them.
struct wire_request {
    http::verb method{};
    std::string head{};          ///< request line, headers, token headers, the blank line
    std::string body{};          ///< JSON text, or empty
    std::size_t target_offset{}; ///< where the target starts in `head`
    std::size_t target_size{};   ///< its length
    std::size_t tokens_offset{}; ///< where the token headers start in `head`

    std::string_view target() const noexcept
    {
        return std::string_view(head).substr(target_offset, target_size);
    }
    /// Appends the header line `name: value` to the head (the one writer of header lines). The value must
    /// be a valid header value.
    void add_header(std::string_view name, std::string_view value);
    /// Replaces the token headers (an empty value: no header). The values must be valid header values.
    void set_tokens(std::string_view jwt, std::string_view csrf_token);
    /// The secret header values in the head (X-JWT, X-CSRF-TOKEN, Proxy-Authorization); empty when absent.
    std::array<std::string_view, 3> secrets() const noexcept;
};

class answer_parser;

/// What an exchange did, for the caller's decisions (reuse, replay, errors).
struct exchange_outcome {
    boost::system::error_code ec{};
    bool wrote_all{};    ///< the whole request was written
    bool received_any{}; ///< at least one byte of the answer arrived
};

class connection {
public:
    explicit connection(asio::any_io_executor executor);

    /// TCP connect (TCP_NODELAY), then through a tunnel proxy the CONNECT exchange, then for TLS the
    /// handshake with SNI and host-name verification (of the server, end to end), all before `deadline`
    /// (expiry: beast::error::timeout).
    ///
    /// CONNECT errors: error::proxy_refused when the proxy answers other than 2xx (proxy_status() tells
    /// which); error::invalid_response when it sends bytes after its answer's head (nothing may precede the
    /// TLS handshake); Beast's parse errors (header_limit for a head over 8 KiB, ...) for an unparsable
    /// answer. None of them carries the proxy's credentials.
    asio::awaitable<boost::system::error_code> async_open(peer const& to, steady_time deadline);

    /// The status of the proxy's answer to the last CONNECT (0: none).
    unsigned proxy_status() const noexcept { return proxy_status_; }

    /// Writes `request` and reads one answer into `parser`, before `deadline`.
    asio::awaitable<exchange_outcome> async_exchange(wire_request const& request, answer_parser& parser,
                                                     steady_time deadline);

    /// True when the idle connection has something to read (the server closed it, or sent junk): it must
    /// not be reused. A zero-timeout readability check; for TLS, buffered TLS bytes count as readable.
    bool has_pending_input() const;
    /// The part of has_pending_input() that needs no system call: bytes already read beyond the last answer,
    /// or buffered TLS records, or a closed socket.
    bool has_buffered_input() const;

    /// The inflater of this connection's encoded answers (answer_parser::decode_with): made at the first one,
    /// reused by later ones, so that a gzip answer allocates nothing for its decoding at steady state.
    std::optional<inflater>& decoder() noexcept { return decoder_; }

    /// Closes the socket: pending operations complete with operation_aborted. Idempotent, noexcept.
    void close() noexcept;
    bool is_open() const noexcept;

private:
    beast::tcp_stream& tcp() noexcept;
    beast::tcp_stream const& tcp() const noexcept;

    asio::awaitable<boost::system::error_code> async_connect_tunnel(beast::tcp_stream& tcp, peer const& to);

    asio::any_io_executor executor_;
    std::variant<std::monostate, beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
    std::optional<inflater> decoder_{};
    unsigned proxy_status_{};
};

} // namespace igtcloud::entities::detail
