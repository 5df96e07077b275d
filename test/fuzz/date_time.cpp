// Fuzz target: the RFC 3339 date-time and full-date parsers (src/entities/date_time).
//
// Oracles: no sanitizer report; each parser agrees with a slow, independent reference written from the
// grammar documented in date_time.hpp; whatever parses formats (when in years 0000..9999) to text that
// parses back to the same value, and a full-date formats back to the very input.
#include "entities/date_time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

namespace chr = std::chrono;
using igtcloud::entities::date_time;

using igtcloud::fuzz::check;

// `count` ASCII digits at `pos`, as a number; nullopt otherwise.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count)
{
    if (pos + count > s.size()) return std::nullopt;
    int value = 0;
    for (char c : s.substr(pos, count)) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<chr::year_month_day> reference_date(std::string_view s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto const y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
    if (!y || !m || !d) return std::nullopt;
    chr::year_month_day const ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)},
                                  chr::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return ymd;
}

std::optional<date_time> reference_date_time(std::string_view s)
{
    if (s.size() < 20) return std::nullopt;
    auto const date = reference_date(s.substr(0, 10));
    if (!date || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
    auto const h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (!h || !mi || !sec || s[13] != ':' || s[16] != ':' || *h > 23 || *mi > 59 || *sec > 59)
        return std::nullopt;
    std::size_t pos = 19;
    std::int64_t micros = 0;
    if (s[pos] == '.') {
        std::size_t n = 0;
        while (pos + 1 + n < s.size() && s[pos + 1 + n] >= '0' && s[pos + 1 + n] <= '9')
            ++n;
        if (n == 0 || n > 9) return std::nullopt;
        for (std::size_t i = 0; i < 6; ++i)
            micros = micros * 10 + (i < n ? s[pos + 1 + i] - '0' : 0);
        pos += 1 + n;
    }
    auto const zone = s.substr(pos);
    chr::minutes offset{0};
    if (zone != "Z" && zone != "z") {
        if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
        auto const oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offset = chr::hours{*oh} + chr::minutes{*om};
        if (zone[0] == '-') offset = -offset;
    }
    return chr::sys_days{*date} + chr::hours{*h} + chr::minutes{*mi} + chr::seconds{*sec} +
           chr::microseconds{micros} - offset;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    namespace d = igtcloud::entities::detail;
    std::string_view const text{reinterpret_cast<char const*>(data), size};

    auto const t = d::parse_date_time(text);
    check(t == reference_date_time(text));
    if (t) {
        std::string out;
        if (d::format_date_time(*t, out)) {
            check(d::parse_date_time(out) == t);
        } else {
            auto const year = chr::year_month_day{chr::floor<chr::days>(*t)}.year();
            check(year < chr::year{0} || year > chr::year{9999});
            check(out.empty());
        }
    }

    auto const ymd = d::parse_date(text);
    check(ymd == reference_date(text));
    if (ymd) {
        std::string out;
        check(d::format_date(*ymd, out) && out == text);
    }
    return 0;
}
