#pragma once

// The mock's own JWTs and login sessions (DESIGN.md §6). A login opens a session (its subject, identity type,
// CSRF token, refresh token); every JWT of a session is HS256-signed with a random secret of this server and
// carries {sub, iat, exp, jti} (+ refresh_token for password logins). A JWT is live while its signature
// verifies, its exp is ahead, its jti is known and its session is open; a refresh adds a JWT to the session
// (older ones stay live until they expire), a logout closes the session and so ends all of its JWTs.
//
//   open(sub, type, refreshable, now) -> {jwt, csrf}      live(jwt, csrf?, now) -> the session's facts
//   refresh(jwt, csrf, now) -> a new jwt                  revoke(jwt, now) -> the session closed

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace igtcloud::mock::detail {

/// Who logged in: a --user (password) or a --service-key subject (assertion).
enum class identity_type { user, service };

/// A JWT just issued, with its login session's CSRF token.
struct issued_token {
    std::string jwt{};
    std::string sub{};
    std::string csrf{};
    std::int64_t exp{}; ///< seconds since the epoch
};

/// What a live JWT stands for.
struct live_token {
    std::string sub{};
    identity_type type{identity_type::user};
    std::int64_t exp{};
    bool refreshable{}; ///< carries a refresh_token claim (a password login)
};

/// Random bytes from OpenSSL's CSPRNG as base64url text (`bytes` of entropy).
std::string random_token(std::size_t bytes);

/// Issues and checks the mock's JWTs. Thread-safe (one mutex guards the sessions).
class jwt_issuer {
public:
    using time_point = std::chrono::system_clock::time_point;

    /// A fresh random secret; JWTs live `lifetime`.
    explicit jwt_issuer(std::chrono::seconds lifetime);

    /// Opens a login session and issues its first JWT.
    issued_token open(std::string sub, identity_type type, bool refreshable, time_point now);
    /// The facts of `jwt` when it is live and, if `csrf` is given, that is its session's CSRF token.
    std::optional<live_token> live(std::string_view jwt, std::optional<std::string_view> csrf,
                                   time_point now) const;
    /// A new JWT of the session of `jwt` (live, refreshable, `csrf` its session's); nullopt otherwise.
    std::optional<issued_token> refresh(std::string_view jwt, std::string_view csrf, time_point now);
    /// Closes the session of a live `jwt`; false when it is not live.
    bool revoke(std::string_view jwt, time_point now);

private:
    struct session {
        std::string sub;
        identity_type type;
        std::string csrf;
        std::string refresh_token; ///< empty: not refreshable
        std::int64_t last_exp;     ///< of its newest JWT
    };
    struct jti_entry {
        std::uint64_t session;
        std::int64_t exp;
    };
    using session_map = std::unordered_map<std::uint64_t, session>;

    /// The session of a live `jwt`, under the lock; end() when not live or the CSRF does not match.
    session_map::const_iterator find_live(std::string_view jwt, std::optional<std::string_view> csrf,
                                          std::int64_t now) const;
    /// Signs a new JWT of session `id`, under the lock (never sweeps: `s` stays valid).
    issued_token issue(std::uint64_t id, session& s, std::int64_t now);
    /// Forgets expired JWTs and sessions whose JWTs all expired, once the table has grown.
    void sweep(std::int64_t now);

    std::string const secret_;
    std::chrono::seconds const lifetime_;
    mutable std::mutex mutex_;
    session_map sessions_;
    std::unordered_map<std::string, jti_entry> jtis_;
    std::uint64_t next_session_{1};
    std::size_t sweep_at_{1024};
};

} // namespace igtcloud::mock::detail
