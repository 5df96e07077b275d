#pragma once

// A body_sink that is an operation's own (endpoint::sink): the answer parser streams a success answer's body
// into it, the retry rule asks it whether the body may be sent again, and the operation's value comes out of
// it once the body is complete.
//
//   download_writer   (download/download_writer.hpp)  the download: bytes into a file or a callable
//   users list        (stream/user_bodies.cpp)        GET /users decoded into a vector as the bytes arrive
//   users stream      (stream/user_bodies.cpp)        GET /users, each user handed to the caller's callable

#include <igtcloud/entities/error.hpp>

#include <boost/asio/cancellation_state.hpp>

#include <optional>

#include "entities/transport/body_sink.hpp"

namespace igtcloud::entities::detail {

class streamed_body : public body_sink {
public:
    virtual ~streamed_body() = default;
    /// Whether another attempt may send the body (again): nothing of it reached the caller yet, or the sink
    /// can start over.
    virtual bool may_repeat() const noexcept = 0;
    /// The sink's own failure (a limit, a decoding error, the caller's function failing), if the last
    /// exchange ended with one: the operation's error then, with a readable message.
    virtual std::optional<api_error> const& failure() const noexcept = 0;
    /// The operation's cancellation state, given before each exchange: a sink that calls the caller's code
    /// stops at once when that code cancels the operation (the rest of the read buffer is not handed on).
    virtual void watch(boost::asio::cancellation_state) noexcept {}
};

/// A streamed body whose operation completes with a V.
template <class V>
class streamed_value : public streamed_body {
public:
    /// The operation's value, once the body is complete.
    virtual V take() = 0;
};

} // namespace igtcloud::entities::detail
