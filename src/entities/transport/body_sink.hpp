#pragma once

// Where an answer's body goes when it is not buffered: the answer parser hands a success answer's body to a
// body_sink chunk by chunk (the download, download/download_writer.hpp), so that memory stays bounded by the
// read buffer whatever the body's size. Error answers are still buffered (their text is the error's).

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace igtcloud::entities::detail {

class body_sink {
public:
    /// Whether an answer with this status streams its body into the sink (else it is buffered as usual).
    virtual bool takes(unsigned status) const noexcept = 0;
    /// A streamed answer's head arrived; `content_length` when the server announced it. An error stops the
    /// exchange (the connection is not reused).
    virtual boost::system::error_code begin(std::optional<std::uint64_t> content_length) = 0;
    /// The next bytes of the body. An error stops the exchange.
    virtual boost::system::error_code write(std::string_view bytes) = 0;
    /// The body is complete. An error fails the exchange.
    virtual boost::system::error_code complete() = 0;

protected:
    body_sink() = default;
    body_sink(body_sink const&) = default;
    body_sink& operator=(body_sink const&) = default;
    ~body_sink() = default;
};

} // namespace igtcloud::entities::detail
