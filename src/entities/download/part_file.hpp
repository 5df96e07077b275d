#pragma once

// The file of a download_sink::file: PATH.part while the body arrives, renamed to PATH once complete. POSIX
// descriptors (no buffering beyond the read buffer's chunks); the destructor removes an uncommitted
// PATH.part.

#include <boost/system/error_code.hpp>

#include <filesystem>
#include <string_view>

namespace igtcloud::entities::detail {

class part_file {
public:
    explicit part_file(std::filesystem::path path);
    ~part_file(); ///< removes PATH.part unless committed
    part_file(part_file const&) = delete;
    part_file& operator=(part_file const&) = delete;

    /// Creates PATH.part, or truncates it when open already (a retry starts over).
    boost::system::error_code start();
    /// Appends `bytes` (the whole of them: short writes and EINTR are retried).
    boost::system::error_code append(std::string_view bytes);
    /// Flushes the data to disk, closes PATH.part and renames it to PATH (replacing a file there).
    boost::system::error_code commit();

    std::filesystem::path const& part_path() const noexcept { return part_; }

private:
    void close() noexcept;

    std::filesystem::path path_;
    std::filesystem::path part_;
    int fd_{-1};
    bool committed_{};
};

} // namespace igtcloud::entities::detail
