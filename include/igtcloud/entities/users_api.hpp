#pragma once

// The operations of the Users resource (the seed spec's ten here, the 2023 spec's four in
// storage_files_api.hpp), for any Asio completion token.
//
// Every operation completes with `void(api_result<T>)`: the value on success, else an api_error (HTTP 4xx/5xx
// as http_status codes, transport errors as Asio/Beast/SSL codes, error::timeout,
// error::invalid_response...). Tokens: callbacks, asio::use_future, asio::use_awaitable, asio::deferred (the
// default), use_promise... Each operation honours per-operation cancellation through the handler's
// cancellation slot (it then completes with asio::error::operation_aborted) and completes on the handler's
// associated executor. Arguments are copied into the operation before the call returns: no lifetime
// requirements on them. Bad input (empty user_uuid, CR/LF in a header value, a malformed X-Fields mask)
// completes with error::invalid_argument and sends nothing. Thread safety: any thread, concurrently.

#include <igtcloud/entities/created.hpp>
#include <igtcloud/entities/detail/operation.hpp>
#include <igtcloud/entities/storage_files_api.hpp>

#include <boost/asio/deferred.hpp>

#include <string_view>

namespace igtcloud::entities {

/// A cheap handle on a session's Users operations (`session::users()`); copy it freely. It keeps the
/// session's shared state alive, but operations started after the session is destroyed fail with
/// error::shut_down.
///
/// Each operation takes any completion token (callbacks, `asio::use_future`, `asio::use_awaitable`,
/// `asio::deferred`, the default) and completes with `void(api_result<T>)`, T as each operation says: the
/// value on success, else an api_error (HTTP 4xx/5xx as http_status codes, transport errors as
/// Asio/Beast/SSL codes, error::timeout, error::invalid_response...). Bad input (empty user_uuid, CR/LF in a
/// header value, a malformed X-Fields mask) completes with error::invalid_argument and sends nothing; no
/// operation completes inside its initiating call. Cancellation: per operation, through the handler's
/// cancellation slot (it then completes with `asio::error::operation_aborted`). The handler runs on its
/// associated executor. Lifetimes: arguments are copied into the operation before the call returns.
/// Thread safety: any thread, concurrently.
///
/// The 2023 spec's operations on the caller's stored files and training settings come from its base
/// storage_files_api (`users.async_get_user_files(...)`).
class users_api : public storage_files_api {
public:
    /// Made by session::users(); not for direct use.
    explicit users_api(std::shared_ptr<detail::client_impl> impl) noexcept
        : storage_files_api(std::move(impl))
    {}

    /// GET /users/me: the caller's user. Completes with `void(api_result<user_info>)`.
    template <token_for<user_info> Token = boost::asio::deferred_t>
    auto async_get_me(request_options opts, Token&& token = {})
    {
        return call(detail::get_me_params{std::move(opts)}, std::forward<Token>(token));
    }
    /// async_get_me with default request_options.
    template <token_for<user_info> Token = boost::asio::deferred_t>
    auto async_get_me(Token&& token = {})
    {
        return async_get_me(request_options{}, std::forward<Token>(token));
    }

