#pragma once

// A small writer of zip archives with STORED (uncompressed) entries, for the mock's GET
// /users/download-files: local headers, the stored bytes, the central directory and its end record (PKWARE
// APPNOTE 6.3, no ZIP64). The archive is a list of shared pieces: the headers are made here, the entries'
// bytes are the store's own buffers, so a download copies no file content.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace igtcloud::mock::detail {

/// The CRC-32 (ISO-HDLC, as zip and gzip use it) of `bytes`, continuing from `crc` (0 to start).
std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) noexcept;

/// One entry of an archive. `bytes->size()` must equal `size` (`bytes` may be null only when the archive is
/// refused anyway, as in tests of the limits).
struct zip_entry {
    std::string name{}; ///< the entry's path inside the archive (UTF-8; flag bit 11 is set)
    std::uint64_t size{};
    std::uint32_t crc{}; ///< crc32 of the bytes, computed when they were stored
    std::shared_ptr<std::string const> bytes{};
};

/// An archive as the pieces to send in order, and their total size.
struct zip_archive {
    std::vector<std::shared_ptr<std::string const>> parts{};
    std::uint64_t size{};
};

/// The archive of `entries`, in that order; or, when it would need ZIP64 (an entry or an offset of 4 GiB or
/// more, more than 65,535 entries) or a name is longer than 65,535 bytes, the reason it is refused.
std::variant<zip_archive, std::string> make_zip(std::vector<zip_entry> const& entries);

} // namespace igtcloud::mock::detail
