#pragma once

// A small HTTP proxy for client tests, on 127.0.0.1 and its own thread:
// - CONNECT host:port: connects to the requested host and port, answers 200 (502 when it cannot connect),
//   then relays bytes both ways until either side closes (TLS runs end to end through it);
// - forward mode: an absolute-form request (`GET http://host:port/path HTTP/1.1`) is parsed with Beast,
//   checked (absolute http URL, Host header present; 400 otherwise), rewritten to origin-form without its
//   Proxy-Authorization / Proxy-Connection headers and sent to the origin over a connection kept alive
//   across the client's requests; the origin's answer is relayed back (502 when the origin fails);
// - an optional required basic credential: a request without the matching Proxy-Authorization gets 407
//   with `Proxy-Authenticate: Basic` and the client connection stays open.
// Counters and the last headers seen are kept for assertions; every member is thread-safe.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace igtcloud::test {

struct proxy_server_options {
    /// The credential the proxy requires, compared to Proxy-Authorization as "Basic base64(user:password)";
    /// both empty: none required.
    std::string user{};
    std::string password{};
};

class proxy_server {
public:
    explicit proxy_server(proxy_server_options options = {});
    ~proxy_server();
    proxy_server(proxy_server const&) = delete;
    proxy_server& operator=(proxy_server const&) = delete;

    std::uint16_t port() const noexcept;
    std::string url() const; ///< "http://127.0.0.1:PORT"
    /// "http://USERINFO@127.0.0.1:PORT"; `userinfo` is put in as given (percent-encode it yourself).
    std::string url_with(std::string const& userinfo) const;

    std::size_t connections() const noexcept;   ///< client connections accepted
    std::size_t tunnels() const noexcept;       ///< CONNECT requests answered 200 (tunnels opened)
    std::size_t forwarded() const noexcept;     ///< absolute-form requests sent on to an origin
    std::size_t auth_failures() const noexcept; ///< 407 answers
    /// The Proxy-Authorization of the last request ("" when it had none); nullopt before any request.
    std::optional<std::string> last_authorization() const;
    /// Every request target, in arrival order: "host:port" for CONNECT, the absolute URL in forward mode.
    std::vector<std::string> targets() const;
    /// The forwarded requests as sent to the origin (origin-form target, proxy headers removed).
    std::vector<boost::beast::http::request<boost::beast::http::string_body>> sent_to_origin() const;

    /// Stops accepting and relaying; joins the thread. Idempotent.
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace igtcloud::test
