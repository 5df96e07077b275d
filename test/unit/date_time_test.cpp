// Unit tests of the RFC 3339 date-time and full-date module and its HTTP-date parser
// (src/entities/date_time).
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "entities/date_time.hpp"

namespace {

namespace chr = std::chrono;
namespace data = boost::unit_test::data;
// The models' type; named here so that it does not clash with the suite `date_time`.
using utc_time = igtcloud::entities::date_time;
using igtcloud::entities::detail::format_date;
using igtcloud::entities::detail::format_date_time;
using igtcloud::entities::detail::parse_date;
using igtcloud::entities::detail::parse_date_time;
using igtcloud::entities::detail::parse_http_date;

// The expected instant, built from calendar types rather than magic numbers.
utc_time utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, std::int64_t us = 0)
{
    return chr::sys_days{chr::year{y} / chr::month{mo} / chr::day{d}} + chr::hours{h} + chr::minutes{mi} +
           chr::seconds{s} + chr::microseconds{us};
}

// Microseconds since the epoch: printable by Boost.Test, unlike time points.
std::int64_t micros(utc_time t)
{
    return t.time_since_epoch().count();
}

// yyyymmdd as one printable number (chrono calendar types have no operator<< in libstdc++ 12).
long key(chr::year_month_day d)
{
    return static_cast<int>(d.year()) * 10000L + static_cast<unsigned>(d.month()) * 100L +
           static_cast<unsigned>(d.day());
}

// Parses `text`, which the test expects to be valid, and returns micros since the epoch.
std::int64_t parsed_micros(std::string_view text)
{
    auto const r = parse_date_time(text);
    BOOST_TEST_REQUIRE(r.has_value(), "parse_date_time refused " << text);
    return micros(*r);
}

std::string formatted(utc_time t)
{
    std::string out;
    BOOST_TEST_REQUIRE(format_date_time(t, out));
    return out;
}

struct round_trip_case {
    std::string input{};
    std::string canonical{};
};

std::ostream& operator<<(std::ostream& os, round_trip_case const& c)
{
    return os << '"' << c.input << "\" -> \"" << c.canonical << '"';
}

// Every input here is valid and already in canonical UTC form, so it must survive format(parse(x)).
std::vector<std::string> const canonical_inputs{
    "2024-03-05T06:07:08Z",        "2024-03-05T06:07:08.000001Z", "2024-03-05T06:07:08.999999Z",
    "1970-01-01T00:00:00Z",        "1969-12-31T23:59:59.500000Z", "1969-12-31T23:59:59.999999Z",
    "0000-01-01T00:00:00Z",        "0000-02-29T12:00:00Z",        "9999-12-31T23:59:59.999999Z",
    "1600-02-29T00:00:00Z",        "1900-02-28T23:59:59Z",        "2024-02-29T23:59:59.123456Z",
    "0001-01-01T00:00:00.000010Z", "1583-10-15T01:02:03Z",
};

// Inputs in non-canonical form (offsets, separators, lowercase, fraction widths) and their UTC form.
std::vector<round_trip_case> const round_trip_cases{
    {"2024-03-05t06:07:08z", "2024-03-05T06:07:08Z"},
    {"2024-03-05 06:07:08Z", "2024-03-05T06:07:08Z"},
    {"2024-03-05T06:07:08+01:00", "2024-03-05T05:07:08Z"},
    {"2024-03-05T06:07:08-00:00", "2024-03-05T06:07:08Z"},
    {"2024-03-05T06:07:08.5Z", "2024-03-05T06:07:08.500000Z"},
    {"2024-03-05T06:07:08.000Z", "2024-03-05T06:07:08Z"},
    {"2024-03-05T06:07:08.000000000Z", "2024-03-05T06:07:08Z"},
    {"2024-03-05T06:07:08.123456789-00:30", "2024-03-05T06:37:08.123456Z"},
    {"2024-03-05T06:07:08.0000009Z", "2024-03-05T06:07:08Z"},
    {"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500000Z"},
    {"1970-01-01T00:59:59.5+01:00", "1969-12-31T23:59:59.500000Z"},
    {"2000-01-01T00:00:00+23:59", "1999-12-31T00:01:00Z"},
    {"1999-12-31T23:00:00-01:00", "2000-01-01T00:00:00Z"},
    {"1900-03-01T00:00:00+00:01", "1900-02-28T23:59:00Z"},
    {"2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00Z"},
    {"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z"},
    {"0000-01-01T00:00:00-00:01", "0000-01-01T00:01:00Z"},
};

