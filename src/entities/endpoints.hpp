#pragma once

// The only place that knows HTTP facts about the ten operations: one row per operation.
// The pipeline reads the columns; it never branches on which operation is running.

#include <igtcloud/entities/detail/operation.hpp>

#include <boost/beast/http/verb.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

namespace http = boost::beast::http;

/// One operation's HTTP description. Params is the operation's parameter struct.
template <class Params>
struct endpoint {
    std::string_view name;            ///< the spec's operationId without `_resource`, for events
    http::verb method;                ///< the HTTP method
    std::string_view path;            ///< below the base URL's prefix; `{user_uuid}` is substituted
    std::array<unsigned, 2> success;  ///< statuses that mean success (the same twice when only one)
    bool safe_to_repeat;              ///< may be replayed/retried after it may have reached the server
    bool masked;                      ///< sends `request_options::fields` as X-Fields
    std::string Params::*user_uuid{}; ///< the `{user_uuid}` segment, if the path has one
    std::optional<std::string> Params::*region{}; ///< the `region` query parameter, if the operation has one
};

template <class Params>
inline constexpr std::nullptr_t endpoint_for = nullptr;

template <>
inline constexpr endpoint<get_me_params> endpoint_for<get_me_params>{
    "get_me", http::verb::get, "/users/me", {200, 200}, true, true};

template <>
inline constexpr endpoint<get_user_params> endpoint_for<get_user_params>{
    "get_user", http::verb::get, "/users/{user_uuid}", {200, 200}, true, true, &get_user_params::user_uuid};

template <>
inline constexpr endpoint<get_users_params> endpoint_for<get_users_params>{
    "get_users", http::verb::get, "/users", {200, 200}, true, true};

template <>
inline constexpr endpoint<get_user_storage_params> endpoint_for<get_user_storage_params>{
    "get_user_storage",
    http::verb::get,
    "/users/$storage",
    {200, 200},
    true,
    true,
    nullptr,
    &get_user_storage_params::region};

// POST /users is idempotent by the service's semantics: an existing loginId answers 200 with that user.
template <>
inline constexpr endpoint<post_users_params> endpoint_for<post_users_params>{
    "post_users", http::verb::post, "/users", {201, 200}, true, true};

template <>
inline constexpr endpoint<put_user_params> endpoint_for<put_user_params>{
    "put_user", http::verb::put, "/users/{user_uuid}", {204, 204}, true, false, &put_user_params::user_uuid};

template <>
inline constexpr endpoint<delete_user_params> endpoint_for<delete_user_params>{
    "delete_user", http::verb::delete_,           "/users/{user_uuid}", {204, 204}, true,
    false,         &delete_user_params::user_uuid};

template <>
inline constexpr endpoint<post_resend_activation_params> endpoint_for<post_resend_activation_params>{
    "post_resend_activation", http::verb::post, "/users/$resend-activation", {200, 200}, false, true};

template <>
inline constexpr endpoint<post_reset_mfa_params> endpoint_for<post_reset_mfa_params>{
    "post_reset_mfa", http::verb::post, "/users/$mfa-reset", {204, 204}, false, false};

template <>
inline constexpr endpoint<post_user_profile_params> endpoint_for<post_user_profile_params>{
    "post_user_profile", http::verb::post, "/users/$profile", {204, 204}, false, false};

} // namespace igtcloud::entities::detail
