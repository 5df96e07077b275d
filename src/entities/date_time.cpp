// RFC 3339 date-time and full-date parsing and formatting, and the HTTP-date parser (RFC 9110), hand-written:
// libstdc++ 12 has neither std::chrono::parse nor std::format. Parsing reads fixed positions with bounds
// checks, no locale, no allocation, through one digit reader and one clock reader; the C++20 calendar types
// do the validation and the conversion to UTC.
#include "entities/date_time.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace igtcloud::entities::detail {
namespace {

namespace chr = std::chrono;

// Formatting covers years 0000..9999: [first_day, end_day).
constexpr chr::sys_days first_day{chr::year{0} / chr::January / 1};
constexpr chr::sys_days end_day{chr::year{10000} / chr::January / 1};

// Longest formatted date-time: "YYYY-MM-DDTHH:MM:SS.ffffffZ".
constexpr std::size_t max_date_time_size = 27;

constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

constexpr bool char_at(std::string_view s, std::size_t pos, char c) noexcept
{
    return pos < s.size() && s[pos] == c;
}

// Reads exactly `count` decimal digits of `s` starting at `pos` into `out`; no signs, no spaces.
constexpr bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) noexcept
{
    if (pos > s.size() || s.size() - pos < count) return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!is_digit(s[i])) return false;
        value = value * 10 + (s[i] - '0');
    }
    out = value;
    return true;
}

// Parses "HH:MM:SS", exactly, into the time since midnight: hours 00-23, minutes 00-59, seconds 00 to
// `max_second` (59, or 60 where a leap second is accepted).
std::optional<chr::seconds> parse_clock(std::string_view s, int max_second = 59) noexcept
{
    int h = 0;
    int m = 0;
    int sec = 0;
    if (s.size() != 8 || !read_digits(s, 0, 2, h) || !char_at(s, 2, ':') || !read_digits(s, 3, 2, m) ||
        !char_at(s, 5, ':') || !read_digits(s, 6, 2, sec))
        return std::nullopt;
    if (h > 23 || m > 59 || sec > max_second) return std::nullopt;
    return chr::hours{h} + chr::minutes{m} + chr::seconds{sec};
}

// Parses an optional ".F{1,9}" at `pos`, moving `pos` past it; digits beyond the sixth are dropped.
bool parse_fraction(std::string_view s, std::size_t& pos, chr::microseconds& out) noexcept
{
    out = chr::microseconds{0};
    if (!char_at(s, pos, '.')) return true;
    std::size_t const first = ++pos;
    std::int64_t micros = 0;
    while (pos < s.size() && is_digit(s[pos])) {
        if (pos - first < 6) micros = micros * 10 + (s[pos] - '0');
        ++pos;
    }
    std::size_t const count = pos - first;
    if (count == 0 || count > 9) return false;
    for (std::size_t i = count; i < 6; ++i)
        micros *= 10;
    out = chr::microseconds{micros};
    return true;
}

// Parses the whole of `s` as "Z", "z", "+HH:MM" or "-HH:MM" into the offset east of UTC.
std::optional<chr::minutes> parse_offset(std::string_view s) noexcept
{
    if (s.size() == 1 && (s[0] == 'Z' || s[0] == 'z')) return chr::minutes{0};
    int h = 0;
    int m = 0;
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !read_digits(s, 1, 2, h) || !char_at(s, 3, ':') ||
        !read_digits(s, 4, 2, m))
        return std::nullopt;
    if (h > 23 || m > 59) return std::nullopt;
    chr::minutes const offset = chr::hours{h} + chr::minutes{m};
    return s[0] == '-' ? -offset : offset;
}

// Writes `value` as exactly `width` zero-padded decimal digits at `p`; returns the end.
char* put_digits(char* p, unsigned value, int width) noexcept
{
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

// Writes a valid date of years 0000..9999 as "YYYY-MM-DD" at `p`; returns the end.
char* put_date(char* p, chr::year_month_day d) noexcept
{
    p = put_digits(p, static_cast<unsigned>(static_cast<int>(d.year())), 4);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(d.month()), 2);
    *p++ = '-';
    return put_digits(p, static_cast<unsigned>(d.day()), 2);
}

