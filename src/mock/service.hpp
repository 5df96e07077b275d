#pragma once

// The mock's Users service without sockets: one request in, one answer out. The network layer
// (connection.cpp) parses HTTP, applies faults and writes the answer; this layer knows the API.
//
//   request_view --handle()--> auth --route--> operation (user_store) --X-Fields mask--> answer

#include <igtcloud/mock/server.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mock/auth_service.hpp"
#include "mock/file_store.hpp"
#include "mock/user_store.hpp"

namespace igtcloud::mock::detail {

/// What the service needs of an HTTP request; views into the network layer's parsed message.
struct request_view {
    std::string_view method{};       ///< "GET", "POST", ...
    std::string_view target{};       ///< origin-form, e.g. "/data/users/%24storage?region=eu-west-1"
    std::string_view jwt{};          ///< X-JWT, empty when absent
    std::string_view csrf_token{};   ///< X-CSRF-TOKEN, empty when absent
    std::string_view fields{};       ///< X-Fields, empty when absent
    bool has_fields{};               ///< X-Fields was present (an empty one is malformed)
    std::string_view content_type{}; ///< Content-Type, empty when absent
    std::string_view body{};
};

/// What the network layer writes back. Body empty for 204; JSON otherwise, or the pieces of a zip.
struct answer {
    unsigned status{200};
    std::string body{};
    char const* route{"other"};             ///< a static name for stats, e.g. "GET /users/{user_uuid}"
    std::vector<std::string> set_cookies{}; ///< one `Set-Cookie` header line each (the auth API's logins)
    char const* content_type{"application/json"}; ///< of a non-empty body
    /// The body's pieces after `body`, sent in order without being joined (the download's zip: its headers
    /// and the store's own buffers).
    std::vector<std::shared_ptr<std::string const>> parts{};
    char const* content_encoding{nullptr}; ///< "gzip" once the body was compressed (--gzip), else none
    bool vary_accept_encoding{false}; ///< send `Vary: Accept-Encoding` (--gzip: the body could be compressed)

    /// The whole body's size: `body` and every part.
    std::size_t body_size() const noexcept
    {
        auto n = body.size();
        for (auto const& p : parts)
            n += p->size();
        return n;
    }
};

/// The API: auth, routing, the fourteen operations, masks. Thread-safe. The Users API answers at the prefix
/// and at "/api" + prefix alike; /api/auth goes to the auth_service.
class service {
public:
    /// Creates the seeded admin (or the configured tokens' users), the --user and --service-key users and
    /// `seed_users` users. Throws std::invalid_argument for bad auth options (see auth_service).
    explicit service(options const& opts);

    answer handle(request_view const& request);
    user_store& users() noexcept { return store_; }
    user_store const& users() const noexcept { return store_; }
    file_store& files() noexcept { return files_; }
    file_store const& files() const noexcept { return files_; }
    std::string const& default_token() const noexcept;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    /// The loginId of the request's known token, or null: a static token's, or (a JWT: three parts) the
    /// subject of a live JWT with its CSRF token, kept in `jwt_sub`.
    std::string const* caller(request_view const& request, std::string& jwt_sub) const;

    options opts_;
    std::string users_path_; ///< prefix + "/users", made once
    user_store store_;
    file_store files_;
    auth_service auth_; ///< /api/auth, and the JWTs of the Users routes
    std::unordered_map<std::string, std::string, string_hash, std::equal_to<>> tokens_; // token -> loginId
};

} // namespace igtcloud::mock::detail
