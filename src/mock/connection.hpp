#pragma once

// The mock server's network layer, seen from one connection: the entry point that starts a keep-alive
// HTTP/1.1 session (connection.cpp's http_session) on an accepted socket. The state the sessions share is in
// server_state.hpp.
//
//   acceptor (server.cpp) --socket--> start_session --> [TLS handshake] --> read --> faults --> service
//                                                          ^                                       |
//                                                          +--------- keep-alive <-- write <-------+

#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "mock/server_state.hpp"

namespace igtcloud::mock::detail {

/// Starts a keep-alive session (https when `state->tls()`) on an accepted socket, on the socket's
/// executor, which must be a strand (or an executor only one thread runs). Closes the socket at once
/// when the server is closing.
void start_session(std::shared_ptr<server_state> const& state, boost::asio::ip::tcp::socket socket);

} // namespace igtcloud::mock::detail
