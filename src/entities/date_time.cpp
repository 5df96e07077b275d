// RFC 3339 date-time and full-date parsing and formatting, hand-written: libstdc++ 12 has neither
// std::chrono::parse nor std::format. Parsing reads fixed positions with bounds checks, no locale,
// no allocation; the C++20 calendar types do the validation and the conversion to UTC.
#include "entities/date_time.hpp"

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

// Parses "HH:MM:SS", exactly, into the time since midnight.
std::optional<chr::seconds> parse_clock(std::string_view s) noexcept
{
    int h = 0;
    int m = 0;
    int sec = 0;
    if (s.size() != 8 || !read_digits(s, 0, 2, h) || !char_at(s, 2, ':') || !read_digits(s, 3, 2, m) ||
        !char_at(s, 5, ':') || !read_digits(s, 6, 2, sec))
        return std::nullopt;
    if (h > 23 || m > 59 || sec > 59) return std::nullopt;
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

} // namespace

std::optional<date_time_t> parse_date_time(std::string_view text) noexcept
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

bool format_date_time(date_time_t t, std::string& out)
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

} // namespace igtcloud::entities::detail
