#pragma once

// A small synchronous HTTP/1.1 client for the integration tests: real sockets to 127.0.0.1, plain or TLS,
// keep-alive across calls, raw bytes for malformed requests, and a timeout on every step so that a test
// never hangs. Not thread-safe: one client per thread.

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::test {

/// How a raw_client connects.
struct client_options {
    std::chrono::milliseconds timeout{5'000}; ///< bound of each connect, handshake, write and read
    bool tls{false};                          ///< https
    std::filesystem::path ca_file{};          ///< TLS: the trusted CA; none: nothing is trusted
    bool verify{true};                        ///< TLS: verify the chain and the host name
    std::string host_name{"localhost"};       ///< TLS: SNI and the name the certificate must carry
};

/// One header line.
struct field {
    std::string name{};
    std::string value{};
};

/// A request as written on the wire. `Host` is added unless given; `Content-Length` when there is a body
/// or the method is POST/PUT. Nothing else is added (no Content-Type).
struct request {
    std::string method{"GET"};
    std::string target{"/"};
    std::vector<field> headers{};
    std::string body{};
    unsigned version{11}; ///< 11: HTTP/1.1, 10: HTTP/1.0
};

/// A response as read from the wire.
struct response {
    unsigned status{};
    std::vector<field> headers{};
    std::string body{}; ///< what arrived of it (less than Content-Length for a truncated answer)

    /// The first value of the header `name` (case-insensitive), if present.
    std::optional<std::string> header(std::string_view name) const;
};

/// A keep-alive connection to 127.0.0.1:port.
class raw_client {
public:
    /// Connects (and handshakes for TLS). Throws boost::system::system_error on failure or timeout.
    explicit raw_client(std::uint16_t port, client_options opts = {});
    ~raw_client();
    raw_client(raw_client const&) = delete;
    raw_client& operator=(raw_client const&) = delete;

    /// Writes `req` and reads its response. Throws boost::system::system_error on any failure.
    response send(request const& req);
    /// Writes bytes as they are. Throws boost::system::system_error on failure.
    void send_raw(std::string_view bytes);
    /// Reads one response; the error instead of an exception. `out` keeps what arrived before an error
    /// (status and headers once the head is complete, part of the body), e.g. for a truncated answer.
    boost::system::error_code read_response(response& out);
    /// Reads one response. Throws boost::system::system_error on any failure.
    response read();
    /// Waits up to `wait` for the server to close: true on end of stream or reset; false when data arrives
    /// (it is kept for the next read) or nothing happens in time (the connection is then closed: a timeout
    /// ends a Beast stream).
    bool closed_by_peer(std::chrono::milliseconds wait = std::chrono::milliseconds(2'000));
    /// Closes the connection at once (no TLS close_notify).
    void close() noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Polls `condition` every few milliseconds until it holds or `limit` passes; returns its last value.
/// For server-side effects that have no completion event (e.g. a connection counted as closed).
bool eventually(std::function<bool()> const& condition,
                std::chrono::milliseconds limit = std::chrono::milliseconds(5'000));

} // namespace igtcloud::test
