// Small helpers shared by the session integration tests: record a completion, wait for effects, options.
#pragma once

#include <igtcloud/entities.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "support/run_until.hpp"

namespace igtcloud::test::kit {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// The login of the mock's default token's user.
inline constexpr std::string_view admin_login = "admin@example.org";
/// A small user_info answer, for scripted servers.
inline constexpr std::string_view user_json = R"({"loginId":"ada@example.org","userUUID":"u-1"})";

using igtcloud::test::run_until; ///< test/support/run_until.hpp

/// Polls `condition` until it holds or `limit` passes (effects with no completion event, e.g. a server
/// counting a closed connection); returns its last value.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 5s)
{
    auto const until = clock_type::now() + limit;
    while (!condition()) {
        if (clock_type::now() >= until) return condition();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

/// Runs what is ready and a little more, so that a handler that would run twice has the chance to.
inline void settle(asio::io_context& ioc, std::chrono::milliseconds how_long = 100ms)
{
    ioc.restart();
    ioc.run_for(how_long);
}

/// One operation's completion: its result, how often the handler ran, and when it last ran.
template <class T>
struct outcome {
    std::optional<entities::api_result<T>> result{};
    int calls{};
    clock_type::time_point at{};

    bool done() const noexcept { return calls > 0; }
    bool ok() const noexcept { return result && result->has_value(); }
    boost::system::error_code code() const
    {
        return result && !*result ? result->error().code : boost::system::error_code{};
    }
    /// The error (an empty one for a value or no result).
    entities::api_error error() const { return result && !*result ? result->error() : entities::api_error{}; }
};

/// A completion handler filling `o`, which must outlive the operation.
template <class T>
auto into(outcome<T>& o)
{
    return [&o](entities::api_result<T> r) {
        ++o.calls;
        o.result = std::move(r);
        o.at = clock_type::now();
    };
}

/// Options for a session on `base_url` with the mock's default token.
inline entities::session_options options_for(std::string base_url, std::size_t max_connections = 16)
{
    return entities::session_options{
        .base_url = std::move(base_url), .jwt = "mock-token", .max_connections = max_connections};
}

/// A port on 127.0.0.1 that nobody listens on (bound, then released).
inline std::uint16_t unused_port()
{
    asio::io_context ioc;
    asio::ip::tcp::acceptor acceptor(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
}

} // namespace igtcloud::test::kit
