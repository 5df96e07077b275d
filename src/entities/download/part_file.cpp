// A download's file: PATH.part, then an fsync'ed rename to PATH.
#include "entities/download/part_file.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace igtcloud::entities::detail {
namespace {

boost::system::error_code last_error() noexcept
{
    return {errno, boost::system::system_category()};
}

} // namespace

part_file::part_file(std::filesystem::path path) : path_(std::move(path)), part_(path_)
{
    part_ += ".part";
}

part_file::~part_file()
{
    close();
    if (!committed_) ::unlink(part_.c_str()); // nothing there (never started): ENOENT, ignored
}

boost::system::error_code part_file::start()
{
    if (fd_ >= 0) {
        if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) return last_error();
        return {};
    }
    fd_ = ::open(part_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) return last_error();
    return {};
}

boost::system::error_code part_file::append(std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

boost::system::error_code part_file::commit()
{
    if (::fdatasync(fd_) != 0) return last_error();
    int const fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return last_error(); // NFS and friends report late write errors here
    if (std::rename(part_.c_str(), path_.c_str()) != 0) return last_error();
    committed_ = true;
    return {};
}

void part_file::close() noexcept
{
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
}

} // namespace igtcloud::entities::detail