    /// GET /users/{user_uuid}: one user. Completes with `void(api_result<user_info>)`; http_status::not_found
    /// when there is no such user.
    template <token_for<user_info> Token = boost::asio::deferred_t>
    auto async_get_user(std::string_view user_uuid, request_options opts, Token&& token = {})
    {
        return call(detail::get_user_params{std::string(user_uuid), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_get_user with default request_options.
    template <token_for<user_info> Token = boost::asio::deferred_t>
    auto async_get_user(std::string_view user_uuid, Token&& token = {})
    {
        return async_get_user(user_uuid, request_options{}, std::forward<Token>(token));
    }

    /// GET /users: every user. Completes with `void(api_result<std::vector<user_info>>)`. The list is decoded
    /// as its bytes arrive (the body is not held beside the vector), under max_response_bytes (its JSON text,
    /// decoded); on any error no partial list is returned. For a list of any length in bounded memory, see
    /// async_for_each_user.
    template <token_for<std::vector<user_info>> Token = boost::asio::deferred_t>
    auto async_get_users(request_options opts, Token&& token = {})
    {
        return call(detail::get_users_params{std::move(opts)}, std::forward<Token>(token));
    }
    /// async_get_users with default request_options.
    template <token_for<std::vector<user_info>> Token = boost::asio::deferred_t>
    auto async_get_users(Token&& token = {})
    {
        return async_get_users(request_options{}, std::forward<Token>(token));
    }

    /// GET /users, streamed: hands each user to `on_user` as soon as its JSON object has been decoded, and
    /// completes with `void(api_result<std::size_t>)`, the number of users handed over. Memory stays at one
    /// user plus the connection's read buffer, however long the list: session_options::max_response_bytes
    /// does not apply, session_options::max_item_bytes (one user's JSON) does (error::response_too_large).
    ///
    /// `on_user` is called one user at a time, in the list's order, on one of the session's I/O threads (not
    /// on the completion handler's executor), all calls before the completion handler runs; it must not
    /// block for long (the connection waits for it). An exception it throws ends the operation with
    /// `boost::system::errc::io_error` (its what() in the message), not retried. To stop early, cancel the
    /// operation (its cancellation slot) from `on_user` or elsewhere: `on_user` is not called again, and the
    /// operation completes with `asio::error::operation_aborted`. An empty `on_user` is
    /// error::invalid_argument with nothing sent.
    ///
    /// Errors after some users (a body cut off, invalid JSON, a user of the wrong shape or over
    /// max_item_bytes, the deadline, a cancellation) complete with the error; the users handed over before it
    /// stay handed over, and the caller's own count of on_user calls says how many (api_error carries none).
    /// Retries: like any GET before the first user was handed over; after it, never (a retry would hand the
    /// same users over again), and the operation fails with the attempt's error.
    template <token_for<std::size_t> Token = boost::asio::deferred_t>
    auto async_for_each_user(request_options opts, user_callback on_user, Token&& token = {})
    {
        return call(detail::for_each_user_params{std::move(on_user), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_for_each_user with default request_options.
    template <token_for<std::size_t> Token = boost::asio::deferred_t>
    auto async_for_each_user(user_callback on_user, Token&& token = {})
    {
        return async_for_each_user(request_options{}, std::move(on_user), std::forward<Token>(token));
    }

    /// GET /users/$storage[?region=]: temporary storage credentials (secrets: never logged by the library).
    /// Completes with `void(api_result<storage>)`.
    template <token_for<storage> Token = boost::asio::deferred_t>
    auto async_get_user_storage(std::optional<std::string> region, request_options opts, Token&& token = {})
    {
        return call(detail::get_user_storage_params{std::move(region), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_get_user_storage with default request_options.
    template <token_for<storage> Token = boost::asio::deferred_t>
    auto async_get_user_storage(std::optional<std::string> region, Token&& token = {})
    {
        return async_get_user_storage(std::move(region), request_options{}, std::forward<Token>(token));
    }
    /// async_get_user_storage without a region, with default request_options.
    template <token_for<storage> Token = boost::asio::deferred_t>
    auto async_get_user_storage(Token&& token = {})
    {
        return async_get_user_storage(std::nullopt, request_options{}, std::forward<Token>(token));
    }

    /// POST /users: creates the user (201, is_new) or finds the existing one with that loginId (200).
    /// Completes with `void(api_result<created<user_info>>)`.
    template <token_for<created<user_info>> Token = boost::asio::deferred_t>
    auto async_post_users(user_create user, request_options opts, Token&& token = {})
    {
        return call(detail::post_users_params{std::move(user), std::move(opts)}, std::forward<Token>(token));
    }
    /// async_post_users with default request_options.
    template <token_for<created<user_info>> Token = boost::asio::deferred_t>
    auto async_post_users(user_create user, Token&& token = {})
    {
        return async_post_users(std::move(user), request_options{}, std::forward<Token>(token));
    }

    /// PUT /users/{user_uuid}: updates the user. Completes with `void(api_result<void>)` (204).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_put_user(std::string_view user_uuid, user_create user, request_options opts,
                        Token&& token = {})
    {
        return call(detail::put_user_params{std::string(user_uuid), std::move(user), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_put_user with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_put_user(std::string_view user_uuid, user_create user, Token&& token = {})
    {
        return async_put_user(user_uuid, std::move(user), request_options{}, std::forward<Token>(token));
    }

    /// DELETE /users/{user_uuid}: deletes the user. Completes with `void(api_result<void>)` (204).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_user(std::string_view user_uuid, request_options opts, Token&& token = {})
    {
        return call(detail::delete_user_params{std::string(user_uuid), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_delete_user with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_delete_user(std::string_view user_uuid, Token&& token = {})
    {
        return async_delete_user(user_uuid, request_options{}, std::forward<Token>(token));
    }

    /// POST /users/$resend-activation: sends the activation mail again. Completes with
    /// `void(api_result<user_activation>)`, an OperationOutcome-style answer.
    template <token_for<user_activation> Token = boost::asio::deferred_t>
    auto async_post_resend_activation(user_activation_create who, request_options opts, Token&& token = {})
    {
        return call(detail::post_resend_activation_params{std::move(who), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_post_resend_activation with default request_options.
    template <token_for<user_activation> Token = boost::asio::deferred_t>
    auto async_post_resend_activation(user_activation_create who, Token&& token = {})
    {
        return async_post_resend_activation(std::move(who), request_options{}, std::forward<Token>(token));
    }

    /// POST /users/$mfa-reset: resets the user's multi-factor authentication. Completes with
    /// `void(api_result<void>)` (204).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_post_reset_mfa(user_activation_create who, request_options opts, Token&& token = {})
    {
        return call(detail::post_reset_mfa_params{std::move(who), std::move(opts)},
                    std::forward<Token>(token));
    }
    /// async_post_reset_mfa with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_post_reset_mfa(user_activation_create who, Token&& token = {})
    {
        return async_post_reset_mfa(std::move(who), request_options{}, std::forward<Token>(token));
    }

    /// POST /users/$profile (no body). Completes with `void(api_result<void>)` (204).
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_post_user_profile(request_options opts, Token&& token = {})
    {
        return call(detail::post_user_profile_params{std::move(opts)}, std::forward<Token>(token));
    }
    /// async_post_user_profile with default request_options.
    template <token_for<void> Token = boost::asio::deferred_t>
    auto async_post_user_profile(Token&& token = {})
    {
        return async_post_user_profile(request_options{}, std::forward<Token>(token));
    }
};

} // namespace igtcloud::entities