// One non-digit (or a sign) in each numeric field in turn, from a valid "2024-03-05T06:07:08.25+05:30".
std::vector<std::string> const non_digit_inputs{
    "2O24-03-05T06:07:08.25+05:30", "+024-03-05T06:07:08.25+05:30", "2024-0a-05T06:07:08.25+05:30",
    "2024-+3-05T06:07:08.25+05:30", "2024-03-o5T06:07:08.25+05:30", "2024-03--5T06:07:08.25+05:30",
    "2024-03-05T0x:07:08.25+05:30", "2024-03-05T-6:07:08.25+05:30", "2024-03-05T06: 7:08.25+05:30",
    "2024-03-05T06:+7:08.25+05:30", "2024-03-05T06:07:0!.25+05:30", "2024-03-05T06:07:-8.25+05:30",
    "2024-03-05T06:07:08.2x+05:30", "2024-03-05T06:07:08.-5+05:30", "2024-03-05T06:07:08.25+O5:30",
    "2024-03-05T06:07:08.25+-5:30", "2024-03-05T06:07:08.25+05:3O", "2024-03-05T06:07:08.25+05:+0",
};

// Malformed layouts that are not a single bad digit.
std::vector<std::string> const malformed_inputs{
    "2024-03-05T06:07Z",               // no seconds
    "2024-03-05T06:07:08",             // no offset
    "2024-03-05T06:07:08+05",          // offset without minutes
    "2024-03-05T06:07:08+0530",        // offset without colon
    "2024-03-05T06:07:08+05:30Z",      // two offsets
    "2024-03-05T06:07:08ZZ",           // trailing junk after Z
    "2024-03-05",                      // date only
    "2024-03-05T",                     // separator only
    "2024-03-05X06:07:08Z",            // bad separator
    "2024-03-05TT06:07:08Z",           // doubled separator
    "2024/03/05T06:07:08Z",            // bad date separators
    "2024-03-05T06.07.08Z",            // bad clock separators
    "24-03-05T06:07:08Z",              // two-digit year
    "02024-03-05T06:07:08Z",           // five-digit year
    "2024-3-5T6:7:8Z",                 // unpadded fields
    "2024-03-05T06:07:08,5Z",          // comma as decimal mark
    "2024-03-05T06:07:08.Z",           // '.' without digits
    "2024-03-05T06:07:08.1234567890Z", // ten fractional digits
    "2024-03-05T06:07:08 Z",           // space before Z
};

} // namespace

BOOST_AUTO_TEST_SUITE(date_time)

BOOST_AUTO_TEST_SUITE(parsing)

BOOST_AUTO_TEST_CASE(parses_utc_on_z_suffix)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08Z") == micros(utc(2024, 3, 5, 6, 7, 8)));
}

BOOST_AUTO_TEST_CASE(parses_utc_on_lowercase_z_suffix)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08z") == micros(utc(2024, 3, 5, 6, 7, 8)));
}

BOOST_AUTO_TEST_CASE(subtracts_offset_on_positive_offset)
{
    auto const local =
        chr::sys_days{chr::year{2024} / chr::March / 5} + chr::hours{6} + chr::minutes{7} + chr::seconds{8};
    auto const expected = local - (chr::hours{5} + chr::minutes{30});
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08+05:30") == micros(expected));
}

BOOST_AUTO_TEST_CASE(adds_offset_on_negative_offset)
{
    auto const local =
        chr::sys_days{chr::year{2024} / chr::March / 5} + chr::hours{6} + chr::minutes{7} + chr::seconds{8};
    auto const expected = local + chr::hours{8} + chr::minutes{15};
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08-08:15") == micros(expected));
}

