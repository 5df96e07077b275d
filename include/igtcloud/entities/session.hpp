#pragma once

// A session: the shared state of a client (options, a pool of keep-alive HTTP/1.1 or TLS connections to the
// base URL's host, TLS context) and the entry point to the operations.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/options.hpp>
#include <igtcloud/entities/users_api.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <cstdint>
#include <memory>

namespace igtcloud::entities {

/// Pool figures at one instant.
struct pool_stats {
    std::size_t open{};       ///< connections open (idle + in use)
    std::size_t idle{};       ///< open and waiting for a request
    std::size_t in_use{};     ///< carrying a request
    std::size_t connecting{}; ///< being opened (TCP connect, TLS handshake)
    std::size_t queued{};     ///< operations waiting for a connection
    std::uint64_t created{};  ///< connections opened since the session started
    std::uint64_t reused{};   ///< requests sent on an already open connection
    std::uint64_t retried{};  ///< attempts repeated (replays and retries)
};

/// Owns the connection pool and the settings; `users()` gives the operations.
///
/// Lifetime: destroying the session (or async_shutdown) closes every connection; operations in flight
/// complete with asio::error::operation_aborted (none is lost, none completes twice); later operations fail
/// with error::shut_down. The executor must outlive the operations (as for any Asio object). Thread safety:
/// every member may be used from several threads at once, on a multi-threaded io_context.
class IGTCLOUD_ENTITIES_DECL session {
public:
    /// Throws std::invalid_argument for a base_url that is not http/https (or has userinfo, a query, a
    /// fragment), a token or user agent with control characters, or max_connections == 0; and
    /// boost::system::system_error when the TLS files cannot be loaded. Messages contain no secret.
    session(boost::asio::any_io_executor executor, session_options options);
    ~session();
    session(session const&) = delete;
    session& operator=(session const&) = delete;
    /// Takes over the session's state; `other` may then only be destroyed or assigned to.
    session(session&& other) noexcept;
    /// Shuts down this session's own state (as the destructor does), then takes over `other`'s.
    session& operator=(session&& other) noexcept;

    /// The Users operations of this session.
    users_api users() const noexcept { return users_api(impl_); }

    /// The connection pool's figures at this instant.
    pool_stats stats() const;
    /// The executor given to the constructor; operations' I/O runs on it.
    boost::asio::any_io_executor get_executor() const noexcept;

    /// Closes every connection and fails queued and in-flight operations with operation_aborted; completes
    /// with `void()` once nothing of the session's I/O is pending. Idempotent.
    template <boost::asio::completion_token_for<void()> Token = boost::asio::deferred_t>
    auto async_shutdown(Token&& token = {})
    {
        return boost::asio::async_initiate<Token, void()>(
            [impl = impl_](auto handler) {
                start_shutdown(impl, boost::asio::any_completion_handler<void()>(std::move(handler)));
            },
            token);
    }

private:
    static void start_shutdown(std::shared_ptr<detail::client_impl> impl,
                               boost::asio::any_completion_handler<void()> handler);

    std::shared_ptr<detail::client_impl> impl_;
};

} // namespace igtcloud::entities
