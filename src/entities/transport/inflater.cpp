// The streaming inflater over zlib: one z_stream per inflater, one output window, the decoded-bytes limit
// enforced before any piece reaches the consumer.
#include "entities/transport/inflater.hpp"

#include <igtcloud/entities/error.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <new>
#include <stdexcept>

#define ZLIB_CONST // next_in points to const bytes
#include <zlib.h>

namespace igtcloud::entities::detail {
namespace {

using boost::system::error_code;

/// zlib's windowBits: 15 (the largest history) for a zlib stream, +16 for gzip only, negative for raw
/// deflate.
constexpr int zlib_bits = MAX_WBITS;
constexpr int gzip_bits = 16 + MAX_WBITS;
constexpr int raw_bits = -MAX_WBITS;

/// At most this much input per inflate() call (avail_in is an unsigned int).
constexpr std::size_t max_input_piece = std::size_t{1} << 30;

constexpr bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t';
}

constexpr char lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trimmed(std::string_view s) noexcept
{
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::optional<content_coding> coding_named(std::string_view name) noexcept
{
    if (iequals(name, "gzip") || iequals(name, "x-gzip")) return content_coding::gzip;
    if (iequals(name, "deflate")) return content_coding::deflate;
    if (iequals(name, "identity")) return content_coding::identity;
    return std::nullopt;
}

/// Whether two bytes start a zlib stream (RFC 1950 §2.2): CM 8 (deflate), CINFO <= 7 (window <= 32 KiB), and
/// CMF * 256 + FLG a multiple of 31. A preset dictionary (FDICT) still counts: zlib then refuses it.
constexpr bool is_zlib_header(unsigned char cmf, unsigned char flg) noexcept
{
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((unsigned{cmf} << 8) | flg) % 31 == 0;
}

int bits_of(content_coding coding) noexcept
{
    // deflate starts as a zlib stream; start_deflate() switches to raw once the first two bytes are known.
    return coding == content_coding::gzip ? gzip_bits : zlib_bits;
}

} // namespace

std::optional<content_coding> parse_content_encoding(std::string_view header_value) noexcept
{
    std::optional<content_coding> result = content_coding::identity;
    bool seen = false;
    while (true) {
        auto const comma = header_value.find(',');
        auto const element = trimmed(header_value.substr(0, comma));
        if (!element.empty()) {
            if (seen) return std::nullopt; // stacked codings
            seen = true;
            result = coding_named(element);
        }
        if (comma == std::string_view::npos) return result;
        header_value.remove_prefix(comma + 1);
    }
}

/// The zlib stream and the output window, in one heap block: zlib's state points back at the z_stream, which
/// therefore never moves.
struct inflater::zstate {
    z_stream stream{};
    bool initialised{false};
    std::array<unsigned char, window_size> window{};
};

void inflater::zstate_deleter::operator()(zstate* z) const noexcept
{
    if (z->initialised) ::inflateEnd(&z->stream);
    delete z;
}

inflater::inflater(content_coding coding, std::uint64_t max_decoded_bytes)
    : coding_(coding)
    , max_decoded_(max_decoded_bytes)
{
    reset(coding, max_decoded_bytes);
}

inflater::~inflater() = default;
inflater::inflater(inflater&&) noexcept = default;
inflater& inflater::operator=(inflater&&) noexcept = default;

void inflater::reset(content_coding coding, std::uint64_t max_decoded_bytes)
{
    coding_ = coding;
    max_decoded_ = max_decoded_bytes;
    decoded_ = 0;
    phase_ = phase::empty;
    failed_ = {};
    if (coding == content_coding::identity) return; // zlib's memory, if any, is kept for a later body
    if (z_) {
        if (::inflateReset2(&z_->stream, bits_of(coding)) == Z_OK) return;
        z_.reset(); // cannot happen with a valid stream; start afresh
    }
    std::unique_ptr<zstate, zstate_deleter> z{new zstate{}};
    switch (::inflateInit2(&z->stream, bits_of(coding))) {
    case Z_OK: break;
    case Z_MEM_ERROR: throw std::bad_alloc();
    default: throw std::runtime_error("inflater: zlib refused to start (version mismatch?)");
    }
    z->initialised = true;
    z_ = std::move(z);
}

error_code inflater::fail(error_code ec) noexcept
{
    failed_ = ec;
    return ec;
}

error_code inflater::feed(std::string_view encoded, decoded_consumer out)
{
    if (failed_) return failed_;
    if (encoded.empty()) return {};
    if (coding_ == content_coding::identity) {
        if (encoded.size() > max_decoded_ - decoded_) return fail(error::response_too_large);
        decoded_ += encoded.size();
        if (auto ec = out(encoded)) return fail(ec);
        return {};
    }
    auto const* data = reinterpret_cast<unsigned char const*>(encoded.data());
    auto size = encoded.size();
    switch (phase_) {
    case phase::empty:
        if (coding_ == content_coding::deflate) {
            if (size == 1) {
                first_byte_ = data[0];
                phase_ = phase::header_byte;
                return {};
            }
            if (auto ec = start_deflate(data[0], data[1])) return fail(ec);
        }
        phase_ = phase::in_stream;
        break;
    case phase::header_byte:
        if (auto ec = start_deflate(first_byte_, data[0])) return fail(ec);
        phase_ = phase::in_stream;
        if (auto ec = inflate_some(&first_byte_, 1, out)) return ec;
        break;
    case phase::in_stream:
    case phase::stream_ended:
        break; // inflate_some() takes bytes after the end (a next gzip member, or an error)
    }
    while (size != 0) {
        auto const piece = std::min(size, max_input_piece);
        if (auto ec = inflate_some(data, piece, out)) return ec;
        data += piece;
        size -= piece;
    }
    return {};
}

error_code inflater::start_deflate(unsigned char first, unsigned char second)
{
    int const bits = is_zlib_header(first, second) ? zlib_bits : raw_bits;
    if (::inflateReset2(&z_->stream, bits) != Z_OK) return error::invalid_response;
    return {};
}

/// Runs inflate over `data` until all of it is consumed and the window is not full (zlib may hold more
/// output). Each round offers at most one byte more than the limit allows, so a bomb stops at once.
error_code inflater::inflate_some(unsigned char const* data, std::size_t size, decoded_consumer out)
{
    auto& s = z_->stream;
    s.next_in = data;
    s.avail_in = static_cast<uInt>(size);
    while (true) {
        if (phase_ == phase::stream_ended) { // more bytes after the end of a member or stream
            if (coding_ == content_coding::deflate) return fail(error::invalid_response);
            ::inflateReset(&s);
            phase_ = phase::in_stream;
        }
        auto const room = max_decoded_ - decoded_;
        auto const cap = room < window_size ? static_cast<uInt>(room + 1) : static_cast<uInt>(window_size);
        s.next_out = z_->window.data();
        s.avail_out = cap;
        int const rc = ::inflate(&s, Z_NO_FLUSH);
        auto const produced = cap - s.avail_out;
        switch (rc) {
        case Z_OK:
        case Z_STREAM_END:
        case Z_BUF_ERROR: break; // no progress possible: needs more input (checked below)
        case Z_MEM_ERROR: return fail(make_error_code(boost::system::errc::not_enough_memory));
        default: return fail(error::invalid_response); // Z_DATA_ERROR (bad data, CRC, length), Z_NEED_DICT
        }
        decoded_ += produced;
        if (produced > room) return fail(error::response_too_large);
        if (produced != 0) {
            auto const* bytes = reinterpret_cast<char const*>(z_->window.data());
            if (auto ec = out(std::string_view(bytes, produced))) return fail(ec);
        }
        if (rc == Z_STREAM_END) {
            phase_ = phase::stream_ended;
            if (s.avail_in == 0) return {};
            continue;
        }
        if (s.avail_in == 0 && s.avail_out != 0) return {};
        if (rc == Z_BUF_ERROR)
            return fail(error::invalid_response); // input left yet no progress: never expected
    }
}

error_code inflater::finish()
{
    if (failed_) return failed_;
    if (coding_ == content_coding::identity) return {};
    if (phase_ == phase::empty || phase_ == phase::stream_ended) return {};
    return fail(error::invalid_response); // truncated: inside a member or stream, or its trailer
}

} // namespace igtcloud::entities::detail
