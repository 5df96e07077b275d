#pragma once

// The mock's Users service without sockets: one request in, one answer out. The network layer
// (connection.cpp) parses HTTP, applies faults and writes the answer; this layer knows the API.
//
//   request_view --handle()--> auth --route--> operation (user_store) --X-Fields mask--> answer

#include <igtcloud/mock/server.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

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

/// What the network layer writes back. Body empty for 204; JSON otherwise.
struct answer {
    unsigned status{200};
    std::string body{};
    char const* route{"other"}; ///< a static name for stats, e.g. "GET /users/{user_uuid}"
};

/// The API: auth, routing, the ten operations, masks. Thread-safe.
class service {
public:
    /// Creates the seeded admin (or the configured tokens' users) and `seed_users` users.
    explicit service(options const& opts);

    answer handle(request_view const& request);
    user_store& users() noexcept { return store_; }
    user_store const& users() const noexcept { return store_; }
    std::string const& default_token() const noexcept;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    /// The loginId of the request's known token, or null.
    std::string const* caller(request_view const& request) const;

    options opts_;
    std::string users_path_; ///< prefix + "/users", made once
    user_store store_;
    std::unordered_map<std::string, std::string, string_hash, std::equal_to<>> tokens_; // token -> loginId
};

} // namespace igtcloud::mock::detail