// ---- HTTP-date (RFC 9110 section 5.6.7): IMF-fixdate, RFC 850, asctime
// --------------------------------------

constexpr std::string_view short_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::string_view long_days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};
constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

template <std::size_t N>
constexpr bool is_one_of(std::string_view const (&names)[N], std::string_view word) noexcept
{
    return std::find(std::begin(names), std::end(names), word) != std::end(names);
}

constexpr bool is_alpha(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// A left-to-right reader of an HTTP-date over the shared readers; every read consumes what it matched or
// fails.
class cursor {
public:
    explicit constexpr cursor(std::string_view s) noexcept : s_{s} {}

    constexpr bool at_end() const noexcept { return pos_ == s_.size(); }

    // Consumes `text` when the input continues with it.
    constexpr bool literal(std::string_view text) noexcept
    {
        if (s_.substr(pos_).substr(0, text.size()) != text) return false;
        pos_ += text.size();
        return true;
    }

    // Consumes exactly `width` digits (no sign, no space) into `out`.
    constexpr bool digits(std::size_t width, int& out) noexcept
    {
        if (!read_digits(s_, pos_, width, out)) return false;
        pos_ += width;
        return true;
    }

    // Consumes the longest run of ASCII letters (possibly empty).
    constexpr std::string_view word() noexcept
    {
        std::size_t const first = pos_;
        while (pos_ < s_.size() && is_alpha(s_[pos_]))
            ++pos_;
        return s_.substr(first, pos_ - first);
    }

    // Consumes a month name; `out` is 1 for "Jan".
    constexpr bool month(unsigned& out) noexcept
    {
        auto const name = word();
        auto const it = std::find(std::begin(months), std::end(months), name);
        if (it == std::end(months)) return false;
        out = static_cast<unsigned>(it - std::begin(months)) + 1;
        return true;
    }

    // Consumes "HH:MM:SS" (second 60 allowed: a leap second) into the time since midnight.
    bool time_of_day(chr::seconds& out) noexcept
    {
        constexpr std::size_t width = 8;
        auto const clock = parse_clock(s_.substr(pos_, width), 60);
        if (!clock) return false;
        pos_ += width;
        out = *clock;
        return true;
    }

private:
    std::string_view s_;
    std::size_t pos_{};
};

// The instant of a calendar date and a time of day (UTC), or nullopt for an invalid date.
std::optional<chr::sys_seconds> instant(int y, unsigned m, int d, chr::seconds time) noexcept
{
    chr::year_month_day const date{chr::year{y}, chr::month{m}, chr::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return chr::sys_days{date} + time;
}

// The full year of a two-digit RFC 850 year: the one ending in `yy` in (now - 50, now + 50].
int full_year(int yy, chr::system_clock::time_point now) noexcept
{
    int const current = static_cast<int>(chr::year_month_day{chr::floor<chr::days>(now)}.year());
    int year = current - ((current % 100) + 100) % 100 + yy;
    if (year > current + 50) year -= 100;
    if (year <= current - 50) year += 100;
    return year;
}

// IMF-fixdate after "Sun, ": "06 Nov 1994 08:49:37 GMT".
std::optional<chr::sys_seconds> imf_fixdate(cursor& c) noexcept
{
    int d = 0;
    unsigned m = 0;
    int y = 0;
    chr::seconds t{};
    if (!c.digits(2, d) || !c.literal(" ") || !c.month(m) || !c.literal(" ") || !c.digits(4, y) ||
        !c.literal(" ") || !c.time_of_day(t) || !c.literal(" GMT") || !c.at_end())
        return std::nullopt;
    return instant(y, m, d, t);
}

// RFC 850 date after "Sunday, ": "06-Nov-94 08:49:37 GMT".
std::optional<chr::sys_seconds> rfc850_date(cursor& c, chr::system_clock::time_point now) noexcept
{
    int d = 0;
    unsigned m = 0;
    int yy = 0;
    chr::seconds t{};
    if (!c.digits(2, d) || !c.literal("-") || !c.month(m) || !c.literal("-") || !c.digits(2, yy) ||
        !c.literal(" ") || !c.time_of_day(t) || !c.literal(" GMT") || !c.at_end())
        return std::nullopt;
    return instant(full_year(yy, now), m, d, t);
}

// asctime date after "Sun ": "Nov  6 08:49:37 1994" (day as SP DIGIT or 2DIGIT).
std::optional<chr::sys_seconds> asctime_date(cursor& c) noexcept
{
    int d = 0;
    unsigned m = 0;
    int y = 0;
    chr::seconds t{};
    if (!c.month(m) || !c.literal(" ")) return std::nullopt;
    bool const day_ok = c.literal(" ") ? c.digits(1, d) : c.digits(2, d);
    if (!day_ok || !c.literal(" ") || !c.time_of_day(t) || !c.literal(" ") || !c.digits(4, y) || !c.at_end())
        return std::nullopt;
    return instant(y, m, d, t);
}

} // namespace

std::optional<date_time> parse_date_time(std::string_view text) noexcept
{
    // Fixed layout: date [0, 10), separator 10, clock [11, 19), then fraction and offset.
    constexpr std::size_t clock_pos = 11;
    constexpr std::size_t clock_size = 8;
    if (text.size() < clock_pos + clock_size + 1) return std::nullopt;
    auto const date = parse_date(text.substr(0, 10));
    char const sep = text[10];
    if (!date || (sep != 'T' && sep != 't' && sep != ' ')) return std::nullopt;
    auto const clock = parse_clock(text.substr(clock_pos, clock_size));
    std::size_t pos = clock_pos + clock_size;
    chr::microseconds fraction{};
    if (!clock || !parse_fraction(text, pos, fraction)) return std::nullopt;
    auto const offset = parse_offset(text.substr(pos));
    if (!offset) return std::nullopt;
    return chr::sys_days{*date} + *clock + fraction - *offset;
}

std::optional<chr::year_month_day> parse_date(std::string_view text) noexcept
{
    int y = 0;
    int m = 0;
    int d = 0;
    if (text.size() != 10 || !read_digits(text, 0, 4, y) || !char_at(text, 4, '-') ||
        !read_digits(text, 5, 2, m) || !char_at(text, 7, '-') || !read_digits(text, 8, 2, d))
        return std::nullopt;
    // m and d are at most 99, within what chr::month and chr::day can hold for ok() to judge.
    chr::year_month_day const ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                  chr::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

bool format_date_time(date_time t, std::string& out)
{
    // Range check on the time point itself: year_month_day's year would wrap for far instants.
    if (t < first_day || t >= end_day) return false;
    auto const day = chr::floor<chr::days>(t); // floor, not truncation: correct before 1970
    chr::hh_mm_ss<chr::microseconds> const clock{t - day};
    char buf[max_date_time_size];
    char* p = put_date(buf, chr::year_month_day{day});
    *p++ = 'T';
    p = put_digits(p, static_cast<unsigned>(clock.hours().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(clock.minutes().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(clock.seconds().count()), 2);
    if (clock.subseconds().count() != 0) {
        *p++ = '.';
        p = put_digits(p, static_cast<unsigned>(clock.subseconds().count()), 6);
    }
    *p++ = 'Z';
    out.append(buf, p);
    return true;
}

bool format_date(chr::year_month_day d, std::string& out)
{
    if (!d.ok() || d.year() < chr::year{0} || d.year() > chr::year{9999}) return false;
    char buf[10];
    char* const end = put_date(buf, d);
    out.append(buf, end);
    return true;
}

std::optional<chr::sys_seconds> parse_http_date(std::string_view text,
                                                chr::system_clock::time_point now) noexcept
{
    cursor c{text};
    auto const day_name = c.word();
    if (c.literal(", ")) {
        if (is_one_of(short_days, day_name)) return imf_fixdate(c);
        if (is_one_of(long_days, day_name)) return rfc850_date(c, now);
        return std::nullopt;
    }
    if (is_one_of(short_days, day_name) && c.literal(" ")) return asctime_date(c);
    return std::nullopt;
}

} // namespace igtcloud::entities::detail
