// A misbehaving HTTP peer for client tests, on its own thread.
#pragma once

// It accepts on 127.0.0.1, parses each request, and answers with whatever raw bytes the test's responder
// returns (so tests can send invalid JSON, truncated bodies, Connection: close, HTTP/1.0, Keep-Alive
// timeouts, oversized bodies, or nothing at all). It can also drip bytes forever, speak TLS (optionally
// limited to old protocol versions), accept connections and never say a word (a stalled TLS handshake), or
// fail at its N-th read or write (fail_at: a reset, a close or a stall, as Beast's fail_count fails a
// stream).

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace igtcloud::test {

/// What the peer does with one request.
struct reply {
    std::string bytes{};               ///< written as is (status line, headers, body)
    bool close{};                      ///< close the connection after writing
    std::chrono::milliseconds delay{}; ///< wait before writing
    bool stall{};                      ///< never answer; keep the connection open until the client closes it
                                       ///< or stop()
    /// When positive: after `bytes`, write one more byte (`drip_byte`) every `drip` until the client closes
    /// the connection (a body that never ends).
    std::chrono::milliseconds drip{};
    char drip_byte{'x'}; ///< the byte `drip` writes (' ': a JSON body that stays valid and never ends)
    /// After `bytes`, write this many more bytes of 'x' in 1 MiB writes (huge bodies without a huge string);
    /// stops early when the client closes.
    std::size_t filler{};
};

using request = boost::beast::http::request<boost::beast::http::string_body>;
/// Called for each request, with the connection's number (0, 1, ...) and the request's number on it.
using responder = std::function<reply(request const&, std::size_t connection, std::size_t index)>;

/// A complete HTTP/1.1 answer with a Content-Length (and `extra` header lines, each ending in \r\n).
std::string http_answer(unsigned status, std::string_view body, std::string_view extra_headers = {},
                        std::string_view content_type = "application/json");

/// A complete HTTP/1.1 200 answer with a chunked body: `body` in chunks of `chunk` bytes, then the last chunk
/// (`extra_headers` as for http_answer).
std::string chunked_answer(std::string_view body, std::size_t chunk, std::string_view extra_headers = {},
                           std::string_view content_type = "application/json");

/// How the peer treats its connections.
struct peer_options {
    /// PEM certificate chain and key: when both are set, every connection starts with a TLS handshake
    /// (base_url() says https).
    std::string tls_cert_file{};
    std::string tls_key_file{};
    /// The highest TLS version the peer accepts, an OpenSSL constant such as TLS1_1_VERSION (0: no limit).
    /// A limit below TLS 1.2 also lowers the peer's security level to 0, which old versions need.
    int tls_max_version{};
    /// Accept connections but never read, write nor handshake: the peer only waits for the client to close.
    /// Can be switched off later with set_silent(false).
    bool silent{};
};

/// How the peer fails at the step fail_at names.
enum class failure {
    reset, ///< an RST (SO_LINGER 0, then close)
    close, ///< a FIN (shutdown, then close)
    stall, ///< nothing more: the connection stays open, silent, until the client closes it or stop()
};
std::ostream& operator<<(std::ostream& os, failure how);

class scripted_server {
public:
    explicit scripted_server(responder respond, peer_options options = {});
    ~scripted_server();
    scripted_server(scripted_server const&) = delete;
    scripted_server& operator=(scripted_server const&) = delete;

    std::uint16_t port() const noexcept;
    std::string base_url() const;             ///< http(s)://127.0.0.1:PORT/data
    std::size_t connections() const noexcept; ///< accepted so far
    std::size_t requests() const noexcept;    ///< parsed so far
    std::size_t open_connections() const noexcept;
    std::size_t handshakes() const noexcept;  ///< TLS handshakes completed by the peer
    std::vector<std::string> targets() const; ///< request targets, in arrival order
    std::vector<request> received() const;    ///< every request, in arrival order
    /// Connections accepted from now on stay silent (true) or are served (false).
    void set_silent(bool silent) noexcept;
    /// Fails the `n`-th read or write step from now on (1: the next one), once; 0 disarms. The steps, counted
    /// over all connections: the read of a whole request (failing after it: the request arrived, its answer
    /// never starts) and the write of an answer (failing after half of its bytes). Thread-safe; arm it while
    /// the peer is idle.
    void fail_at(std::size_t n, failure how) noexcept;
    /// Whether the failure armed last has happened.
    bool failed() const noexcept;
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace igtcloud::test
