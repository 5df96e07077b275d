// Unit tests of igtcloud-users' flags of a run at scale: the --resume report reader (good, cut off and bad
// reports) and the values of --shard and --rate.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_set>

#include "cli/output.hpp"
#include "cli/resume_report.hpp"
#include "cli/scale_flags.hpp"

namespace {

using igtcloud::cli::usage_error;
using logins = std::unordered_set<std::string>;

logins read(std::string const& text)
{
    std::istringstream in(text);
    return igtcloud::cli::read_done_logins(in, "report.jsonl");
}

/// The usage error's message of reading `text` ("" when it reads).
std::string report_refusal(std::string const& text)
{
    try {
        read(text);
    } catch (usage_error const& e) {
        return e.message;
    }
    return {};
}

std::string shard_refusal(std::string const& text)
{
    try {
        igtcloud::cli::parse_shard(text);
    } catch (usage_error const& e) {
        return e.message;
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_resume_report)

BOOST_AUTO_TEST_CASE(takes_the_done_outcomes_on_a_whole_report)
{
    auto const done = read(R"({"line":2,"loginId":"ada","outcome":"created","status":201,"userUUID":"u1"})"
                           "\n"
                           R"({"line":3,"loginId":"bob","outcome":"existing","status":200})"
                           "\n"
                           R"({"line":4,"loginId":"cy","outcome":"failed","status":400,"message":"x"})"
                           "\n"
                           R"({"line":5,"loginId":"di","outcome":"not_attempted","status":0})"
                           "\n"
                           R"({"line":6,"loginId":"","outcome":"failed","status":0})"
                           "\n"
                           R"({"loginId":"ed","outcome":"updated"})"
                           "\n"
                           R"({"loginId":"fay","outcome":"unchanged"})"
                           "\n"
                           R"({"loginId":"gil","outcome":"deleted"})"
                           "\n"
                           R"({"loginId":"cy","outcome":"created"})" // a retry appended to the same report
                           "\r\n");
    BOOST_TEST((done == logins{"ada", "bob", "ed", "fay", "gil", "cy"}));
    BOOST_TEST(read("").empty()); // an empty report: nothing done
}

BOOST_AUTO_TEST_CASE(refuses_naming_the_line_on_a_cut_off_report)
{
    auto const message = report_refusal(R"({"line":2,"loginId":"ada","outcome":"created"})"
                                        "\n"
                                        R"({"line":3,"loginId":"bob","outc)");
    BOOST_TEST(message.starts_with("report.jsonl line 2: cut off (no line end)"), message);
    // a whole object without its line end is cut off too: the writer always ends its lines
    BOOST_TEST(report_refusal(R"({"loginId":"ada","outcome":"created"})")
                   .starts_with("report.jsonl line 1: cut off"));
}

BOOST_AUTO_TEST_CASE(refuses_naming_the_line_on_bad_lines)
{
    std::string const good = R"({"loginId":"ada","outcome":"created"})"
                             "\n";
    auto const at_line_2 = [&](std::string const& line) { return report_refusal(good + line + "\n"); };
    BOOST_TEST(at_line_2("not json").starts_with("report.jsonl line 2: not a JSON object"));
    BOOST_TEST(at_line_2("").starts_with("report.jsonl line 2: not a JSON object"));
    BOOST_TEST(at_line_2(R"(["ada","created"])").starts_with("report.jsonl line 2: not a JSON object"));
    BOOST_TEST(at_line_2(R"({"outcome":"created"})").starts_with("report.jsonl line 2: no loginId"));
    BOOST_TEST(
        at_line_2(R"({"loginId":7,"outcome":"created"})").starts_with("report.jsonl line 2: no loginId"));
    BOOST_TEST(at_line_2(R"({"loginId":"bob"})").starts_with("report.jsonl line 2: no outcome"));
    BOOST_TEST(
        at_line_2(R"({"loginId":"bob","outcome":null})").starts_with("report.jsonl line 2: no outcome"));
    BOOST_TEST(at_line_2(R"({"loginId":"bob","outcome":"done"})")
                   .starts_with("report.jsonl line 2: unknown outcome 'done'"));
}

BOOST_AUTO_TEST_CASE(refuses_naming_the_file_on_an_unreadable_path)
{
    try {
        igtcloud::cli::read_done_logins("/nonexistent/report.jsonl");
        BOOST_FAIL("read a file that does not exist");
    } catch (usage_error const& e) {
        BOOST_TEST(e.message.starts_with("cannot read /nonexistent/report.jsonl: "), e.message);
    }
    try {
        igtcloud::cli::read_done_logins("/");
        BOOST_FAIL("read a directory");
    } catch (usage_error const& e) {
        BOOST_TEST(e.message == "cannot read /: it is a directory");
    }
}

BOOST_AUTO_TEST_CASE(tells_the_same_report_file_under_another_name)
{
    using igtcloud::cli::same_report_file;
    auto const dir = std::filesystem::temp_directory_path();
    auto const path = (dir / "igtcloud-resume-same.jsonl").string();
    std::ofstream(path) << "";
    BOOST_TEST(same_report_file(path, path));
    BOOST_TEST(same_report_file(path, (dir / "." / "igtcloud-resume-same.jsonl").string()));
    BOOST_TEST(!same_report_file(path, (dir / "igtcloud-resume-other.jsonl").string()));
    BOOST_TEST(!same_report_file(std::nullopt, path));
    BOOST_TEST(!same_report_file(path, std::nullopt));
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(parses_k_of_n_on_shard_values)
{
    auto const s = igtcloud::cli::parse_shard("2/3");
    BOOST_TEST(s.index == 2u);
    BOOST_TEST(s.count == 3u);
    BOOST_TEST(igtcloud::cli::parse_shard("0/1").count == 1u);
    BOOST_TEST(igtcloud::cli::parse_shard("17/18446744073709551615").index == 17u);
    for (auto const* bad : {"0/0", "3/3", "4/3", "1/", "/2", "1", "", "-1/2", "+1/2", "1/-2", " 1/2", "1/2 ",
                            "a/b", "1/2/3", "0x1/2", "1/18446744073709551616"})
        BOOST_TEST(shard_refusal(bad).starts_with("--shard: expected K/N with 0 <= K < N"), bad);
}

BOOST_AUTO_TEST_CASE(refuses_non_positive_and_non_finite_rates)
{
    BOOST_TEST(igtcloud::cli::checked_rate(0.5) == 0.5);
    BOOST_TEST(igtcloud::cli::checked_rate(1e9) == 1e9);
    for (double bad : {0.0, -1.0, -0.0, std::numeric_limits<double>::infinity(), std::nan("")}) {
        try {
            igtcloud::cli::checked_rate(bad);
            BOOST_FAIL("accepted " << bad);
        } catch (usage_error const& e) {
            BOOST_TEST(e.message.starts_with("--rate: expected a number of requests per second > 0"));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
