#pragma once

// RFC 3339 date-time and full-date conversion for the JSON mapping, and the HTTP-date parser for Retry-After
// (internal, not installed).

#include <igtcloud/entities/models/common.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// Parses an RFC 3339 date-time: `YYYY-MM-DD('T'|'t'|' ')HH:MM:SS[.F{1,9}]('Z'|'z'|('+'|'-')HH:MM)`.
///
/// The year has exactly four digits, every other field exactly two. The calendar date is validated
/// (month 13, Feb 30 and Feb 29 of a non-leap year are refused). Hours 00-23, minutes 00-59,
/// seconds 00-59: the leap second 60 is refused, as chrono cannot represent it. Offsets have hours
/// 00-23 and minutes 00-59; `-00:00` is taken as UTC. The fraction has 1 to 9 digits; digits
/// beyond the sixth are dropped (truncation of the written value, before the offset is applied).
/// The offset is subtracted to give UTC, so the result may fall outside years 0000..9999
/// (e.g. `0000-01-01T00:00:00+01:00`), which `format_date_time` then refuses.
///
/// Returns `nullopt` for anything else: junk, leading or trailing characters, missing parts,
/// `.` with no digits, more than 9 fractional digits, signs inside numeric fields.
/// Does not allocate or throw; thread-safe.
std::optional<date_time> parse_date_time(std::string_view text) noexcept;

/// Parses an RFC 3339 full-date `YYYY-MM-DD` (exactly that, nothing before or after).
///
/// Returns `nullopt` for a malformed text or an invalid calendar date (e.g. `2023-02-29`).
/// Does not allocate or throw; thread-safe.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept;

/// Appends `t` to `out` as `YYYY-MM-DDTHH:MM:SSZ`, or as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six
/// fractional digits) when its microsecond part is non-zero. Instants before 1970 are floored
/// correctly (`-0.5 s` is `1969-12-31T23:59:59.500000Z`).
///
/// Returns false, appending nothing, when `t` lies outside years 0000..9999.
/// Throws only what `std::string::append` throws; thread-safe for distinct `out`.
bool format_date_time(date_time t, std::string& out);

/// Appends `d` to `out` as `YYYY-MM-DD`.
///
/// Returns false, appending nothing, when `!d.ok()` or the year lies outside 0000..9999.
/// Throws only what `std::string::append` throws; thread-safe for distinct `out`.
bool format_date(std::chrono::year_month_day d, std::string& out);

/// Parses an HTTP-date (RFC 9110 §5.6.7) in each of its three forms, names case-sensitive as the grammar
/// says, nothing before or after (no whitespace either):
/// - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`;
/// - obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`: the two-digit year is the year ending in those
///   digits in (Y - 50, Y + 50], Y being the year of `now`: never more than 50 years ahead (§5.6.7);
/// - asctime `Sun Nov  6 08:49:37 1994` (day as `SP DIGIT` or `2DIGIT`).
/// The calendar date is validated (Feb 30, Feb 29 of a common year, day 32, hour 24 are refused), the
/// second may be 60 (a leap second: the next minute). The day name must be one of the seven, but it is
/// not checked against the date (recipients are asked to be robust).
///
/// Returns nullopt for anything else: unknown day or month names, wrong separators or field widths,
/// out-of-range fields, trailing junk, a missing `GMT`. Does not allocate or throw; thread-safe.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text,
                                                        std::chrono::system_clock::time_point now) noexcept;

} // namespace igtcloud::entities::detail
