#pragma once

// The authenticator's shared state (the I/O shell around refresh_policy): one mutex over the policy, the
// tokens held, the parked callers and the counters. The public authenticator, every provider() copy and every
// call in flight hold it by shared_ptr.
//
//   provider(reason, h) / async_current(h)
//       first use: sources() -> the environment (GET /introspect, async), the token file (read here), else
//       the grant; then policy.need (initial, expiring) or policy.rejected (refresh, a 401):
//       use -> h(tokens) | start -> run_renewal + park h | wait -> park h | fail -> h(error)
//   run_renewal(how)  login_call / refresh_call on the auth client -> finish_renewal: policy.succeeded or
//                     policy.failed -> wake the parked (tokens or failure), a retry timer, or a login at once
//   async_login       login_call outside the policy (strand + the handler's cancellation slot); a cancelled
//                     one keeps nothing; a success replaces the tokens held
//   async_logout      logout_call, then the tokens forgotten and the token file removed
//
// Every handler completes through post (never inside the initiating call), on its associated executor.
// shutdown() (the authenticator's destructor) fails the parked with operation_aborted and closes the auth
// client's pool, so the calls in flight end with operation_aborted too.

#include <igtcloud/entities/auth.hpp>

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "entities/auth/auth_calls.hpp"
#include "entities/auth/refresh_policy.hpp"
#include "entities/auth/token_file.hpp"

namespace igtcloud::entities::detail {

namespace asio = boost::asio;

/// The tokens in use and what is known of them.
struct held_tokens {
    std::string jwt{};  ///< a secret
    std::string csrf{}; ///< a secret
    auth::jwt_claims claims{};
    std::chrono::system_clock::time_point issued_at{};
    std::chrono::system_clock::time_point expires_at{};
    std::string sub{};
    token_origin origin{token_origin::login};
};

class auth_impl : public std::enable_shared_from_this<auth_impl> {
public:
    using login_handler = asio::any_completion_handler<void(api_result<login_info>)>;
    using logout_handler = asio::any_completion_handler<void(api_result<void>)>;

    /// Validates the options (std::invalid_argument without any secret).
    auth_impl(asio::any_io_executor executor, auth_options options);

    void provide(credentials_reason reason, credentials_handler handler);
    void current_async(login_handler handler);
    void login(login_handler handler);
    void logout(logout_handler handler);
    std::optional<login_info> current() const;
    auth_stats stats() const;
    void shutdown();

private:
    /// A caller parked until the call in flight ends.
    using parked = std::variant<credentials_handler, login_handler>;
    /// What to start once the lock is released.
    struct actions {
        std::optional<auth::renewal> start{};
        std::optional<std::pair<std::string, std::string>> introspect{}; ///< the environment's tokens
    };

    // With the lock held.
    actions load_sources_locked();
    void adopt_file_locked(auth::token_file_data data);
    actions route_locked(credentials_reason reason, parked handler);
    std::uint64_t park_locked(parked handler);
    login_info info_locked() const;
    access_tokens tokens_locked() const;
    void adopt_locked(held_tokens t);
    void reset_policy_locked();
    std::vector<parked> take_parked_locked();
    held_tokens keep_answer_locked(auth::login_answer a, token_origin origin, bool keep_csrf);
    std::string jwt_to_log_out_locked() const;
    /// `e` with why the token file gave no tokens, when it did not.
    api_error with_file_reason_locked(api_error e) const;
    void schedule_retry_locked(std::chrono::system_clock::time_point at);
    /// Completes `p` with the tokens held, or `failure` (posted to its executor).
    void complete(parked& p, std::optional<api_error> const& failure);

    // Without the lock.
    void run(actions todo);
    void run_renewal(auth::renewal how);
    void finish_renewal(auth::renewal how, api_result<auth::login_answer> r);
    void run_introspect(std::string jwt, std::string csrf);
    void finish_introspect(std::string jwt, std::string csrf, api_result<auth::introspection> r);
    api_result<login_info> finish_login(api_result<auth::login_answer> r, bool cancelled);
    void write_file(held_tokens const& t);
    void forget();
    void cancel_parked(std::uint64_t id);

    asio::any_io_executor executor_;
    auth_options options_;
    std::string domain_; ///< "scheme://host[:port]" of auth_url, the token file's domain
    std::shared_ptr<client_impl> client_;
    std::optional<auth::login_grant> grant_;
    auth::refresh_settings settings_{};

    mutable std::mutex mutex_; // guards everything below
    auth::refresh_policy policy_;
    std::optional<held_tokens> held_{};
    bool sources_read_{};
    bool introspecting_{};
    std::optional<api_error> source_error_{}; ///< the environment's tokens were refused: sticky
    std::string file_reason_{};               ///< why the token file gave no tokens (names the path)
    std::map<std::uint64_t, parked> parked_{};
    std::uint64_t next_id_{};
    std::optional<asio::steady_timer> retry_timer_{};
    auth_stats stats_{};
    bool shut_down_{};
};

} // namespace igtcloud::entities::detail
