// The temporary files of a sync: see spill_file.hpp.
#include "entities/sync/spill_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace igtcloud::entities::detail {
namespace {

constexpr std::size_t flush_at = 64 * 1024;

[[noreturn]] void fail(char const* what, std::string const& dir)
{
    throw std::system_error(errno, std::generic_category(), std::string(what) + " (" + dir + ")");
}

} // namespace

std::string temp_directory(std::string const& dir)
{
    if (!dir.empty()) return dir;
    char const* tmp = std::getenv("TMPDIR");
    return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp");
}

temp_file::temp_file(std::string const& dir)
{
#ifdef O_TMPFILE
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC | O_EXCL, 0600);
    if (fd_ >= 0) return;
#endif
    std::string path = dir + "/igtcloud-sync-XXXXXX";
    fd_ = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd_ < 0) fail("cannot create a temporary file", dir);
    ::unlink(path.c_str());
}

temp_file::temp_file(temp_file&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

temp_file& temp_file::operator=(temp_file&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

temp_file::~temp_file()
{
    if (fd_ >= 0) ::close(fd_);
}

void temp_file::write_at(std::uint64_t offset, void const* data, std::size_t size)
{
    auto const* p = static_cast<char const*>(data);
    while (size > 0) {
        auto const n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write a temporary file", "pwrite");
        }
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

void temp_file::read_at(std::uint64_t offset, void* data, std::size_t size) const
{
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        auto const n = ::pread(fd_, p, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read a temporary file", "pread");
        }
        if (n == 0) { // past the end
            std::memset(p, 0, size);
            return;
        }
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

void temp_file::resize(std::uint64_t size)
{
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail("cannot resize a temporary file", "ftruncate");
}

std::uint64_t record_file::append(std::string_view payload)
{
    if (payload.size() >= 0xFFFFFFFFu) throw std::length_error("a sync record of 4 GiB or more");
    auto const offset = size();
    auto const n = static_cast<std::uint32_t>(payload.size());
    char head[sizeof n];
    std::memcpy(head, &n, sizeof n);
    pending_.append(head, sizeof n);
    pending_.append(payload);
    if (pending_.size() >= flush_at) flush();
    return offset;
}

void record_file::flush()
{
    file_.write_at(written_, pending_.data(), pending_.size());
    written_ += pending_.size();
    pending_.clear();
}

std::string_view record_file::read(std::uint64_t offset, std::string& buffer) const
{
    std::uint32_t n = 0;
    auto const fetch = [&](std::uint64_t at, void* into, std::size_t size) {
        if (at + size > this->size()) throw std::runtime_error("a sync record past the end of its file");
        if (at >= written_) {
            std::memcpy(into, pending_.data() + (at - written_), size);
        } else if (at + size <= written_) {
            file_.read_at(at, into, size);
        } else { // across the written end
            auto const head = static_cast<std::size_t>(written_ - at);
            file_.read_at(at, into, head);
            std::memcpy(static_cast<char*>(into) + head, pending_.data(), size - head);
        }
    };
    fetch(offset, &n, sizeof n);
    buffer.resize(n);
    fetch(offset + sizeof n, buffer.data(), n);
    return buffer;
}

} // namespace igtcloud::entities::detail
