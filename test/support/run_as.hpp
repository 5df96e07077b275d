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

namespace run_as_detail {

template <class T>
using result_of = entities::api_result<T>;

/// Where a completion lands. Shared with the handlers: a late completion after a failed (timed out) run
/// writes to live memory.
template <class T>
struct outcome {
    std::optional<result_of<T>> result{};
    std::exception_ptr failure{};
    bool done{};
};

/// The callback: one plain function object type per result type, so every test that runs an operation with
/// it shares the operation's instantiation for this handler.
template <class T>
struct set_result {
    std::shared_ptr<outcome<T>> state;
    void operator()(result_of<T> r) const
    {
        state->result.emplace(std::move(r));
        state->done = true;
    }
};

/// `co_await op(asio::deferred)` in a coroutine of its own: one instantiation per operation, not per test.
template <class T, class Deferred>
boost::asio::awaitable<result_of<T>> await_deferred(Deferred op)
{
    co_return co_await std::move(op);
}

/// Runs `body` (an operation's awaitable) in asio::co_spawn and records its result or its exception.
template <class T>
void spawn(boost::asio::io_context& ioc, boost::asio::awaitable<result_of<T>> body,
           std::shared_ptr<outcome<T>> const& state)
{
    boost::asio::co_spawn(ioc, std::move(body), [state](std::exception_ptr e, std::optional<result_of<T>> r) {
        state->failure = e;
        if (r) state->result = std::move(r);
        state->done = true;
    });
}

template <class T>
result_of<T> wait_future(boost::asio::io_context& ioc, std::future<result_of<T>> future)
{
    bool const completed =
        run_until(ioc, [&] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    if (!completed)
        BOOST_FAIL("the operation (" << token_kind::future << ") did not complete within "
                                     << run_limit.count() << " s");
    return future.get();
}

template <class T>
result_of<T> wait_outcome(token_kind kind, boost::asio::io_context& ioc, outcome<T>& state)
{
    if (!run_until(ioc, [&] { return state.done; }))
        BOOST_FAIL("the operation (" << kind << ") did not complete within " << run_limit.count() << " s");
    if (state.failure) std::rethrow_exception(state.failure);
    if (!state.result) BOOST_FAIL("the coroutine (" << kind << ") ended without a result");
    return std::move(*state.result);
}

} // namespace run_as_detail

/// Starts `op(token)` with the token of `kind`, runs `ioc` until the operation completes (at most run_limit)
/// and returns its result. `op` is called once, on this thread, with the token as its only argument, and
/// returns what the operation returns for that token (with asio::use_awaitable: the awaitable, run in
/// asio::co_spawn). Fails the test case (BOOST_FAIL) when the operation does not complete in time or a
/// coroutine ends with an exception.
///
/// Only the calls of `op` depend on the test's lambda; the waiting, the coroutines and the handlers are
/// instantiated once per result type (a test file's build time was mostly these, once per test).
template <class T, class Op>
entities::api_result<T> run_as(token_kind kind, boost::asio::io_context& ioc, Op&& op)
{
    namespace asio = boost::asio;
    namespace d = run_as_detail;
    auto state = std::make_shared<d::outcome<T>>();
    switch (kind) {
    case token_kind::callback: op(d::set_result<T>{state}); break;
    case token_kind::future: return d::wait_future<T>(ioc, op(asio::use_future));
    case token_kind::coroutine: d::spawn<T>(ioc, op(asio::use_awaitable), state); break;
    case token_kind::deferred_awaited:
        d::spawn<T>(ioc, d::await_deferred<T>(op(asio::deferred)), state);
        break;
    case token_kind::deferred_invoked: std::move(op(asio::deferred))(d::set_result<T>{state}); break;
    }
    return d::wait_outcome<T>(kind, ioc, *state);
}

} // namespace igtcloud::test
