#pragma once

// The input of the two file readers of batch provisioning (CSV, JSON Lines): an istream in chunks.

#include <cstddef>
#include <istream>
#include <memory>

namespace igtcloud::entities::detail {

/// The input in chunks, read through the istream API so that the stream's state stays true. Takes what the
/// stream has buffered and blocks only for the first byte: a pipe is read as it comes. A read error (badbit,
/// or a stream that had failed before the first read, e.g. a file that did not open) ends the input with
/// failed() set.
class byte_source {
public:
    static constexpr std::size_t chunk_bytes = 64 * 1024;

    explicit byte_source(std::istream& in) : in_(&in), buffer_(new char[chunk_bytes]) {}

    char const* begin = nullptr; ///< the unread bytes: [begin, end)
    char const* end = nullptr;

    /// Once [begin, end) is consumed: reads more. False at the end of the input or on a read error.
    bool fill();
    /// Instead of the first fill(): reads the first bytes and skips a UTF-8 byte order mark.
    void skip_bom();
    bool failed() const noexcept { return failed_; }

private:
    std::size_t read_some(char* to, std::size_t n);

    std::istream* in_;
    std::unique_ptr<char[]> buffer_;
    bool started_ = false;
    bool done_ = false;
    bool failed_ = false;
};

} // namespace igtcloud::entities::detail
