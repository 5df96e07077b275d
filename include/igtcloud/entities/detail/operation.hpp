#pragma once

// The thin, token-generic front end of the Users operations: parameter structs and the initiation that
// hands them to the pipeline compiled once in the library (detail::start, explicitly instantiated there).

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/created.hpp>
#include <igtcloud/entities/download.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/models.hpp>
#include <igtcloud/entities/options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace igtcloud::entities {

/// Receives the users of users_api::async_for_each_user one at a time, each as soon as its JSON object has
/// been decoded (see there for the thread it runs on, exceptions, and how to stop early).
using user_callback = std::function<void(user_info)>;

namespace detail {

// Marked for shared builds: start<Params> has the visibility of Params (see models/common.hpp).
struct IGTCLOUD_ENTITIES_DECL get_me_params {
    request_options options{};
    using response_type = user_info;
};
struct IGTCLOUD_ENTITIES_DECL get_user_params {
    std::string user_uuid{};
    request_options options{};
    using response_type = user_info;
};
struct IGTCLOUD_ENTITIES_DECL get_users_params {
    request_options options{};
    using response_type = std::vector<user_info>;
};
struct IGTCLOUD_ENTITIES_DECL for_each_user_params {
    user_callback on_user{};
    request_options options{};
    using response_type = std::size_t; ///< users handed to on_user
};
struct IGTCLOUD_ENTITIES_DECL get_user_storage_params {
    std::optional<std::string> region{};
    request_options options{};
    using response_type = storage;
};
struct IGTCLOUD_ENTITIES_DECL post_users_params {
    user_create body{};
    request_options options{};
    using response_type = created<user_info>;
};
struct IGTCLOUD_ENTITIES_DECL put_user_params {
    std::string user_uuid{};
    user_create body{};
    request_options options{};
    using response_type = void;
};
struct IGTCLOUD_ENTITIES_DECL delete_user_params {
    std::string user_uuid{};
    request_options options{};
    using response_type = void;
};
struct IGTCLOUD_ENTITIES_DECL post_resend_activation_params {
    user_activation_create body{};
    request_options options{};
    using response_type = user_activation;
};
struct IGTCLOUD_ENTITIES_DECL post_reset_mfa_params {
    user_activation_create body{};
    request_options options{};
    using response_type = void;
};
struct IGTCLOUD_ENTITIES_DECL post_user_profile_params {
    request_options options{};
    using response_type = void;
};
// The 2023 spec's operations (DESIGN.md §7).
struct IGTCLOUD_ENTITIES_DECL get_user_files_params {
    request_options options{};
    using response_type = std::vector<user_file>;
};
struct IGTCLOUD_ENTITIES_DECL delete_user_files_params {
    std::vector<std::string> keys{};
    request_options options{};
    using response_type = void;
};
struct IGTCLOUD_ENTITIES_DECL download_user_files_params {
    download_sink sink{};
    request_options options{};
    using response_type = std::uint64_t; ///< bytes written to the sink
};
struct IGTCLOUD_ENTITIES_DECL delete_training_settings_params {
    request_options options{};
    using response_type = void;
};

template <class Params>
using signature_t = void(api_result<typename Params::response_type>);
template <class Params>
using handler_t = boost::asio::any_completion_handler<signature_t<Params>>;

struct client_impl;
IGTCLOUD_ENTITIES_DECL boost::asio::any_io_executor executor_of(client_impl const& impl) noexcept;

/// Runs one operation; defined once in the library for each operation's Params.
template <class Params>
IGTCLOUD_ENTITIES_DECL void start(std::shared_ptr<client_impl> impl, Params params,
                                  handler_t<Params> handler);

/// The initiation passed to async_initiate: owns the session's shared state, never a view.
struct initiation {
    std::shared_ptr<client_impl> impl;

    using executor_type = boost::asio::any_io_executor;
    executor_type get_executor() const noexcept { return executor_of(*impl); }

    template <class Handler, class Params>
    void operator()(Handler&& handler, Params params) const
    {
        start<Params>(impl, std::move(params), handler_t<Params>(std::forward<Handler>(handler)));
    }
};

} // namespace detail
} // namespace igtcloud::entities
