#pragma once

// The temporary files of a sync (internal): an unnamed file under a directory, read and written at offsets
// with pread/pwrite (never mapped, so its pages count in the page cache, not in the process's RSS), and an
// append-only file of length-prefixed records over it.
//
//   record_file::append(payload) --> [u32 size][payload] at the returned offset (buffered, 64 KiB)
//   record_file::read(offset)    --> the payload (from the buffer when not yet written)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// The directory of a sync's temporary files: `dir`, else $TMPDIR, else /tmp.
std::string temp_directory(std::string const& dir);

/// An unnamed temporary file: O_TMPFILE, else a mkstemp file unlinked at once; gone when closed. Errors
/// throw std::system_error naming the directory (never a short read or write left unreported).
class temp_file {
public:
    explicit temp_file(std::string const& dir);
    temp_file(temp_file&& other) noexcept;
    temp_file& operator=(temp_file&& other) noexcept;
    ~temp_file();

    void write_at(std::uint64_t offset, void const* data, std::size_t size);
    /// Reads `size` bytes at `offset`; bytes past the end of the file read as zeros.
    void read_at(std::uint64_t offset, void* data, std::size_t size) const;
    /// Makes the file `size` bytes long (zeros, sparse).
    void resize(std::uint64_t size);

private:
    int fd_{-1};
};

/// Length-prefixed records appended to a temp_file. Not thread-safe.
class record_file {
public:
    explicit record_file(std::string const& dir) : file_(dir) {}

    /// Appends a record; returns its offset (for read()). Throws std::system_error (a write error) or
    /// std::length_error (a payload of 4 GiB or more).
    std::uint64_t append(std::string_view payload);
    /// The payload of the record at `offset`, read into `buffer` (its capacity reused). Throws
    /// std::system_error, or std::runtime_error for an offset that is not a record's.
    std::string_view read(std::uint64_t offset, std::string& buffer) const;
    std::uint64_t size() const noexcept { return written_ + pending_.size(); }

private:
    void flush();

    temp_file file_;
    std::string pending_{};   ///< appended, not yet written (at offset written_)
    std::uint64_t written_{}; ///< bytes in the file
};

} // namespace igtcloud::entities::detail
