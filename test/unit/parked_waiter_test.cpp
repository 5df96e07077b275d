// Unit tests of parked_waiter: woken before or while parked, expired, cancelled, and no wake-up lost when
// another thread wakes it as it parks.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "entities/parked_waiter.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using igtcloud::entities::detail::parked_waiter;
using clock_type = std::chrono::steady_clock;

/// Parks `w` on `ioc` (one thread: this one) and returns how the wait ended.
parked_waiter::outcome park_on(asio::io_context& ioc, parked_waiter& w)
{
    std::optional<parked_waiter::outcome> result;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { result = co_await w.park(); }, asio::detached);
    ioc.run();
    BOOST_TEST_REQUIRE(result.has_value());
    return *result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(parked_waiter_suite)

BOOST_AUTO_TEST_CASE(a_wake_before_park_is_kept)
{
    asio::io_context ioc;
    parked_waiter w(ioc.get_executor(), clock_type::now() + 1h);
    BOOST_TEST(!w.woken());
    BOOST_TEST(w.wake());
    BOOST_TEST(!w.wake()); // once only
    auto const started = clock_type::now();
    auto const o = park_on(ioc, w);
    BOOST_TEST(!o.expired);
    BOOST_TEST(!o.cancelled);
    BOOST_TEST(w.woken());
    BOOST_TEST((clock_type::now() - started < 5s));
}

BOOST_AUTO_TEST_CASE(the_deadline_ends_an_unwoken_wait)
{
    asio::io_context ioc;
    auto const started = clock_type::now();
    parked_waiter w(ioc.get_executor(), started + 30ms);
    auto const o = park_on(ioc, w);
    BOOST_TEST(o.expired);
    BOOST_TEST(!o.cancelled);
    BOOST_TEST(!w.woken());
    BOOST_TEST((clock_type::now() - started >= 30ms));
}

BOOST_AUTO_TEST_CASE(a_wake_while_parked_ends_the_wait)
{
    asio::io_context ioc;
    parked_waiter w(ioc.get_executor(), clock_type::now() + 1h);
    asio::steady_timer later(ioc, 20ms);
    later.async_wait([&](boost::system::error_code) { BOOST_TEST(w.wake()); });
    auto const o = park_on(ioc, w);
    BOOST_TEST(!o.expired);
    BOOST_TEST(!o.cancelled);
    BOOST_TEST(w.woken());
}

BOOST_AUTO_TEST_CASE(the_callers_cancellation_ends_the_wait)
{
    asio::io_context ioc;
    parked_waiter w(ioc.get_executor(), clock_type::now() + 1h);
    asio::cancellation_signal signal;
    std::optional<parked_waiter::outcome> result;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { result = co_await w.park(); },
        asio::bind_cancellation_slot(signal.slot(), asio::detached));
    asio::post(ioc, [&] { signal.emit(asio::cancellation_type::terminal); });
    ioc.run();
    BOOST_TEST_REQUIRE(result.has_value());
    BOOST_TEST(result->cancelled);
    BOOST_TEST(!result->expired);
    BOOST_TEST(!w.woken());
}

// Another thread wakes the waiter the moment it is registered, as the pool's releases and the token source's
// provider completions do, on an io_context that two threads run (no strand): every wait ends long before
// its deadline.
BOOST_AUTO_TEST_CASE(no_wake_up_is_lost_across_threads)
{
    asio::io_context ioc(2);
    auto work = asio::make_work_guard(ioc);
    std::thread a([&] { ioc.run(); });
    std::thread b([&] { ioc.run(); });
    std::mutex owner; // the owner's lock: wake() under it, unregistering under it
    int expired = 0;
    for (int round = 0; round < 2000; ++round) {
        std::promise<parked_waiter*> registered;
        std::promise<parked_waiter::outcome> ended;
        asio::co_spawn(
            ioc.get_executor(),
            [&]() -> asio::awaitable<void> {
                parked_waiter w(ioc.get_executor(), clock_type::now() + 5s);
                {
                    std::lock_guard lock(owner);
                    registered.set_value(&w);
                }
                auto const o = co_await w.park();
                std::lock_guard lock(owner); // unregistered: nobody wakes it any more
                ended.set_value(o);
            },
            asio::detached);
        auto* w = registered.get_future().get();
        {
            std::lock_guard lock(owner);
            w->wake();
        }
        auto const o = ended.get_future().get();
        if (o.expired) ++expired;
        BOOST_TEST(!o.cancelled);
    }
    BOOST_TEST(expired == 0);
    work.reset();
    a.join();
    b.join();
}

BOOST_AUTO_TEST_SUITE_END()
