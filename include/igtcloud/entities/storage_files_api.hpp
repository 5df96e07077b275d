#pragma once

// The 2023 spec's operations on the caller's own storage (DESIGN.md §7): its stored files and its training
// settings, for any Asio completion token; the download streams into a download_sink (download.hpp).
//
// As every Users operation (users_api.hpp): each completes with `void(api_result<T>)`, never inside its
// initiating call, honours per-operation cancellation through the handler's cancellation slot, completes on
// the handler's associated executor, copies its arguments before the call returns, and may be called from any
// thread, concurrently.

#include <igtcloud/entities/detail/operation.hpp>
#include <igtcloud/entities/detail/operations_base.hpp>
#include <igtcloud/entities/download.hpp>

#include <boost/asio/deferred.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace igtcloud::entities {

/// The 2023 spec's operations on the caller's stored files and training settings: a base of users_api
/// (`session::users()`), whose documentation (tokens, errors, cancellation, lifetimes, thread safety) holds
/// for these too. The service answers them for the caller's own user (the one of its tokens).
class storage_files_api : protected detail::operations_base {
public:
    /// GET /users/files: the caller's stored files. Completes with
    /// `void(api_result<std::vector<user_file>>)`.
    template <token_for<std::vector<user_file>> Token = boost::asio::deferred_t>
    auto async_get_user_files(request_options opts, Token&& token = {})
    {
        return call(detail::get_user_files_params{std::move(opts)}, std::forward<Token>(token));
    }
    /// async_get_user_files with default request_options.
    template <token_for<std::vector<user_file>> Token = boost::asio::deferred_t>
    auto async_get_user_files(Token&& token = {})
    {
        return async_get_user_files(request_options{}, std::forward<Token>(token));
    }

    /// DELETE /users/files?keys=K1&keys=K2: deletes the caller's files with these keys (user_file::key), one
    /// `keys` query parameter per key, each percent-encoded as a query value. Completes with
    /// `void(api_result<void>)` (204). No key at all, or an empty key, is error::invalid_argument with
    /// nothing sent (the spec's default, no `keys`, would not say which files to delete).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_user_files(std::vector<std::string> keys, request_options opts, Token&& token = {})
    {
        return call(detail::delete_user_files_params{std::move(keys), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_delete_user_files with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_user_files(std::vector<std::string> keys, Token&& token = {})
    {
        return async_delete_user_files(std::move(keys), request_options{}, std::forward<Token>(token));
    }

    /// GET /users/download-files (`Accept: application/zip`): streams the zip archive of the caller's stored
    /// files into `sink` (see download_sink for a file's `.part` and rename, a callable's chunks, and what a
    /// retry does). Completes with `void(api_result<std::uint64_t>)`: the bytes written to the sink. The
    /// archive may be of any size: memory stays bounded by the connection's read buffer;
    /// session_options::max_response_bytes does not apply, session_options::max_download_bytes does
    /// (error::response_too_large). The deadline is the whole download's (request_options::timeout, else
    /// session_options::request_timeout): give a large archive the time it needs. A bad sink (see
    /// download_sink) is error::invalid_argument with nothing sent.
    template <token_for<std::uint64_t> Token = boost::asio::deferred_t>
    auto async_download_user_files(download_sink sink, request_options opts, Token&& token = {})
    {
        return call(detail::download_user_files_params{std::move(sink), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_download_user_files with default request_options.
    template <token_for<std::uint64_t> Token = boost::asio::deferred_t>
    auto async_download_user_files(download_sink sink, Token&& token = {})
    {
        return async_download_user_files(std::move(sink), request_options{}, std::forward<Token>(token));
    }

    /// DELETE /users/training-settings: resets the caller's training settings. Completes with
    /// `void(api_result<void>)` (204).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_training_settings(request_options opts, Token&& token = {})
    {
        return call(detail::delete_training_settings_params{std::move(opts)}, std::forward<Token>(token));
    }
    /// async_delete_training_settings with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_training_settings(Token&& token = {})
    {
        return async_delete_training_settings(request_options{}, std::forward<Token>(token));
    }

protected:
    /// Made through users_api.
    explicit storage_files_api(std::shared_ptr<detail::client_impl> impl) noexcept
        : operations_base(std::move(impl))
    {}
};

} // namespace igtcloud::entities
