// Runs an io_context until a condition holds, within one limit shared by every test: a test never hangs.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

namespace igtcloud::test {

/// The bound of every run_until (and so of every run_as) that does not name its own.
inline constexpr std::chrono::seconds run_limit{30};

/// Runs `ioc` on the calling thread until `done()` holds or `limit` passes; returns done().
/// (Not `ioc.run()`: idle pooled connections keep timers pending long after the result arrived.)
template <class Done>
bool run_until(boost::asio::io_context& ioc, Done&& done,
               std::chrono::steady_clock::duration limit = run_limit)
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        if (ioc.stopped()) ioc.restart();
        if (ioc.run_one_for(std::chrono::milliseconds(10)) == 0 && ioc.stopped())
            std::this_thread::sleep_for(std::chrono::milliseconds(1)); // out of work: the result may come
                                                                       // from another thread
    }
    return true;
}

} // namespace igtcloud::test
