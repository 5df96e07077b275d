#pragma once

// What every group of Users operations holds (users_api, storage_files_api): the session's shared state, and
// the one initiation every operation goes through.

#include <igtcloud/entities/detail/operation.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <utility>

namespace igtcloud::entities {

/// A completion token for an operation whose value is T (`token_for<T> Token` in a template head): one
/// that accepts the completion signature `void(api_result<T>)`.
template <class Token, class T>
concept token_for = boost::asio::completion_token_for<Token, void(api_result<T>)>;

namespace detail {

/// The shared state of a session's operation handles and their one initiation (internal base class).
class operations_base {
protected:
    explicit operations_base(std::shared_ptr<client_impl> impl) noexcept : impl_(std::move(impl)) {}

    /// Starts the operation described by `params` with any completion token.
    template <class Params, class Token>
    auto call(Params params, Token&& token)
    {
        return boost::asio::async_initiate<Token, signature_t<Params>>(initiation{impl_}, token,
                                                                       std::move(params));
    }

    std::shared_ptr<client_impl> impl_;
};

} // namespace detail
} // namespace igtcloud::entities
