// The mock's zip writer without sockets: CRC-32 check values, the archive's layout, and the refusals where a
// plain zip ends (4 GiB, 65,535 entries), checked from sizes alone.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "mock/zip_writer.hpp"

namespace {

namespace detail = igtcloud::mock::detail;

std::string joined(detail::zip_archive const& zip)
{
    std::string out;
    for (auto const& p : zip.parts)
        out += *p;
    return out;
}

std::uint32_t u32_at(std::string const& s, std::size_t at)
{
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
    return v;
}

std::string refusal_of(std::vector<detail::zip_entry> const& entries)
{
    auto zip = detail::make_zip(entries);
    auto const* why = std::get_if<std::string>(&zip);
    return why ? *why : std::string();
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_zip_writer)

BOOST_AUTO_TEST_CASE(computes_the_crc32_check_values)
{
    BOOST_TEST(detail::crc32("") == 0u);
    BOOST_TEST(detail::crc32("123456789") == 0xCBF43926u); // the CRC-32/ISO-HDLC check value
    BOOST_TEST(detail::crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
    BOOST_TEST(detail::crc32("56789", detail::crc32("1234")) == 0xCBF43926u); // continued
}

BOOST_AUTO_TEST_CASE(lays_out_headers_bytes_and_the_central_directory)
{
    auto const bytes = std::make_shared<std::string const>("hello");
    auto zip = detail::make_zip({{"dir/a.txt", 5, detail::crc32(*bytes), bytes}});
    auto const* archive = std::get_if<detail::zip_archive>(&zip);
    BOOST_TEST_REQUIRE(archive != nullptr);
    BOOST_TEST(archive->parts.size() == 3u);
    BOOST_TEST(archive->parts[1] == bytes); // the stored buffer itself, not a copy
    auto const all = joined(*archive);
    BOOST_TEST(all.size() == archive->size);
    BOOST_TEST(all.size() == (30 + 9 + 5) + (46 + 9) + 22u);
    BOOST_TEST(u32_at(all, 0) == 0x04034b50u);
    BOOST_TEST(u32_at(all, 14) == detail::crc32("hello"));
    BOOST_TEST(all.substr(30, 9) == "dir/a.txt");
    BOOST_TEST(all.substr(39, 5) == "hello");
    BOOST_TEST(u32_at(all, 44) == 0x02014b50u);
    auto const end = all.size() - 22;
    BOOST_TEST(u32_at(all, end) == 0x06054b50u);
    BOOST_TEST(u32_at(all, end + 12) == 46 + 9u); // central directory size
    BOOST_TEST(u32_at(all, end + 16) == 44u);     // and offset
}

BOOST_AUTO_TEST_CASE(writes_the_empty_archive_as_one_end_record)
{
    auto zip = detail::make_zip({});
    auto const all = joined(std::get<detail::zip_archive>(zip));
    BOOST_TEST(all == std::string("PK\x05\x06", 4) + std::string(18, '\0'));
}

BOOST_AUTO_TEST_CASE(refuses_what_would_need_zip64)
{
    constexpr std::uint64_t four_gib = std::uint64_t{1} << 32;
    BOOST_TEST(refusal_of({{"big", four_gib, 0, nullptr}}).find("4 GiB") != std::string::npos);
    BOOST_TEST(refusal_of({{"big", four_gib - 1, 0, nullptr}}).find("ZIP64") != std::string::npos);
    BOOST_TEST(
        refusal_of({{"a", four_gib / 2, 0, nullptr}, {"b", four_gib / 2, 0, nullptr}}).find("archive") !=
        std::string::npos);
    BOOST_TEST(refusal_of(std::vector<detail::zip_entry>(65'536, detail::zip_entry{"e", 0, 0, nullptr}))
                   .find("65535") != std::string::npos);
    BOOST_TEST(refusal_of({{std::string(65'536, 'n'), 0, 0, nullptr}}).find("65535") != std::string::npos);
    BOOST_TEST(
        refusal_of(std::vector<detail::zip_entry>(65'535, detail::zip_entry{"e", 0, 0, nullptr})).empty());
}

BOOST_AUTO_TEST_SUITE_END()
