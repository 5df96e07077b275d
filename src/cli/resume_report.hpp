#pragma once

// igtcloud-users provision/sync --resume REPORT: the loginIds an earlier run's --report file shows as done.
//
//   REPORT (one JSON object per line: {"line", "loginId", "outcome", ...}, written whole and flushed)
//     -> read_done_logins -> {loginIds whose outcome is created, existing, updated, unchanged or deleted}
//     -> provision_options::skip: those items are skipped (counted, not sent, not reported again)
// Items that failed or were not attempted are not done: the resumed run tries them again. Rows without a
// loginId (bad rows, reported with "loginId": "") are never done.
// A report that is not one (a line that is not a JSON object, lacks a string loginId or outcome, or names an
// unknown outcome) or that was cut off (its last line has no line end) is a usage error naming the file and
// the line: resuming from it could send items twice or skip some.
// Memory: the done loginIds (one string each).

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace igtcloud::cli {

/// Whether a report's outcome means "done": created, existing, updated, unchanged, deleted.
bool is_done_outcome(std::string_view outcome) noexcept;

/// The done loginIds of the report read from `in`; `name` names it in errors. Throws usage_error
/// "<name> line N: <problem>": "cut off (no line end)", "not a JSON object", "no loginId", "no outcome",
/// "unknown outcome 'x'"; "<name>: read error".
std::unordered_set<std::string> read_done_logins(std::istream& in, std::string const& name);

/// The done loginIds of the report file at `path`; throws usage_error "cannot read PATH: <reason>" too.
std::unordered_set<std::string> read_done_logins(std::string const& path);

/// Whether --report (`report`) names the --resume file (`resume`): the same path, or the same file under
/// another name. Then the report is appended to, not truncated (read the resume report first).
bool same_report_file(std::optional<std::string> const& report, std::optional<std::string> const& resume);

} // namespace igtcloud::cli
