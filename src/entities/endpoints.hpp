#pragma once

// The only place that knows HTTP facts about the Users operations: one row per operation.
// The pipeline reads the columns; it never branches on which operation is running.

#include <igtcloud/entities/detail/operation.hpp>

#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::entities::detail {

namespace http = boost::beast::http;

/// The statuses that mean success for an operation: a small list (one or two), written `{200}` or
/// `{201, 200}`. Unused places never match, so no status (0 included) is a success unless listed.
class success_statuses {
public:
    constexpr success_statuses() noexcept = default;
    /// At most max_size statuses: more is a compile-time error in an endpoint row (constant evaluation).
    constexpr success_statuses(std::initializer_list<unsigned> statuses) noexcept
    {
        for (unsigned status : statuses)
            list_[size_++] = status;
    }
    constexpr bool contains(unsigned status) const noexcept
    {
        for (std::size_t i = 0; i < size_; ++i)
            if (list_[i] == status) return true;
        return false;
    }
    constexpr std::size_t size() const noexcept { return size_; }
    static constexpr std::size_t max_size = 2;

private:
    unsigned list_[max_size]{};
    std::size_t size_{};
};

/// One operation's HTTP description. Params is the operation's parameter struct.
class streamed_body; // transport/streamed_body.hpp

/// What an endpoint's sink factory gets besides the operation's parameters.
struct sink_context {
    success_statuses success{};       ///< the endpoint's
    session_options const* options{}; ///< the session's (limits)
};

/// Makes the sink a success answer's body streams into (endpoint::sink), taking what it needs out of the
/// parameters; error::invalid_argument for unusable ones (nothing is sent then).
template <class Params>
using sink_factory = api_result<std::unique_ptr<streamed_body>> (*)(Params&, sink_context const&);

// The sink factories (download/download_writer.cpp, stream/user_bodies.cpp).
api_result<std::unique_ptr<streamed_body>> download_body(download_user_files_params&, sink_context const&);
api_result<std::unique_ptr<streamed_body>> user_list_body(get_users_params&, sink_context const&);
api_result<std::unique_ptr<streamed_body>> user_stream_body(for_each_user_params&, sink_context const&);

template <class Params>
struct endpoint {
    std::string_view name{};          ///< the spec's operationId without `_resource`, for events
    http::verb method{};              ///< the HTTP method
    std::string_view path{};          ///< below the base URL's prefix; `{user_uuid}` is substituted
    success_statuses success{};       ///< statuses that mean success
    bool safe_to_repeat{};            ///< may be replayed/retried after it may have reached the server
    bool masked{};                    ///< sends `request_options::fields` as X-Fields
    std::string Params::*user_uuid{}; ///< the `{user_uuid}` segment, if the path has one
    std::optional<std::string> Params::*region{}; ///< the `region` query parameter, if the operation has one
    /// The `keys` query parameter, if the operation has one: repeated once per key (collectionFormat multi),
    /// at least one key, none empty (else error::invalid_argument, nothing sent).
    std::vector<std::string> Params::*keys{};
    /// The `Accept` header: what a success answer's body is.
    std::string_view accept{"application/json"};
    /// Where a success answer's body streams as it arrives, instead of being buffered whole, if the
    /// operation says: the sink's factory. The operation's value is then the sink's (streamed_value<T>): the
    /// bytes a download took, the users decoded, the users handed to the caller.
    /// (An optional, not a null pointer: whether a function's address is null is not a constant expression
    /// for GCC under -fsanitize=undefined.)
    std::optional<sink_factory<Params>> sink{};
};

template <class Params>
inline constexpr std::nullptr_t endpoint_for = nullptr;

template <>
inline constexpr endpoint<get_me_params> endpoint_for<get_me_params>{.name = "get_me",
                                                                     .method = http::verb::get,
                                                                     .path = "/users/me",
                                                                     .success = {200},
                                                                     .safe_to_repeat = true,
                                                                     .masked = true};

template <>
inline constexpr endpoint<get_user_params> endpoint_for<get_user_params>{.name = "get_user",
                                                                         .method = http::verb::get,
                                                                         .path = "/users/{user_uuid}",
                                                                         .success = {200},
                                                                         .safe_to_repeat = true,
                                                                         .masked = true,
                                                                         .user_uuid =
                                                                             &get_user_params::user_uuid};

