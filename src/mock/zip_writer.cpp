// The mock's zip writer: STORED entries, CRC-32, local headers, central directory, end record.
#include "mock/zip_writer.hpp"

#include <array>
#include <limits>

namespace igtcloud::mock::detail {
namespace {

constexpr std::uint64_t max_32 = std::numeric_limits<std::uint32_t>::max(); // the ZIP64 marker value
constexpr std::uint16_t version_needed = 10;                                // 1.0: stored entries
constexpr std::uint16_t version_made_by = 0x0300 | 30;      // Unix, 3.0: the external attributes are modes
constexpr std::uint16_t utf8_names = 0x0800;                // general purpose flag bit 11
constexpr std::uint16_t dos_date = (0 << 9) | (1 << 5) | 1; // 1980-01-01, the earliest DOS date
constexpr std::uint32_t regular_file_mode = 0100644u << 16;

constexpr std::array<std::uint32_t, 256> make_crc_table() noexcept
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}
constexpr auto crc_table = make_crc_table();

void put16(std::string& out, std::uint64_t v)
{
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}

void put32(std::string& out, std::uint64_t v)
{
    put16(out, v & 0xFFFF);
    put16(out, (v >> 16) & 0xFFFF);
}

/// The members local and central headers share, from "version needed" to "extra field length".
void put_common(std::string& out, zip_entry const& e)
{
    put16(out, version_needed);
    put16(out, utf8_names);
    put16(out, 0); // method: stored
    put16(out, 0); // time 00:00:00
    put16(out, dos_date);
    put32(out, e.crc);
    put32(out, e.size); // compressed size
    put32(out, e.size); // uncompressed size
    put16(out, e.name.size());
    put16(out, 0); // extra field length
}

std::string local_header(zip_entry const& e)
{
    std::string out;
    out.reserve(30 + e.name.size());
    put32(out, 0x04034b50);
    put_common(out, e);
    out += e.name;
    return out;
}

void append_central_header(std::string& out, zip_entry const& e, std::uint64_t local_offset)
{
    put32(out, 0x02014b50);
    put16(out, version_made_by);
    put_common(out, e);
    put16(out, 0); // comment length
    put16(out, 0); // disk number start
    put16(out, 0); // internal attributes
    put32(out, regular_file_mode);
    put32(out, local_offset);
    out += e.name;
}

void append_end_record(std::string& out, std::size_t entries, std::uint64_t cd_size, std::uint64_t cd_offset)
{
    put32(out, 0x06054b50);
    put16(out, 0); // this disk
    put16(out, 0); // the central directory's disk
    put16(out, entries);
    put16(out, entries);
    put32(out, cd_size);
    put32(out, cd_offset);
    put16(out, 0); // comment length
}

/// Why `entries` need more than a plain zip, or empty.
std::string refusal(std::vector<zip_entry> const& entries)
{
    if (entries.size() > 0xFFFF) return "more than 65535 files: the archive would need ZIP64";
    std::uint64_t offset = 0, central = 0;
    for (auto const& e : entries) {
        if (e.name.size() > 0xFFFF) return "a file key longer than 65535 bytes cannot be a zip entry name";
        if (e.size >= max_32) return "a file of 4 GiB or more would need ZIP64 (not supported)";
        offset += 30 + e.name.size() + e.size;
        central += 46 + e.name.size();
        if (offset >= max_32) return "an archive of 4 GiB or more would need ZIP64 (not supported)";
    }
    if (offset + central + 22 > max_32) return "an archive of 4 GiB or more would need ZIP64 (not supported)";
    return {};
}

} // namespace

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc) noexcept
{
    crc = ~crc;
    for (unsigned char b : bytes)
        crc = crc_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::variant<zip_archive, std::string> make_zip(std::vector<zip_entry> const& entries)
{
    if (auto why = refusal(entries); !why.empty()) return why;
    zip_archive zip;
    zip.parts.reserve(2 * entries.size() + 1);
    std::string central;
    for (auto const& e : entries) {
        append_central_header(central, e, zip.size);
        auto header = std::make_shared<std::string const>(local_header(e));
        zip.size += header->size() + e.size;
        zip.parts.push_back(std::move(header));
        if (e.size != 0) zip.parts.push_back(e.bytes);
    }
    auto const cd_offset = zip.size;
    auto const cd_size = central.size();
    append_end_record(central, entries.size(), cd_size, cd_offset);
    zip.size += central.size();
    zip.parts.push_back(std::make_shared<std::string const>(std::move(central)));
    return zip;
}

} // namespace igtcloud::mock::detail
