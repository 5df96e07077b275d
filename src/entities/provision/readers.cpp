// The file readers' shared input and items, and the JSON Lines reader: one line at a time, decoded in place
// in the input chunk when it fits there, through the library's one decoder.
#include "entities/provision/readers.hpp"

#include <boost/system/errc.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "entities/json_decoder.hpp"

namespace igtcloud::entities {
namespace detail {

bool byte_source::fill()
{
    begin = buffer_.get();
    end = begin + read_some(buffer_.get(), chunk_bytes);
    return begin != end;
}

void byte_source::skip_bom()
{
    std::size_t n = 0;
    for (std::size_t got = 1; n < 3 && got != 0; n += got)
        got = read_some(buffer_.get() + n, chunk_bytes - n);
    begin = buffer_.get();
    end = begin + n;
    if (n >= 3 && std::memcmp(begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
}

std::size_t byte_source::read_some(char* to, std::size_t n)
{
    if (done_) return 0;
    auto const max = static_cast<std::streamsize>(n);
    std::streamsize got = 0;
    try {
        if (!started_ && in_->fail() && !in_->eof()) { // failed before we read: a file that did not open
            done_ = failed_ = true;
            return 0;
        }
        started_ = true;
        if (in_->good()) got = in_->readsome(to, max);
        if (got <= 0 && in_->good()) { // nothing buffered: wait for one byte, then take what came with it
            in_->read(to, 1);
            got = in_->gcount();
            if (got == 1 && max > 1 && in_->good())
                got += std::max<std::streamsize>(in_->readsome(to + 1, max - 1), 0);
        }
    } catch (...) { // with exceptions() enabled: the stream's own failure, whose state tells which end it is
        if (in_->good()) throw;
        got = 0;
    }
    if (got > 0) return static_cast<std::size_t>(got);
    done_ = true;
    failed_ = in_->bad();
    return 0;
}

namespace {

provision_item failed_item(std::size_t line, std::string_view problem, boost::system::error_code code)
{
    std::string message = "line " + std::to_string(line) + ": ";
    message += problem;
    return provision_item{
        line, api_result<user_create>(boost::system::in_place_error, api_error{code, 0, std::move(message)})};
}

bool is_empty(std::optional<std::string> const& s) noexcept
{
    return !s || s->empty();
}

} // namespace

provision_item bad_row(std::size_t line, std::string_view problem)
{
    return failed_item(line, problem, make_error_code(error::invalid_argument));
}

provision_item read_failure(std::size_t line)
{
    return failed_item(line, "read error",
                       boost::system::errc::make_error_code(boost::system::errc::io_error));
}

provision_item checked(std::size_t line, user_create user)
{
    bool const no_login = is_empty(user.login_id);
    bool const no_email = is_empty(user.email);
    if (no_login || no_email)
        return bad_row(line, no_login && no_email ? "missing loginId and email"
                             : no_login           ? "missing loginId"
                                                  : "missing email");
    return provision_item{line, std::move(user)};
}

std::string too_long(std::string_view what, std::size_t limit)
{
    std::string text(what);
    text += " longer than ";
    text += std::to_string(limit);
    text += " bytes";
    return text;
}

} // namespace detail

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
