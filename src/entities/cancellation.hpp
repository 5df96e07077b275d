#pragma once

// Whether the running coroutine's caller asked for cancellation, for the steps of an operation to look at
// before they start a wait.
//
// Asio delivers a cancellation to the asynchronous operation pending at that instant only. One emitted in the
// gap between two steps (the write has completed but its completion has not run yet, so the read has not
// started) sets the coroutine's cancellation state and reaches no operation: the next wait would then run to
// its deadline. So every step that may wait long (resolve, connect, handshake, write, read, a parked waiter,
// a back-off) first looks at the state:
//
//   if (cancel_requested(co_await asio::this_coro::cancellation_state)) ... // abort, as the wait would have
//
// (A plain function of the awaited state, not a coroutine: no frame per look.)

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/cancellation_type.hpp>

namespace igtcloud::entities::detail {

inline bool cancel_requested(boost::asio::cancellation_state const& state) noexcept
{
    return state.cancelled() != boost::asio::cancellation_type::none;
}

} // namespace igtcloud::entities::detail
