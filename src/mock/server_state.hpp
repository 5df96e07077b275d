#pragma once

// What every session of one mock server shares: options, service, TLS context, fault dice, counters and the
// registry of live sessions (server_state), and how a session looks to that registry (session_base).

#include <igtcloud/mock/server.hpp>

#include <boost/asio/ssl/context.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mock/access_log.hpp"
#include "mock/service.hpp"

namespace igtcloud::mock::detail {

/// A live session, as the registry sees it.
class session_base {
public:
    /// Ends the session: cancels its pending operations and closes its socket. Thread-safe (posts to the
    /// session's executor); the session object goes away once its last handler has run.
    virtual void close() = 0;

protected:
    ~session_base() = default;
};

/// What the fault dice decided for one answer.
struct fault_plan {
    bool fail{};     ///< answer options::fail_status instead of executing the request
    bool truncate{}; ///< send half of the body under the full Content-Length, then close
};

/// Answers counted by route name. The service names its routes with string literals, so the hot path
/// is a lock-free probe keyed by the pointer; names beyond the table's capacity go to a locked map.
/// Thread-safe.
class route_counters {
public:
    void add(char const* route) noexcept;
    /// Totals by name (equal names from different pointers are summed).
    std::map<std::string, std::uint64_t> snapshot() const;

private:
    struct slot {
        std::atomic<char const*> name{nullptr};
        std::atomic<std::uint64_t> count{0};
    };
    std::array<slot, 64> slots_{};
    mutable std::mutex overflow_mutex_;
    std::map<std::string, std::uint64_t> overflow_{};
};

/// Everything the sessions of one server share. Thread-safe; owned jointly by the server and by every
/// session, so a session can finish its last handler after the server object is gone.
class server_state {
public:
    /// Builds the service (seeded users) and, when both TLS files are set, the TLS context (TLS 1.2+,
    /// resumable sessions, client certificates required when options::tls_client_ca_file is set).
    /// Throws boost::system::system_error when a TLS file cannot be loaded, or a client CA comes without TLS.
    explicit server_state(options opts);

    options const& opts() const noexcept { return opts_; }
    detail::service& service() noexcept { return service_; }
    detail::service const& service() const noexcept { return service_; }
    /// The access log (options::access_log), or null.
    detail::access_log* access_log() noexcept { return access_log_.get(); }
    /// The TLS context, or null for plain HTTP.
    boost::asio::ssl::context* tls() noexcept { return tls_.get(); }

    /// The fault dice for the next answer: draw n of the server comes from a global counter and is
    /// splitmix64(seed, n), so a sequential client sees the same faults for the same seed.
    fault_plan roll_faults() noexcept;

    /// Registers a session; false (and nothing registered) once close_all() has run.
    bool add_session(std::shared_ptr<session_base> const& session);
    /// Unregisters a session (from its destructor).
    void remove_session(session_base const* session) noexcept;
    /// Refuses new sessions and closes every live one. Idempotent.
    void close_all();
    bool closing() const noexcept { return closing_.load(std::memory_order_acquire); }

    void count_accepted() noexcept { accepted_.fetch_add(1, std::memory_order_relaxed); }
    /// Counts one completed TLS handshake, and whether it resumed a session.
    void count_handshake(bool resumed) noexcept
    {
        handshakes_.fetch_add(1, std::memory_order_relaxed);
        if (resumed) resumed_.fetch_add(1, std::memory_order_relaxed);
    }
    /// Counts one answer written (or about to be written) under its route name (a static string).
    void count_answer(char const* route) noexcept;
    mock::stats stats() const;

private:
    options opts_;
    detail::service service_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    std::unique_ptr<detail::access_log> access_log_;
    std::uint64_t fault_seed_;
    std::atomic<std::uint64_t> fault_draws_{0};

    mutable std::mutex sessions_mutex_;
    std::unordered_map<session_base const*, std::weak_ptr<session_base>> sessions_;
    std::atomic<bool> closing_{false};

    std::atomic<std::uint64_t> accepted_{0};
    std::atomic<std::uint64_t> open_{0};
    std::atomic<std::uint64_t> served_{0};
    std::atomic<std::uint64_t> handshakes_{0};
    std::atomic<std::uint64_t> resumed_{0};
    route_counters routes_;
};

} // namespace igtcloud::mock::detail