template <>
inline constexpr endpoint<get_users_params> endpoint_for<get_users_params>{.name = "get_users",
                                                                           .method = http::verb::get,
                                                                           .path = "/users",
                                                                           .success = {200},
                                                                           .safe_to_repeat = true,
                                                                           .masked = true,
                                                                           .sink = &user_list_body};

// GET /users again, each user handed to the caller as it is decoded (a retry is safe until the first one).
template <>
inline constexpr endpoint<for_each_user_params> endpoint_for<for_each_user_params>{.name = "get_users",
                                                                                   .method = http::verb::get,
                                                                                   .path = "/users",
                                                                                   .success = {200},
                                                                                   .safe_to_repeat = true,
                                                                                   .masked = true,
                                                                                   .sink = &user_stream_body};

template <>
inline constexpr endpoint<get_user_storage_params> endpoint_for<get_user_storage_params>{
    .name = "get_user_storage",
    .method = http::verb::get,
    .path = "/users/$storage",
    .success = {200},
    .safe_to_repeat = true,
    .masked = true,
    .region = &get_user_storage_params::region};

// POST /users is idempotent by the service's semantics: an existing loginId answers 200 with that user.
template <>
inline constexpr endpoint<post_users_params> endpoint_for<post_users_params>{.name = "post_users",
                                                                             .method = http::verb::post,
                                                                             .path = "/users",
                                                                             .success = {201, 200},
                                                                             .safe_to_repeat = true,
                                                                             .masked = true};

template <>
inline constexpr endpoint<put_user_params> endpoint_for<put_user_params>{.name = "put_user",
                                                                         .method = http::verb::put,
                                                                         .path = "/users/{user_uuid}",
                                                                         .success = {204},
                                                                         .safe_to_repeat = true,
                                                                         .masked = false,
                                                                         .user_uuid =
                                                                             &put_user_params::user_uuid};

template <>
inline constexpr endpoint<delete_user_params> endpoint_for<delete_user_params>{
    .name = "delete_user",
    .method = http::verb::delete_,
    .path = "/users/{user_uuid}",
    .success = {204},
    .safe_to_repeat = true,
    .masked = false,
    .user_uuid = &delete_user_params::user_uuid};

template <>
inline constexpr endpoint<post_resend_activation_params> endpoint_for<post_resend_activation_params>{
    .name = "post_resend_activation",
    .method = http::verb::post,
    .path = "/users/$resend-activation",
    .success = {200},
    .safe_to_repeat = false,
    .masked = true};

template <>
inline constexpr endpoint<post_reset_mfa_params> endpoint_for<post_reset_mfa_params>{
    .name = "post_reset_mfa",
    .method = http::verb::post,
    .path = "/users/$mfa-reset",
    .success = {204},
    .safe_to_repeat = false,
    .masked = false};

template <>
inline constexpr endpoint<post_user_profile_params> endpoint_for<post_user_profile_params>{
    .name = "post_user_profile",
    .method = http::verb::post,
    .path = "/users/$profile",
    .success = {204},
    .safe_to_repeat = false,
    .masked = false};

// The 2023 spec's operations (DESIGN.md §7); `name` is the 2023 operationId.
template <>
inline constexpr endpoint<get_user_files_params> endpoint_for<get_user_files_params>{
    .name = "get_user_storage_files",
    .method = http::verb::get,
    .path = "/users/files",
    .success = {200},
    .safe_to_repeat = true,
    .masked = true};

template <>
inline constexpr endpoint<delete_user_files_params> endpoint_for<delete_user_files_params>{
    .name = "delete_user_storage_files",
    .method = http::verb::delete_,
    .path = "/users/files",
    .success = {204},
    .safe_to_repeat = true,
    .masked = false,
    .keys = &delete_user_files_params::keys};

template <>
inline constexpr endpoint<download_user_files_params> endpoint_for<download_user_files_params>{
    .name = "get_user_storage_download_files",
    .method = http::verb::get,
    .path = "/users/download-files",
    .success = {200},
    .safe_to_repeat = true,
    .masked = false,
    .accept = "application/zip",
    .sink = &download_body};

template <>
inline constexpr endpoint<delete_training_settings_params> endpoint_for<delete_training_settings_params>{
    .name = "delete_user_storage_training_settings",
    .method = http::verb::delete_,
    .path = "/users/training-settings",
    .success = {204},
    .safe_to_repeat = true,
    .masked = false};

} // namespace igtcloud::entities::detail
