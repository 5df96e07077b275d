// The JSON Lines reader of batch provisioning: one line at a time, decoded in place in the input chunk when
// it fits there, through the library's one decoder.
#include <igtcloud/entities/provision.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "entities/json_decoder.hpp"
#include "entities/provision/byte_source.hpp"
#include "entities/provision/reader_items.hpp"

namespace igtcloud::entities {

struct jsonl_user_reader::impl {
    enum class line_end : std::uint8_t { line, end, read_error };

    impl(std::istream& in, std::size_t max)
        : src(in)
        , max_line_bytes(max)
        , kept_bytes(max == std::numeric_limits<std::size_t>::max() ? max : max + 1)
    {}

    detail::byte_source src;
    std::size_t max_line_bytes;
    std::size_t kept_bytes; // max_line_bytes + 1: room for the CR of a CR LF
    std::size_t line = 0;   // the line last read
    bool started = false;
    bool finished = false;
    std::string buffer; // a line that spans chunks

    std::optional<provision_item> next();
    line_end read_line(std::string_view& out, bool& overlong);
};

// The next line without its line end: in place in the chunk when it lies there whole, else copied to
// `buffer`. A line over the limit is read to its end without being kept (`overlong`).
jsonl_user_reader::impl::line_end jsonl_user_reader::impl::read_line(std::string_view& out, bool& overlong)
{
    ++line;
    buffer.clear();
    overlong = false;
    bool in_place = false;
    bool any = false;
    for (;;) {
        if (src.begin == src.end && !src.fill()) {
            if (src.failed()) return line_end::read_error;
            if (!any) return line_end::end;
            break; // the last line has no line end
        }
        any = true;
        char const* const p = src.begin;
        auto const* lf =
            static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(src.end - p)));
        auto const n = static_cast<std::size_t>((lf == nullptr ? src.end : lf) - p);
        src.begin = lf == nullptr ? src.end : lf + 1;
        if (overlong) {
        } else if (buffer.size() + n > kept_bytes) {
            overlong = true;
            buffer.clear();
        } else if (lf != nullptr && buffer.empty()) {
            out = std::string_view(p, n);
            in_place = true;
        } else {
            buffer.append(p, n);
        }
        if (lf != nullptr) break;
    }
    if (!in_place) out = buffer;
    if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
    if (out.size() > max_line_bytes) overlong = true;
    return line_end::line;
}

std::optional<provision_item> jsonl_user_reader::impl::next()
{
    if (finished) return std::nullopt;
    if (!started) {
        started = true;
        src.skip_bom();
    }
    for (;;) {
        std::string_view text;
        bool overlong = false;
        auto const r = read_line(text, overlong);
        if (r != line_end::line) {
            finished = true;
            if (r == line_end::end) return std::nullopt;
            return detail::read_failure(line);
        }
        if (overlong) return detail::bad_row(line, detail::too_long("line", max_line_bytes));
        if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue; // blank
        auto user = detail::decode_document<user_create>(text);
        if (!user) return detail::bad_row(line, user.error().message);
        return detail::checked(line, std::move(*user));
    }
}

jsonl_user_reader::jsonl_user_reader(std::istream& in, std::size_t max_line_bytes)
    : impl_(std::make_unique<impl>(in, max_line_bytes))
{}
jsonl_user_reader::~jsonl_user_reader() = default;
jsonl_user_reader::jsonl_user_reader(jsonl_user_reader&&) noexcept = default;
jsonl_user_reader& jsonl_user_reader::operator=(jsonl_user_reader&&) noexcept = default;

std::optional<provision_item> jsonl_user_reader::operator()()
{
    return impl_ ? impl_->next() : std::nullopt;
}

} // namespace igtcloud::entities
