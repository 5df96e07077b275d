#pragma once

// RFC 3339 date-time and full-date conversion for the JSON mapping (internal, not installed).

#include <igtcloud/entities/config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// An instant in UTC with microsecond resolution, as the models carry date-times.
using date_time_t = std::chrono::sys_time<std::chrono::microseconds>;

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
IGTCLOUD_ENTITIES_DECL std::optional<date_time_t> parse_date_time(std::string_view text) noexcept;

/// Parses an RFC 3339 full-date `YYYY-MM-DD` (exactly that, nothing before or after).
///
/// Returns `nullopt` for a malformed text or an invalid calendar date (e.g. `2023-02-29`).
/// Does not allocate or throw; thread-safe.
IGTCLOUD_ENTITIES_DECL std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept;

/// Appends `t` to `out` as `YYYY-MM-DDTHH:MM:SSZ`, or as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six
/// fractional digits) when its microsecond part is non-zero. Instants before 1970 are floored
/// correctly (`-0.5 s` is `1969-12-31T23:59:59.500000Z`).
///
/// Returns false, appending nothing, when `t` lies outside years 0000..9999.
/// Throws only what `std::string::append` throws; thread-safe for distinct `out`.
IGTCLOUD_ENTITIES_DECL bool format_date_time(date_time_t t, std::string& out);

/// Appends `d` to `out` as `YYYY-MM-DD`.
///
/// Returns false, appending nothing, when `!d.ok()` or the year lies outside 0000..9999.
/// Throws only what `std::string::append` throws; thread-safe for distinct `out`.
IGTCLOUD_ENTITIES_DECL bool format_date(std::chrono::year_month_day d, std::string& out);

} // namespace igtcloud::entities::detail
