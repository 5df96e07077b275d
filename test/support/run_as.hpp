// Runs one operation with a chosen completion token, so that a test body is written once and checked with
// every completion style: callback, asio::use_future, C++20 coroutine (asio::use_awaitable), and
// asio::deferred (the default token) both co_awaited and invoked with a handler.
#pragma once

#include <igtcloud/entities/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <ostream>

#include "support/run_until.hpp"

namespace igtcloud::test {

/// How run_as completes an operation.
enum class token_kind {
    callback,         ///< a plain lambda
    future,           ///< asio::use_future
    coroutine,        ///< co_await op(asio::use_awaitable) in asio::co_spawn
    deferred_awaited, ///< co_await op(asio::deferred) (what `co_await users.async_get_me()` does)
    deferred_invoked, ///< std::move(op(asio::deferred))(handler)
};

inline constexpr std::array<token_kind, 5> all_token_kinds{
    token_kind::callback, token_kind::future, token_kind::coroutine, token_kind::deferred_awaited,
    token_kind::deferred_invoked};

inline std::ostream& operator<<(std::ostream& os, token_kind kind)
{
    switch (kind) {
    case token_kind::callback: return os << "callback";
    case token_kind::future: return os << "future";
    case token_kind::coroutine: return os << "coroutine";
    case token_kind::deferred_awaited: return os << "deferred_awaited";
    case token_kind::deferred_invoked: return os << "deferred_invoked";
    }
    return os << "token_kind(" << static_cast<int>(kind) << ')';
}

/// Starts `op(token)` with the token of `kind`, runs `ioc` until the operation completes (at most run_limit)
/// and returns its result. `op` is called once, on this thread, with the token as its only argument, and
/// returns what the operation returns for that token. Fails the test case (BOOST_FAIL) when the operation
/// does not complete in time or a coroutine ends with an exception.
template <class T, class Op>
entities::api_result<T> run_as(token_kind kind, boost::asio::io_context& ioc, Op&& op)
{
    namespace asio = boost::asio;
    using result_type = entities::api_result<T>;
    // Shared with the handlers: a late completion after a failed (timed out) run writes to live memory.
    struct state_type {
        std::optional<result_type> result{};
        std::exception_ptr failure{};
        bool done{};
    };
    auto state = std::make_shared<state_type>();
    auto set = [state](result_type r) {
        state->result.emplace(std::move(r));
        state->done = true;
    };
    auto coroutine_done = [state](std::exception_ptr e) {
        state->failure = e;
        state->done = true;
    };

    std::future<result_type> future;
    switch (kind) {
    case token_kind::callback: op(set); break;
    case token_kind::future: future = op(asio::use_future); break;
    case token_kind::coroutine:
        asio::co_spawn(
            ioc, [&op, set]() -> asio::awaitable<void> { set(co_await op(asio::use_awaitable)); },
            coroutine_done);
        break;
    case token_kind::deferred_awaited:
        asio::co_spawn(
            ioc, [&op, set]() -> asio::awaitable<void> { set(co_await op(asio::deferred)); }, coroutine_done);
        break;
    case token_kind::deferred_invoked: {
        auto deferred_op = op(asio::deferred);
        std::move(deferred_op)(set);
        break;
    }
    }

    bool const completed = run_until(ioc, [&] {
        if (kind == token_kind::future)
            return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        return state->done;
    });
    if (!completed)
        BOOST_FAIL("the operation (" << kind << ") did not complete within " << run_limit.count() << " s");
    if (kind == token_kind::future) return future.get();
    if (state->failure) std::rethrow_exception(state->failure);
    if (!state->result) BOOST_FAIL("the coroutine (" << kind << ") ended without a result");
    return std::move(*state->result);
}

} // namespace igtcloud::test