BOOST_AUTO_TEST_CASE(crosses_year_on_offset_past_midnight)
{
    BOOST_TEST(parsed_micros("2024-01-01T01:00:00+02:00") == micros(utc(2023, 12, 31, 23)));
    BOOST_TEST(parsed_micros("2023-12-31T23:00:00-02:00") == micros(utc(2024, 1, 1, 1)));
}

BOOST_AUTO_TEST_CASE(parses_utc_on_minus_zero_offset)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08-00:00") == micros(utc(2024, 3, 5, 6, 7, 8)));
}

BOOST_AUTO_TEST_CASE(accepts_extreme_offsets_on_23_59)
{
    BOOST_TEST(parsed_micros("2024-03-05T12:00:00+23:59") == micros(utc(2024, 3, 4, 12, 1)));
    BOOST_TEST(parsed_micros("2024-03-05T12:00:00-23:59") == micros(utc(2024, 3, 6, 11, 59)));
}

BOOST_AUTO_TEST_CASE(parses_whole_seconds_on_no_fraction)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08Z") % 1'000'000 == 0);
}

BOOST_AUTO_TEST_CASE(parses_tenths_on_one_fractional_digit)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.7Z") == micros(utc(2024, 3, 5, 6, 7, 8, 700'000)));
}

BOOST_AUTO_TEST_CASE(parses_millis_on_three_fractional_digits)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.042Z") == micros(utc(2024, 3, 5, 6, 7, 8, 42'000)));
}

BOOST_AUTO_TEST_CASE(parses_micros_on_six_fractional_digits)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.000042Z") == micros(utc(2024, 3, 5, 6, 7, 8, 42)));
}

BOOST_AUTO_TEST_CASE(truncates_to_micros_on_nine_fractional_digits)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.123456999Z") == micros(utc(2024, 3, 5, 6, 7, 8, 123'456)));
}

BOOST_AUTO_TEST_CASE(truncates_to_micros_on_seven_fractional_digits)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.9999999Z") == micros(utc(2024, 3, 5, 6, 7, 8, 999'999)));
}

