// igtcloud-users provision: opening the input, telling CSV from JSON Lines, counting the items of a file.
#include "cli/provision_input.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "cli/output.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace igtcloud::cli {
namespace {

bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

input_format format_of_first(int c)
{
    return c == '{' ? input_format::jsonl : input_format::csv;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

/// A pipe (stdin, a FIFO, /dev/fd/N) read with read(2): data is taken as it comes, in chunks. Before the
/// first read the start of the input can be looked at without consuming it (for sniffing the format).
struct provision_input::replay_buffer : std::streambuf {
    int fd{};
    bool owned{};
    std::vector<char> data = std::vector<char>(64 * 1024);
    std::size_t size{};

    replay_buffer(int descriptor, bool owns) : fd(descriptor), owned(owns) {}
    replay_buffer(replay_buffer const&) = delete;
    replay_buffer& operator=(replay_buffer const&) = delete;
    ~replay_buffer() override
    {
        if (owned) ::close(fd);
    }

    /// Appends one read(2) to data[size, ...); false at the end of the input. Throws on a read error (the
    /// istream turns that into badbit, which the reader reports).
    bool read_more()
    {
        if (size == data.size()) data.resize(data.size() * 2);
        for (;;) {
            auto const got = ::read(fd, data.data() + size, data.size() - size);
            if (got > 0) {
                size += static_cast<std::size_t>(got);
                return true;
            }
            if (got == 0) return false;
            if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "read");
        }
    }

    /// The first byte that is neither white space nor part of a leading byte order mark, or -1; consumes
    /// nothing (the bytes read stay buffered).
    int first_significant()
    {
        std::size_t at = 0;
        for (;;) {
            while (at == size)
                if (!read_more()) return -1;
            auto const c = static_cast<unsigned char>(data[at]);
            bool const bom = at < 3 && (c == 0xEF || c == 0xBB || c == 0xBF);
            if (!bom && !is_space(c)) {
                setg(data.data(), data.data(), data.data() + size);
                return c;
            }
            ++at;
        }
    }

    int_type underflow() override
    {
        if (gptr() == egptr()) {
            size = 0;
            if (!read_more()) return traits_type::eof();
            setg(data.data(), data.data(), data.data() + size);
        }
        return traits_type::to_int_type(*gptr());
    }
};

std::optional<input_format> format_by_extension(std::string_view path)
{
    auto const dot = path.rfind('.');
    if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return std::nullopt;
    auto const ext = lower(path.substr(dot));
    if (ext == ".csv") return input_format::csv;
    if (ext == ".jsonl" || ext == ".ndjson") return input_format::jsonl;
    return std::nullopt;
}

input_format sniff(std::istream& in)
{
    auto format = input_format::csv;
    for (int at = 0;; ++at) {
        auto const c = in.get();
        if (c == std::char_traits<char>::eof()) break;
        bool const bom = at < 3 && (c == 0xEF || c == 0xBB || c == 0xBF);
        if (!bom && !is_space(c)) {
            format = format_of_first(c);
            break;
        }
    }
    in.clear();
    in.seekg(0);
    return format;
}

std::size_t count_items(std::istream& in, input_format format)
{
    std::vector<char> chunk(64 * 1024);
    std::size_t lines = 0;
    bool blank = true; // the current line has only white space so far
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
        auto const n = static_cast<std::size_t>(in.gcount());
        for (std::size_t i = 0; i < n; ++i) {
            if (chunk[i] == '\n') {
                if (!blank) ++lines;
                blank = true;
            } else if (!is_space(chunk[i])) {
                blank = false;
            }
        }
    }
    if (!blank) ++lines;
    in.clear();
    in.seekg(0);
    if (format == input_format::csv && lines > 0) --lines; // the header
    return lines;
}

provision_input::provision_input(std::string path) : path_(std::move(path))
{
    struct stat info {};
    if (path_ != "-" && ::stat(path_.c_str(), &info) != 0)
        throw usage_error{"cannot read " + path_ + ": " + std::strerror(errno)};
    if (S_ISDIR(info.st_mode)) throw usage_error{"cannot read " + path_ + ": it is a directory"};
    if (path_ == "-" || !S_ISREG(info.st_mode)) { // stdin or a pipe: read as it comes, never counted
        auto const fd = path_ == "-" ? STDIN_FILENO : ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw usage_error{"cannot read " + path_ + ": " + std::strerror(errno)};
        replay_ = std::make_unique<replay_buffer>(fd, fd != STDIN_FILENO);
        owned_ = std::make_unique<std::istream>(replay_.get());
        in_ = owned_.get();
        auto const by_name = format_by_extension(path_);
        try {
            format_ = by_name ? *by_name : format_of_first(replay_->first_significant());
        } catch (std::system_error const& e) {
            throw usage_error{"cannot read " + path_ + ": " + e.code().message()};
        }
        return;
    }
    auto file = std::make_unique<std::ifstream>(path_, std::ios::binary);
    if (!file->is_open()) throw usage_error{"cannot read " + path_ + ": " + std::strerror(errno)};
    in_ = file.get();
    owned_ = std::move(file);
    if (auto const by_name = format_by_extension(path_)) {
        format_ = *by_name;
    } else {
        format_ = sniff(*in_);
    }
    expected_ = count_items(*in_, format_);
}

provision_input::~provision_input() = default;

entities::provision_source provision_input::source()
{
    auto read = [&]() -> entities::provision_source {
        if (format_ == input_format::jsonl) {
            auto reader = std::make_shared<entities::jsonl_user_reader>(*in_);
            return [reader] { return (*reader)(); };
        }
        auto reader = std::make_shared<entities::csv_user_reader>(*in_);
        return [reader] { return (*reader)(); };
    }();
    std::optional<entities::provision_item> first;
    try {
        first = read();
    } catch (std::invalid_argument const& e) { // a CSV header without loginId or email
        throw usage_error{path_ + ": " + e.what()};
    }
    return [read = std::move(read), first = std::move(first), started = false]() mutable {
        if (!started) {
            started = true;
            return std::move(first);
        }
        return read();
    };
}

} // namespace igtcloud::cli
