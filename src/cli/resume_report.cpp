// igtcloud-users --resume REPORT: reading an earlier run's report (see resume_report.hpp).
#include "cli/resume_report.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/output.hpp"

namespace igtcloud::cli {
namespace {

namespace json = boost::json;

/// Every outcome a report line may carry (provision's and sync's, DESIGN.md §9).
constexpr std::array<std::string_view, 7> known_outcomes{"created", "existing", "updated",      "unchanged",
                                                         "deleted", "failed",   "not_attempted"};

[[noreturn]] void bad_line(std::string const& name, std::size_t line, std::string const& problem)
{
    throw usage_error{name + " line " + std::to_string(line) + ": " + problem +
                      " (not a whole report of provision or sync)"};
}

} // namespace

bool is_done_outcome(std::string_view outcome) noexcept
{
    return outcome == "created" || outcome == "existing" || outcome == "updated" || outcome == "unchanged" ||
           outcome == "deleted";
}

std::unordered_set<std::string> read_done_logins(std::istream& in, std::string const& name)
{
    std::unordered_set<std::string> done;
    std::string text;
    for (std::size_t line = 1; std::getline(in, text); ++line) {
        if (in.eof()) bad_line(name, line, "cut off (no line end)");
        json::error_code ec;
        auto const value = json::parse(text, ec);
        if (ec || !value.is_object()) bad_line(name, line, "not a JSON object");
        auto const& o = value.as_object();
        auto const* login = o.if_contains("loginId");
        if (login == nullptr || !login->is_string()) bad_line(name, line, "no loginId");
        auto const* outcome = o.if_contains("outcome");
        if (outcome == nullptr || !outcome->is_string()) bad_line(name, line, "no outcome");
        std::string_view const what = outcome->as_string();
        if (std::find(known_outcomes.begin(), known_outcomes.end(), what) == known_outcomes.end())
            bad_line(name, line, "unknown outcome '" + std::string(what) + "'");
        if (is_done_outcome(what) && !login->as_string().empty()) done.emplace(login->as_string());
    }
    if (in.bad()) throw usage_error{name + ": read error"};
    return done;
}

std::unordered_set<std::string> read_done_logins(std::string const& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw usage_error{"cannot read " + path + ": it is a directory"};
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) throw usage_error{"cannot read " + path + ": " + std::strerror(errno)};
    return read_done_logins(in, path);
}

bool same_report_file(std::optional<std::string> const& report, std::optional<std::string> const& resume)
{
    if (!report || !resume) return false;
    std::error_code ec;
    return *report == *resume || std::filesystem::equivalent(*report, *resume, ec);
}

} // namespace igtcloud::cli