BOOST_AUTO_TEST_CASE(applies_offset_on_fraction_with_offset)
{
    BOOST_TEST(parsed_micros("2024-03-05T06:07:08.25+01:00") == micros(utc(2024, 3, 5, 5, 7, 8, 250'000)));
}

BOOST_AUTO_TEST_CASE(parses_on_space_separator)
{
    BOOST_TEST(parsed_micros("2024-03-05 06:07:08Z") == micros(utc(2024, 3, 5, 6, 7, 8)));
}

BOOST_AUTO_TEST_CASE(parses_on_lowercase_t_separator)
{
    BOOST_TEST(parsed_micros("2024-03-05t06:07:08Z") == micros(utc(2024, 3, 5, 6, 7, 8)));
}

BOOST_AUTO_TEST_CASE(parses_zero_on_epoch)
{
    BOOST_TEST(parsed_micros("1970-01-01T00:00:00Z") == 0);
    BOOST_TEST(parsed_micros("1970-01-01T01:00:00+01:00") == 0);
}

BOOST_AUTO_TEST_CASE(parses_negative_instant_on_pre_1970)
{
    BOOST_TEST(parsed_micros("1969-12-31T23:59:59.5Z") == -500'000);
    BOOST_TEST(parsed_micros("1969-12-31T23:59:59.999999Z") == -1);
    BOOST_TEST(parsed_micros("1900-01-01T00:00:00Z") == micros(utc(1900, 1, 1)));
    BOOST_TEST(micros(utc(1900, 1, 1)) < 0);
}

BOOST_AUTO_TEST_CASE(parses_on_year_0000)
{
    BOOST_TEST(parsed_micros("0000-01-01T00:00:00Z") == micros(utc(0, 1, 1)));
    BOOST_TEST(parsed_micros("0000-02-29T00:00:00Z") == micros(utc(0, 2, 29))); // year 0 is a leap year
}

BOOST_AUTO_TEST_CASE(parses_on_year_9999)
{
    BOOST_TEST(parsed_micros("9999-12-31T23:59:59.999999Z") ==
               micros(utc(9999, 12, 31, 23, 59, 59, 999'999)));
}

BOOST_AUTO_TEST_CASE(leaves_years_0000_to_9999_on_offset_at_the_edges)
{
    BOOST_TEST(parsed_micros("0000-01-01T00:00:00+01:00") == micros(utc(-1, 12, 31, 23)));
    BOOST_TEST(parsed_micros("9999-12-31T23:00:00-01:00") == micros(utc(10000, 1, 1)));
}

BOOST_AUTO_TEST_CASE(accepts_on_leap_day_of_leap_year)
{
    BOOST_TEST(parsed_micros("2024-02-29T12:00:00Z") == micros(utc(2024, 2, 29, 12)));
    BOOST_TEST(parsed_micros("2000-02-29T12:00:00Z") == micros(utc(2000, 2, 29, 12)));
}

BOOST_AUTO_TEST_CASE(refuses_on_leap_day_of_non_leap_year)
{
    BOOST_TEST(!parse_date_time("2023-02-29T12:00:00Z").has_value());
    BOOST_TEST(!parse_date_time("1900-02-29T12:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_month_13)
{
    BOOST_TEST(!parse_date_time("2024-13-05T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_month_00)
{
    BOOST_TEST(!parse_date_time("2024-00-05T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_day_32)
{
    BOOST_TEST(!parse_date_time("2024-01-32T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_day_00)
{
    BOOST_TEST(!parse_date_time("2024-01-00T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_april_31)
{
    BOOST_TEST(!parse_date_time("2024-04-31T06:07:08Z").has_value());
    BOOST_TEST(parse_date_time("2024-04-30T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_february_30)
{
    BOOST_TEST(!parse_date_time("2024-02-30T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_hour_24)
{
    BOOST_TEST(!parse_date_time("2024-03-05T24:00:00Z").has_value());
    BOOST_TEST(parse_date_time("2024-03-05T23:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_minute_60)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:60:08Z").has_value());
    BOOST_TEST(parse_date_time("2024-03-05T06:59:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_second_60)
{
    BOOST_TEST(!parse_date_time("2016-12-31T23:59:60Z").has_value());
    BOOST_TEST(parse_date_time("2016-12-31T23:59:59Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_offset_hour_24)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08+24:00").has_value());
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08-24:00").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_offset_minute_60)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08+05:60").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_missing_offset)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08").has_value());
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08.123").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_dot_without_digits)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08.Z").has_value());
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08.+01:00").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_ten_fractional_digits)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08.1234567890Z").has_value());
    BOOST_TEST(parse_date_time("2024-03-05T06:07:08.123456789Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_trailing_junk)
{
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08Zjunk").has_value());
    BOOST_TEST(!parse_date_time("2024-03-05T06:07:08+01:00 ").has_value());
    BOOST_TEST(!parse_date_time(std::string_view{"2024-03-05T06:07:08Z\0", 21}).has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_leading_space)
{
    BOOST_TEST(!parse_date_time(" 2024-03-05T06:07:08Z").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_empty_string)
{
    BOOST_TEST(!parse_date_time("").has_value());
    BOOST_TEST(!parse_date_time(std::string_view{}).has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_truncated_input)
{
    std::string_view const full = "2024-03-05T06:07:08.25+05:30";
    for (std::size_t n = 0; n < full.size(); ++n)
        BOOST_TEST(!parse_date_time(full.substr(0, n)).has_value(), "accepted prefix " << full.substr(0, n));
    BOOST_TEST(parse_date_time(full).has_value());
}

BOOST_DATA_TEST_CASE(refuses_on_non_digit_in_field, data::make(non_digit_inputs), text)
{
    BOOST_TEST(!parse_date_time(text).has_value());
}

BOOST_DATA_TEST_CASE(refuses_on_malformed_layout, data::make(malformed_inputs), text)
{
    BOOST_TEST(!parse_date_time(text).has_value());
}

BOOST_AUTO_TEST_SUITE_END() // parsing

BOOST_AUTO_TEST_SUITE(formatting)

BOOST_AUTO_TEST_CASE(omits_fraction_on_whole_seconds)
{
    BOOST_TEST(formatted(utc(2024, 3, 5, 6, 7, 8)) == "2024-03-05T06:07:08Z");
}

BOOST_AUTO_TEST_CASE(writes_six_digits_on_non_zero_micros)
{
    BOOST_TEST(formatted(utc(2024, 3, 5, 6, 7, 8, 1)) == "2024-03-05T06:07:08.000001Z");
    BOOST_TEST(formatted(utc(2024, 3, 5, 6, 7, 8, 500'000)) == "2024-03-05T06:07:08.500000Z");
    BOOST_TEST(formatted(utc(2024, 3, 5, 6, 7, 8, 999'999)) == "2024-03-05T06:07:08.999999Z");
}

BOOST_AUTO_TEST_CASE(writes_epoch_on_zero)
{
    BOOST_TEST(formatted(utc_time{}) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(floors_on_pre_1970_instant)
{
    BOOST_TEST(formatted(utc_time{chr::microseconds{-500'000}}) == "1969-12-31T23:59:59.500000Z");
    BOOST_TEST(formatted(utc_time{chr::microseconds{-1}}) == "1969-12-31T23:59:59.999999Z");
    BOOST_TEST(formatted(utc_time{chr::seconds{-86'400}}) == "1969-12-31T00:00:00Z");
    BOOST_TEST(formatted(utc(1583, 10, 15, 1, 2, 3, 4)) == "1583-10-15T01:02:03.000004Z");
}

BOOST_AUTO_TEST_CASE(pads_year_on_small_years)
{
    BOOST_TEST(formatted(utc(0, 1, 1)) == "0000-01-01T00:00:00Z");
    BOOST_TEST(formatted(utc(42, 7, 9, 1, 2, 3)) == "0042-07-09T01:02:03Z");
}

BOOST_AUTO_TEST_CASE(writes_last_instant_on_year_9999)
{
    BOOST_TEST(formatted(utc(9999, 12, 31, 23, 59, 59, 999'999)) == "9999-12-31T23:59:59.999999Z");
}

BOOST_AUTO_TEST_CASE(appends_on_non_empty_output)
{
    std::string out = "at ";
    BOOST_TEST_REQUIRE(format_date_time(utc(2024, 3, 5, 6, 7, 8), out));
    BOOST_TEST(out == "at 2024-03-05T06:07:08Z");
}

BOOST_AUTO_TEST_CASE(refuses_on_year_10000)
{
    std::string out = "kept";
    BOOST_TEST(!format_date_time(utc(10000, 1, 1), out));
    BOOST_TEST(out == "kept");
}

BOOST_AUTO_TEST_CASE(refuses_on_negative_year)
{
    std::string out = "kept";
    BOOST_TEST(!format_date_time(utc(0, 1, 1) - chr::microseconds{1}, out));
    BOOST_TEST(!format_date_time(utc(-1, 6, 1), out));
    BOOST_TEST(!format_date_time(utc(-2024, 3, 5), out));
    BOOST_TEST(out == "kept");
}

BOOST_AUTO_TEST_CASE(refuses_on_extreme_instants)
{
    // Far outside the range year_month_day can hold: the year must not wrap into 0000..9999.
    std::string out;
    BOOST_TEST(!format_date_time(utc_time::min(), out));
    BOOST_TEST(!format_date_time(utc_time::max(), out));
    BOOST_TEST(!format_date_time(utc(32767, 1, 1) + chr::days{365 * 36'000}, out));
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_SUITE_END() // formatting

BOOST_AUTO_TEST_SUITE(round_trip)

BOOST_DATA_TEST_CASE(keeps_text_on_canonical_input, data::make(canonical_inputs), text)
{
    auto const t = parse_date_time(text);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(formatted(*t) == text);
}

BOOST_DATA_TEST_CASE(yields_canonical_utc_on_any_valid_input, data::make(round_trip_cases), c)
{
    auto const t = parse_date_time(c.input);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(formatted(*t) == c.canonical);
}

BOOST_AUTO_TEST_CASE(keeps_instant_on_format_then_parse)
{
    // Steps of a prime number of microseconds across 1969..1971, crossing the epoch.
    auto const first = utc(1969, 1, 1);
    auto const last = utc(1971, 1, 1);
    constexpr chr::microseconds step{86'399'999'989};
    int checked = 0;
    for (auto t = first; t < last; t += step, ++checked) {
        auto const back = parse_date_time(formatted(t));
        BOOST_TEST_REQUIRE(back.has_value());
        BOOST_TEST_REQUIRE(micros(*back) == micros(t));
    }
    BOOST_TEST(checked > 700);
}

BOOST_AUTO_TEST_SUITE_END() // round_trip

BOOST_AUTO_TEST_SUITE(date_parsing)

BOOST_AUTO_TEST_CASE(parses_on_valid_date)
{
    auto const d = parse_date("2024-03-05");
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(key(*d) == key(chr::year{2024} / chr::March / 5));
}

BOOST_AUTO_TEST_CASE(parses_on_edge_years)
{
    auto const low = parse_date("0000-01-01");
    auto const high = parse_date("9999-12-31");
    BOOST_TEST_REQUIRE(low.has_value());
    BOOST_TEST_REQUIRE(high.has_value());
    BOOST_TEST(key(*low) == key(chr::year{0} / chr::January / 1));
    BOOST_TEST(key(*high) == key(chr::year{9999} / chr::December / 31));
}

BOOST_AUTO_TEST_CASE(accepts_on_leap_day_of_leap_year)
{
    BOOST_TEST(parse_date("2024-02-29").has_value());
    BOOST_TEST(parse_date("2000-02-29").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_invalid_calendar_date)
{
    BOOST_TEST(!parse_date("2023-02-29").has_value());
    BOOST_TEST(!parse_date("1900-02-29").has_value());
    BOOST_TEST(!parse_date("2024-02-30").has_value());
    BOOST_TEST(!parse_date("2024-04-31").has_value());
    BOOST_TEST(!parse_date("2024-13-01").has_value());
    BOOST_TEST(!parse_date("2024-00-01").has_value());
    BOOST_TEST(!parse_date("2024-01-32").has_value());
    BOOST_TEST(!parse_date("2024-01-00").has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_malformed_text)
{
    BOOST_TEST(!parse_date("").has_value());
    BOOST_TEST(!parse_date("2024-3-5").has_value());
    BOOST_TEST(!parse_date(" 2024-03-05").has_value());
    BOOST_TEST(!parse_date("2024-03-05 ").has_value());
    BOOST_TEST(!parse_date("2024-03-05T00:00:00Z").has_value());
    BOOST_TEST(!parse_date("2024/03/05").has_value());
    BOOST_TEST(!parse_date("+024-03-05").has_value());
    BOOST_TEST(!parse_date("2024-0x-05").has_value());
    BOOST_TEST(!parse_date("20240305").has_value());
}

BOOST_AUTO_TEST_SUITE_END() // date_parsing

BOOST_AUTO_TEST_SUITE(date_formatting)

BOOST_AUTO_TEST_CASE(writes_padded_date_on_valid_date)
{
    std::string out = "on ";
    BOOST_TEST_REQUIRE(format_date(chr::year{42} / chr::July / 9, out));
    BOOST_TEST(out == "on 0042-07-09");
}

BOOST_AUTO_TEST_CASE(writes_edges_on_years_0000_and_9999)
{
    std::string out;
    BOOST_TEST_REQUIRE(format_date(chr::year{0} / chr::January / 1, out));
    BOOST_TEST_REQUIRE(format_date(chr::year{9999} / chr::December / 31, out));
    BOOST_TEST(out == "0000-01-019999-12-31");
}

BOOST_AUTO_TEST_CASE(refuses_on_invalid_date)
{
    std::string out = "kept";
    BOOST_TEST(!format_date(chr::year{2023} / chr::February / 29, out));
    BOOST_TEST(!format_date(chr::year{2024} / chr::month{13} / 1, out));
    BOOST_TEST(!format_date(chr::year{2024} / chr::April / 31, out));
    BOOST_TEST(out == "kept");
}

BOOST_AUTO_TEST_CASE(refuses_on_year_outside_0000_to_9999)
{
    std::string out = "kept";
    BOOST_TEST(!format_date(chr::year{10000} / chr::January / 1, out));
    BOOST_TEST(!format_date(chr::year{-1} / chr::December / 31, out));
    BOOST_TEST(out == "kept");
}

BOOST_AUTO_TEST_CASE(round_trips_on_every_day_of_a_leap_year)
{
    int checked = 0;
    for (chr::sys_days d{chr::year{2024} / 1 / 1}; d < chr::sys_days{chr::year{2025} / 1 / 1}; ++d) {
        std::string out;
        BOOST_TEST_REQUIRE(format_date(chr::year_month_day{d}, out));
        auto const back = parse_date(out);
        BOOST_TEST_REQUIRE(back.has_value(), "refused " << out);
        BOOST_TEST_REQUIRE(key(*back) == key(chr::year_month_day{d}));
        ++checked;
    }
    BOOST_TEST(checked == 366);
}

BOOST_AUTO_TEST_SUITE_END() // date_formatting

// The HTTP-date parser shares the digit and clock readers; Retry-After's own tests (retry_policy_test.cpp)
// cover its grammar in depth through parse_retry_after.
BOOST_AUTO_TEST_SUITE(http_date)

std::int64_t http_micros(std::string_view text, int now_year = 2024)
{
    auto const now = chr::sys_days{chr::year{now_year} / chr::January / 1};
    auto const r = parse_http_date(text, now);
    BOOST_TEST_REQUIRE(r.has_value(), "parse_http_date refused " << text);
    return micros(*r);
}

BOOST_AUTO_TEST_CASE(reads_instant_on_each_form)
{
    auto const want = micros(utc(1994, 11, 6, 8, 49, 37));
    BOOST_TEST(http_micros("Sun, 06 Nov 1994 08:49:37 GMT") == want);
    BOOST_TEST(http_micros("Sunday, 06-Nov-94 08:49:37 GMT", 2000) == want);
    BOOST_TEST(http_micros("Sun Nov  6 08:49:37 1994") == want);
}

BOOST_AUTO_TEST_CASE(accepts_leap_second_on_http_date_only)
{
    // Second 60 is the next minute here, while RFC 3339 refuses it (chrono has no leap seconds).
    BOOST_TEST(http_micros("Sat, 31 Dec 2016 23:59:60 GMT") == micros(utc(2017, 1, 1)));
    BOOST_TEST(!parse_date_time("2016-12-31T23:59:60Z").has_value());
    auto const now = chr::sys_days{chr::year{2024} / chr::January / 1};
    BOOST_TEST(!parse_http_date("Sat, 31 Dec 2016 23:59:61 GMT", now).has_value());
    BOOST_TEST(!parse_http_date("Sat, 31 Dec 2016 24:00:00 GMT", now).has_value());
}

BOOST_AUTO_TEST_CASE(refuses_on_surrounding_whitespace_and_junk)
{
    auto const now = chr::sys_days{chr::year{2024} / chr::January / 1};
    BOOST_TEST(!parse_http_date(" Sun, 06 Nov 1994 08:49:37 GMT", now).has_value()); // Retry-After trims
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT ", now).has_value());
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:3", now).has_value());
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:37", now).has_value());
    BOOST_TEST(!parse_http_date("1994-11-06T08:49:37Z", now).has_value());
    BOOST_TEST(!parse_http_date("", now).has_value());
}

BOOST_AUTO_TEST_SUITE_END() // http_date

BOOST_AUTO_TEST_SUITE_END() // date_time
