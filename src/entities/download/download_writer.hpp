#pragma once

// A download_sink (the public type) as the answer parser's body_sink, and the download's streamed_value (its
// value: the bytes written; made by download_body, the endpoint's sink factory):
//
//   make()       validates the sink (invalid_argument before anything is sent)
//   begin()      a success answer's head: max_download_bytes against its Content-Length; the start, or the
//                start over (a retry after bytes: truncate PATH.part, or call restart), of the sink
//   write()      counts against max_download_bytes, hands the bytes on, reports progress
//   complete()   a file: fsync and rename PATH.part to PATH
//   ~            a file not completed: PATH.part removed
//
// may_repeat() is the retry rule's fact: another attempt may send the body again when nothing reached the
// sink yet or the sink can start over. failure() keeps the sink's own failure (a write error, the limit) with
// a readable message, for the operation's api_error. The caller's functions (write, restart, progress) are
// called here only; an exception from one ends the download with errc::io_error (never leaves the parser).

#include <igtcloud/entities/download.hpp>
#include <igtcloud/entities/error.hpp>

#include <cstdint>
#include <memory>
#include <optional>

#include "entities/download/part_file.hpp"
#include "entities/endpoints.hpp"
#include "entities/transport/streamed_body.hpp"

namespace igtcloud::entities::detail {

class download_writer final : public streamed_value<std::uint64_t> {
public:
    /// The writer of `sink` for the answers with a `success` status; error::invalid_argument for a sink that
    /// cannot be used (empty, a directory, a missing parent directory).
    static api_result<std::unique_ptr<download_writer>> make(download_sink sink, success_statuses success,
                                                             std::optional<std::uint64_t> max_bytes);

    bool takes(unsigned status) const noexcept override { return success_.contains(status); }
    boost::system::error_code begin(std::optional<std::uint64_t> content_length) override;
    boost::system::error_code write(std::string_view bytes) override;
    boost::system::error_code complete() override;

    /// Whether another attempt may send the body (again).
    bool may_repeat() const noexcept override;
    /// The bytes the sink took of the body that completed.
    std::uint64_t delivered() const noexcept { return received_; }
    std::uint64_t take() override { return received_; }
    /// The sink's own failure, if the last exchange ended with one.
    std::optional<api_error> const& failure() const noexcept override { return failure_; }

private:
    download_writer(download_sink sink, success_statuses success, std::optional<std::uint64_t> max_bytes);
    boost::system::error_code fail(boost::system::error_code code, std::string message);
    boost::system::error_code too_large(std::uint64_t bytes, char const* what);
    boost::system::error_code start_over();
    boost::system::error_code report_progress();

    download_sink sink_;
    success_statuses success_;
    std::optional<std::uint64_t> max_bytes_;
    std::optional<part_file> file_{};
    std::optional<std::uint64_t> total_{}; ///< the current answer's Content-Length
    std::uint64_t received_{};             ///< bytes of the current answer the sink took
    bool started_{};                       ///< begin() ran for an earlier answer
    std::optional<api_error> failure_{};
};

} // namespace igtcloud::entities::detail
