// The token file shared with the Python client: its path, reading it safely, writing it atomically.
#include "entities/auth/token_file.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <variant>

#include "entities/auth/base64.hpp"
#include "entities/base_url.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace igtcloud::entities::detail::auth {
namespace {

token_file_read not_logged_in(std::string reason, bool unsafe = false)
{
    return token_file_read{std::nullopt, std::move(reason), unsafe};
}

// Closes a descriptor on scope exit.
struct fd_guard {
    int fd{-1};
    ~fd_guard()
    {
        if (fd >= 0) ::close(fd);
    }
};

// Host (lowercased) and port of a domain text, "https://" assumed without a scheme; nullopt when unusable.
std::optional<std::pair<std::string, std::uint16_t>> host_port(std::string_view d)
{
    std::string const url =
        d.find("://") == std::string_view::npos ? "https://" + std::string(d) : std::string(d);
    auto parsed = parse_base_url(url);
    if (!parsed) return std::nullopt;
    return std::pair{std::move(parsed->host), parsed->port};
}

// Reads at most max_token_file_bytes + 1 from `fd`; nullopt on a read error.
std::optional<std::string> read_some(int fd)
{
    std::string buf(max_token_file_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < buf.size()) {
        auto const n = ::read(fd, buf.data() + got, buf.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    buf.resize(got);
    return buf;
}

// The first line, stripped of whitespace and NULs at both ends.
std::string_view first_line(std::string_view content)
{
    auto line = content.substr(0, content.find('\n'));
    constexpr std::string_view strip{" \t\r\v\f\0", 6};
    auto const b = line.find_first_not_of(strip);
    if (b == std::string_view::npos) return {};
    return line.substr(b, line.find_last_not_of(strip) - b + 1);
}

// The JSON object at the start of the line's base64, or why there is none. The Python client rewrites the
// file in place without clearing it, so a shorter login leaves the end of the previous one behind it: the
// base64 is read up to its padding (else in whole quanta) and the JSON up to the end of its first value.
std::variant<boost::json::object, char const*> decode_line(std::string_view line)
{
    auto const pad = line.find('=');
    auto const pad_end = pad == std::string_view::npos ? pad : line.find_first_not_of('=', pad);
    auto const base64 =
        pad == std::string_view::npos ? line.substr(0, line.size() / 4 * 4) : line.substr(0, pad_end);
    auto const text = base64_decode(base64);
    if (!text) return " is not base64 (corrupt or truncated)";
    boost::json::parser parser;
    boost::system::error_code ec;
    parser.write_some(*text, ec);
    // (this parser takes the end of the text as the end of the input: an unfinished value is an error)
    if (ec) return " does not hold JSON (corrupt or truncated)";
    auto value = parser.release();
    if (!value.is_object()) return " does not hold a JSON object";
    return std::move(value.get_object());
}

// The members of the decoded object, or the reason they do not do.
token_file_read members(boost::json::object const& o, std::string const& where)
{
    token_file_data d;
    for (auto [name, out] : {std::pair{"sub", &d.sub}, std::pair{"jwt", &d.jwt}, std::pair{"csrf", &d.csrf},
                             std::pair{"domain", &d.domain}}) {
        auto const* v = o.if_contains(name);
        if (v == nullptr || !v->is_string() || v->get_string().empty())
            return not_logged_in(where + " has no \"" + name + "\" string");
        *out = std::string(v->get_string());
    }
    auto const* data = o.if_contains("jwt_data");
    if (data == nullptr || !data->is_object()) return not_logged_in(where + " has no \"jwt_data\" object");
    d.jwt_data = data->get_object();
    if (auto const* key = o.if_contains("keyFile"); key != nullptr && key->is_string())
        d.key_file = std::string(key->get_string());
    return token_file_read{std::move(d), {}, false};
}

// Checks the opened file's kind, owner, mode and size; nullopt when it may be read.
std::optional<token_file_read> refuse_unsafe(int fd, std::string const& where, std::string const& path)
{
    struct stat st {};
    if (::fstat(fd, &st) != 0) return not_logged_in("cannot stat " + where + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return not_logged_in(where + " is not a regular file; not used", true);
    if (st.st_uid != ::geteuid())
        return not_logged_in(
            where + " is owned by another user (uid " + std::to_string(st.st_uid) + "); not used", true);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return not_logged_in(where + " is writable by group or others (mode " + mode +
                                 "); not used (chmod 600 " + path + ")",
                             true);
    }
    if (st.st_size == 0) return not_logged_in(where + " is empty");
    if (static_cast<std::uintmax_t>(st.st_size) > max_token_file_bytes)
        return not_logged_in(where + " is larger than " + std::to_string(max_token_file_bytes) +
                             " bytes; not used");
    return std::nullopt;
}

} // namespace

std::filesystem::path token_file_path(env_lookup const& env)
{
    auto get = [&](std::string_view name) -> std::optional<std::string> {
        auto v = env ? env(name) : std::nullopt;
        if (v && v->empty()) v.reset();
        return v;
    };
    if (auto p = get("CLOUD_TOKEN_MMAP")) return *p;
    if (auto t = get("TMPDIR")) return std::filesystem::path(*t) / "igtcloud_auth_mmap";
    return "/tmp/igtcloud_auth_mmap";
}

bool same_domain(std::string_view a, std::string_view b)
{
    auto const x = host_port(a);
    return x && x == host_port(b);
}

token_file_read read_token_file(std::filesystem::path const& path, std::optional<std::string_view> domain)
{
    std::string const where = "token file " + path.string();
    fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
    if (f.fd < 0) {
        if (errno == ENOENT) return not_logged_in("no token file at " + path.string());
        return not_logged_in("cannot open " + where + ": " + std::strerror(errno));
    }
    if (auto refused = refuse_unsafe(f.fd, where, path.string())) return std::move(*refused);
    auto const content = read_some(f.fd);
    if (!content) return not_logged_in("cannot read " + where + ": " + std::strerror(errno));
    if (content->size() > max_token_file_bytes)
        return not_logged_in(where + " is larger than " + std::to_string(max_token_file_bytes) +
                             " bytes; not used");
    return decode_token_file(*content, where, domain);
}

token_file_read decode_token_file(std::string_view content, std::string const& where,
                                  std::optional<std::string_view> domain)
{
    auto const line = first_line(content);
    if (line.empty()) return not_logged_in(where + " holds no login (blank)");
    auto const value = decode_line(line);
    if (auto const* why = std::get_if<char const*>(&value)) return not_logged_in(where + *why);
    auto read = members(std::get<boost::json::object>(value), where);
    if (read.data && domain && !same_domain(read.data->domain, *domain))
        return not_logged_in(where + " is for another domain (" + read.data->domain + ")");
    return read;
}

api_result<std::string> encode_token_file(token_file_data const& data)
{
    boost::json::object o{{"sub", data.sub},
                          {"jwt", data.jwt},
                          {"jwt_data", data.jwt_data},
                          {"csrf", data.csrf},
                          {"domain", data.domain}};
    if (data.key_file) o["keyFile"] = *data.key_file;
    std::string line = base64_encode(boost::json::serialize(o));
    if (line.size() > max_token_file_bytes)
        return api_error{make_error_code(error::invalid_argument), 0,
                         "token file: the login is too large to store (" + std::to_string(line.size()) +
                             " bytes of base64)"};
    if (line.size() < token_file_size) line.resize(token_file_size, '\0');
    return line;
}

namespace {

api_error write_error(std::filesystem::path const& path, std::string const& step, int err)
{
    return api_error{make_error_code(error::invalid_argument), 0,
                     "token file " + path.string() + ": " + step + ": " + std::strerror(err)};
}

bool write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Creates a new temporary file next to `path` (O_EXCL, never through a symlink), mode 0600.
std::pair<int, std::filesystem::path> create_temporary(std::filesystem::path const& path)
{
    std::random_device rd;
    std::uniform_int_distribution<unsigned long long> dist;
    for (int tries = 0; tries < 16; ++tries) {
        char suffix[24];
        std::snprintf(suffix, sizeof suffix, ".%016llx", dist(rd));
        auto temp = path;
        temp += suffix;
        int const fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST) return {fd, temp};
    }
    errno = EEXIST;
    return {-1, {}};
}

} // namespace

api_result<void> write_token_file(std::filesystem::path const& path, token_file_data const& data)
{
    auto content = encode_token_file(data);
    if (!content) return content.error();
    auto const dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code fs_ec;
    if (!std::filesystem::exists(dir, fs_ec)) {
        std::filesystem::create_directories(dir, fs_ec);
        if (fs_ec) return write_error(path, "cannot create its folder", fs_ec.value());
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, fs_ec);
    }
    auto [fd, temp] = create_temporary(path);
    if (fd < 0) return write_error(path, "cannot create a temporary file beside it", errno);
    fd_guard guard{fd};
    auto fail = [&, temp = temp](char const* step) {
        int const err = errno;
        ::unlink(temp.c_str());
        return write_error(path, step, err);
    };
    if (::fchmod(fd, 0600) != 0) return fail("cannot set mode 0600");
    if (!write_all(fd, *content)) return fail("cannot write");
    if (::fsync(fd) != 0) return fail("cannot flush to disk");
    guard.fd = -1;
    if (::close(fd) != 0) return fail("cannot close");
    if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot replace it");
    if (fd_guard d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)}; d.fd >= 0) ::fsync(d.fd);
    return {};
}

} // namespace igtcloud::entities::detail::auth
