#pragma once

// One operation parked on a timer until another thread wakes it, its deadline passes or its caller cancels:
// how the connection pool's acquirers wait for a connection and the token source's callers for new tokens.
//
//   owner, under its lock: register the waiter     owner, under its lock: record what was granted, wake()
//   unlock, park()  <------------------------------------------------------------------------ wake-up
//   owner, under its lock: unregister, read what was granted (or nothing: expired, cancelled)
//
// A wake() that comes before park() has armed the timer is kept, so no wake-up is lost however the threads
// interleave; every use of the timer is serialised by the waiter's own mutex. The coroutine resumes on its
// own executor. The timer, the mutex and the flags are shared with the arming step, which may still be
// returning on one thread while the woken coroutine has resumed on another and destroyed its waiter.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace igtcloud::entities::detail {

namespace asio = boost::asio;

class parked_waiter {
public:
    /// A waiter of a coroutine running on `executor`, whose wait ends at `deadline` at the latest.
    parked_waiter(asio::any_io_executor const& executor, std::chrono::steady_clock::time_point deadline);
    parked_waiter(parked_waiter const&) = delete;
    parked_waiter& operator=(parked_waiter const&) = delete;

    /// The parked coroutine's executor.
    asio::any_io_executor get_executor() const { return state_->timer.get_executor(); }

    /// Ends the wait, now or as soon as park() begins. Thread-safe. False (and nothing done) when already
    /// woken. Call it under the owner's lock while the waiter is registered: the woken coroutine takes that
    /// lock to unregister before its waiter goes away.
    bool wake();
    /// Whether wake() was called. Thread-safe.
    bool woken() const;

    /// How park() ended.
    struct outcome {
        /// The deadline passed first: the timer ran out without a wake-up or a cancellation ending it.
        bool expired{};
        /// The calling coroutine's cancellation slot fired (its cancellation state says so).
        bool cancelled{};
    };
    /// Parks the calling coroutine until wake(), the deadline or its cancellation. Call it at most once.
    asio::awaitable<outcome> park();

private:
    struct state {
        state(asio::any_io_executor const& executor, std::chrono::steady_clock::time_point deadline)
            : timer(executor, deadline)
        {}
        std::mutex mutex; // guards everything below
        asio::steady_timer timer;
        bool armed{}; ///< park() started the timer's wait
        bool woken{};
    };
    std::shared_ptr<state> state_;
};

} // namespace igtcloud::entities::detail
