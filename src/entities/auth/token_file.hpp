#pragma once

// The token file shared with the Python client (DESIGN.md §6), in its format exactly: one line, the standard
// base64 (padded) of a JSON object {"sub", "jwt", "jwt_data", "csrf", "domain"} (plus our optional "keyFile",
// the path of a service key, never the key), then NUL bytes up to 20,480 bytes, as auth.py writes it; readers
// take the first line, stripped of whitespace and NULs.
//
// Reading never fails hard: every problem is "not logged in" with a reason naming the path (never a token).
// A file another user owns, or that group or others may write, is refused (`unsafe`), since whoever can write
// it chooses the tokens we send. Writing replaces the file atomically: a temporary file created with O_EXCL
// (never through a symlink) in the same folder, mode 0600, written, fsync'ed, renamed over the path.

#include <igtcloud/entities/error.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail::auth {

/// The size the Python client gives the file (5 pages of 4 KiB); ours pads to it too.
inline constexpr std::size_t token_file_size = 20480;
/// The most read of a file; a larger file is "not logged in" without being read.
inline constexpr std::size_t max_token_file_bytes = 65536;

/// The file's members (all required when reading, except key_file).
struct token_file_data {
    std::string sub{};
    std::string jwt{};                     ///< a secret
    boost::json::object jwt_data{};        ///< the JWT's decoded payload (exp, refresh_token, ...)
    std::string csrf{};                    ///< a secret
    std::string domain{};                  ///< "https://HOST" (the Python client's form)
    std::optional<std::string> key_file{}; ///< "keyFile": the service key's path, after a service-key login
};

/// The answer of read_token_file: the data, or why there is none.
struct token_file_read {
    std::optional<token_file_data> data{};
    std::string reason{}; ///< when no data: why (names the path), e.g. "no token file at /tmp/x"
    bool unsafe{};        ///< no data because of the file's owner or mode (a security refusal)
};

/// Looks up an environment variable (tests pass a map; the library passes std::getenv).
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The file's path: $CLOUD_TOKEN_MMAP, else $TMPDIR/igtcloud_auth_mmap, else /tmp/igtcloud_auth_mmap
/// (empty values count as unset).
std::filesystem::path token_file_path(env_lookup const& env);

/// Whether two domains ("https://HOST[:PORT]", "HOST", "http://HOST:PORT/path") name the same host and port:
/// host compared without case, port the explicit one or the scheme's default (https when none), as
/// parse_base_url reads them; false when either is no usable URL.
bool same_domain(std::string_view a, std::string_view b);

/// Reads the file at `path`. `domain`, when given, must be the file's domain (same_domain), else the file is
/// ignored ("not logged in": it is another domain's). Reads at most max_token_file_bytes; opens without
/// blocking (a FIFO does not hang), refuses what is not a regular file. A symlink at `path` is followed, as
/// the Python client does; the owner and mode checked are those of the file it leads to.
token_file_read read_token_file(std::filesystem::path const& path,
                                std::optional<std::string_view> domain = std::nullopt);

/// The content of a token file as read_token_file takes it (first line, base64, JSON, members, domain),
/// once the file itself passed its checks; `where` starts every reason ("token file PATH").
token_file_read decode_token_file(std::string_view content, std::string const& where,
                                  std::optional<std::string_view> domain = std::nullopt);
/// The file's content for `data`: the base64 line, then NULs up to token_file_size (no padding when the line
/// is longer; error::invalid_argument when it would exceed max_token_file_bytes).
api_result<std::string> encode_token_file(token_file_data const& data);

/// Writes `data` to `path` atomically with mode 0600. A missing folder is created (the innermost one with
/// mode 0700). A symlink at `path` is replaced, its target left alone.
/// error::invalid_argument naming the path and the failing step (with the system's reason) on failure; the
/// temporary file is removed then.
api_result<void> write_token_file(std::filesystem::path const& path, token_file_data const& data);

} // namespace igtcloud::entities::detail::auth
