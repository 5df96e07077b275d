// A coroutine parked on a timer until woken, expired or cancelled, with no wake-up lost.
#include "entities/parked_waiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "entities/cancellation.hpp"

namespace igtcloud::entities::detail {

parked_waiter::parked_waiter(asio::any_io_executor const& executor,
                             std::chrono::steady_clock::time_point deadline)
    : state_(std::make_shared<state>(executor, deadline))
{}

bool parked_waiter::wake()
{
    auto const s = state_;
    std::lock_guard lock(s->mutex);
    if (s->woken) return false;
    s->woken = true;
    if (s->armed) s->timer.cancel();
    return true;
}

bool parked_waiter::woken() const
{
    std::lock_guard lock(state_->mutex);
    return state_->woken;
}

asio::awaitable<parked_waiter::outcome> parked_waiter::park()
{
    // A cancellation that came before the park (cancellation.hpp) ends it at once.
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return outcome{.cancelled = true};
    auto const token = asio::as_tuple(asio::use_awaitable);
    // Armed under the lock, so that a wake() is either seen here or cancels the armed wait. Once the wait is
    // armed, its completion may resume the coroutine on another thread, which may destroy this waiter and the
    // initiation itself: from then on only the local `s` is used. The initiation is named before co_await
    // (GCC 12 destroys some temporaries of a co_await expression twice).
    auto arm = [shared = state_](auto handler) {
        auto const s = shared;
        std::lock_guard lock(s->mutex);
        s->timer.async_wait(std::move(handler));
        s->armed = true;
        if (s->woken) s->timer.cancel(); // woken before the wait was armed: end it at once
    };
    auto [ec] = co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(arm, token);
    auto const cancelled =
        (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
    co_return outcome{.expired = !ec, .cancelled = cancelled};
}

} // namespace igtcloud::entities::detail
