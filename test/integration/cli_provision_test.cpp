// igtcloud-users provision as a process: exact counts and report lines over 10,000 rows with bad ones, a
// second run, CSV and JSON Lines from files and stdin, and SIGINT (a graceful stop, then an abort).
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"

using namespace igtcloud::test::cli;

namespace {

/// The report file's lines by input line; fails on a line reported twice.
std::map<std::int64_t, json::object> report_by_line(fs::path const& p)
{
    std::map<std::int64_t, json::object> lines;
    std::istringstream in(slurp(p));
    for (std::string text; std::getline(in, text);) {
        auto const o = json::parse(text).as_object();
        auto const line = num(o, "line");
        BOOST_TEST(lines.count(line) == 0u, "line " << line << " reported twice");
        lines[line] = o;
    }
    return lines;
}

/// 10,000 rows after the header (lines 2..10001); every 997th line lacks its email (the reader refuses it),
/// every 1009th has an email the server refuses (400), the others are created (names with commas, quoted).
void write_users_with_bad_rows(fs::path const& csv, std::map<std::size_t, std::string>& expected,
                               std::map<std::size_t, std::int64_t>& expected_status)
{
    std::ofstream out(csv);
    out << "loginId,email,name,familyName,mobile\n";
    for (std::size_t line = 2; line <= 10'001; ++line) {
        auto const login = "user" + std::to_string(line);
        if (line % 997 == 0) {
            out << login << ",,Bad,Row,\n";
            expected[line] = "failed";
            expected_status[line] = 0;
        } else if (line % 1009 == 0) {
            out << login << ",no-at-sign,Bad,Address,\n";
            expected[line] = "failed";
            expected_status[line] = 400;
        } else {
            out << login << ',' << login << "@example.org,\"Given, " << line << "\",Family,+31 6 " << line
                << '\n';
            expected[line] = "created";
            expected_status[line] = 201;
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_provision)

BOOST_AUTO_TEST_CASE(reports_every_item_on_10000_rows_with_bad_rows_run_twice)
{
    temp_dir dir;
    auto const csv = dir / "users.csv";
    std::map<std::size_t, std::string> expected; // line -> outcome of the first run
    std::map<std::size_t, std::int64_t> expected_status;
    write_users_with_bad_rows(csv, expected, expected_status);
    std::size_t const failed = static_cast<std::size_t>(
        std::count_if(expected.begin(), expected.end(), [](auto const& e) { return e.second == "failed"; }));
    BOOST_TEST_REQUIRE(failed == 10u + 9u);

    mock::server srv{mock::options{.threads = 2}};
    auto const report = dir / "report.jsonl";
    auto first = run_cli(against(srv, {"provision", csv.string(), "--report", report.string()}));
    BOOST_TEST(first.code == 1, first.err); // items failed
    auto const summary = stdout_object(first);
    BOOST_TEST(num(summary, "created") == 10'000 - static_cast<std::int64_t>(failed));
    BOOST_TEST(num(summary, "existing") == 0);
    BOOST_TEST(num(summary, "failed") == static_cast<std::int64_t>(failed));
    BOOST_TEST(num(summary, "notAttempted") == 0);
    BOOST_TEST(summary.at("elapsedSeconds").to_number<double>() > 0);
    BOOST_TEST(summary.at("itemsPerSecond").to_number<double>() > 0);
    BOOST_TEST(first.err.find("provision: 10000 items") != std::string::npos, first.err);
    BOOST_TEST(srv.user_count() == 1 + 10'000 - failed);

    auto lines = report_by_line(report);
    BOOST_TEST_REQUIRE(lines.size() == 10'000u);
    for (auto const& [line, outcome] : expected) {
        auto const& o = lines.at(static_cast<std::int64_t>(line));
        BOOST_TEST(str(o, "outcome") == outcome, "line " << line);
        BOOST_TEST(num(o, "status") == expected_status[line], "line " << line);
        // a row the reader refused has no user, hence no loginId
        auto const login = expected_status[line] == 0 ? std::string() : "user" + std::to_string(line);
        BOOST_TEST(str(o, "loginId") == login, "line " << line);
        if (outcome == "created")
            BOOST_TEST(*srv.find_user_by_login(str(o, "loginId"))->user_uuid == str(o, "userUUID"));
        else
            BOOST_TEST(str(o, "message") != "<absent>", "line " << line);
    }

    // the same file again: every good row exists already
    auto second = run_cli(against(srv, {"provision", csv.string(), "--report", report.string()}));
    BOOST_TEST(second.code == 1);
    auto const again = stdout_object(second);
    BOOST_TEST(num(again, "created") == 0);
    BOOST_TEST(num(again, "existing") == 10'000 - static_cast<std::int64_t>(failed));
    BOOST_TEST(num(again, "failed") == static_cast<std::int64_t>(failed));
    auto second_lines = report_by_line(report);
    BOOST_TEST(second_lines.size() == 10'000u);
    for (auto const& [line, o] : second_lines)
        BOOST_TEST(str(o, "outcome") ==
                   (expected[static_cast<std::size_t>(line)] == "created" ? "existing" : "failed"));
}

BOOST_AUTO_TEST_CASE(reads_csv_and_json_lines_on_files_and_stdin)
{
    temp_dir dir;
    std::string jsonl, csv = "\n\nloginId,email\n";
    for (int i = 1; i <= 50; ++i) {
        jsonl += R"({"loginId":"j)" + std::to_string(i) + R"(","email":"j)" + std::to_string(i) +
                 "@example.org\"}\n";
        csv += "c" + std::to_string(i) + ",c" + std::to_string(i) + "@example.org\n";
    }
    std::ofstream(dir / "users.ndjson") << jsonl;
    std::ofstream(dir / "users.txt") << "\n" + jsonl; // sniffed: JSON Lines
    std::ofstream(dir / "users.data") << csv;         // sniffed: CSV (after blank lines)
    mock::server srv;
    auto const report = dir / "report.jsonl";

    auto named = run_cli(against(srv, {"provision", (dir / "users.ndjson").string()}));
    BOOST_TEST(named.code == 0, named.err);
    BOOST_TEST(num(stdout_object(named), "created") == 50);
    auto sniffed =
        run_cli(against(srv, {"provision", (dir / "users.txt").string(), "--report", report.string()}));
    BOOST_TEST(sniffed.code == 0, sniffed.err);
    BOOST_TEST(num(stdout_object(sniffed), "existing") == 50);
    auto const lines = report_by_line(report);
    BOOST_TEST(lines.size() == 50u);
    BOOST_TEST(lines.begin()->first == 2); // line numbers of the file, blank first line included
    // stdin, sniffed
    auto piped =
        run_cli(against(srv, {"provision", "-", "--concurrency", "3"}), {}, (dir / "users.txt").string());
    BOOST_TEST(piped.code == 0, piped.err);
    BOOST_TEST(num(stdout_object(piped), "existing") == 50);
    auto csv_run =
        run_cli(against(srv, {"provision", (dir / "users.data").string(), "--report", report.string()}));
    BOOST_TEST(csv_run.code == 0, csv_run.err);
    BOOST_TEST(num(stdout_object(csv_run), "created") == 50);
    BOOST_TEST(report_by_line(report).begin()->first == 4);
    auto csv_piped = run_cli(against(srv, {"provision", "-"}), {}, (dir / "users.data").string());
    BOOST_TEST(csv_piped.code == 0, csv_piped.err);
    BOOST_TEST(num(stdout_object(csv_piped), "existing") == 50);
    // --mock: a fresh server, every user created; plain progress lines or none (not a terminal)
    auto mocked = run_cli({"--mock", "provision", (dir / "users.ndjson").string()});
    BOOST_TEST(mocked.code == 0, mocked.err);
    BOOST_TEST(num(stdout_object(mocked), "created") == 50);
    BOOST_TEST(mocked.err.find('\r') == std::string::npos);
    // an empty input is no error
    std::ofstream(dir / "empty.csv") << "";
    auto empty = run_cli({"--mock", "provision", (dir / "empty.csv").string()});
    BOOST_TEST(empty.code == 0, empty.err);
    BOOST_TEST(num(stdout_object(empty), "created") == 0);
}

BOOST_AUTO_TEST_CASE(stops_gracefully_on_sigint)
{
    temp_dir dir;
    constexpr int rows = 400;
    {
        std::ofstream out(dir / "users.csv");
        out << "loginId,email\n";
        for (int i = 0; i < rows; ++i)
            out << "slow" << i << ",slow" << i << "@example.org\n";
    }
    mock::server srv{mock::options{.threads = 2, .latency = 100ms}};
    auto const report = dir / "report.jsonl";
    cli_process p(against(
        srv, {"provision", (dir / "users.csv").string(), "--concurrency", "4", "--report", report.string()}));
    auto const until = std::chrono::steady_clock::now() + 30s;
    while (std::ranges::count(slurp(report), '\n') < 12 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    p.signal(SIGINT);
    auto r = p.wait(60s);
    BOOST_TEST(r.code == 1, r.err);
    BOOST_TEST(r.err.find("interrupted") != std::string::npos, r.err);
    auto const summary = stdout_object(r);
    auto const lines = report_by_line(report);
    BOOST_TEST(lines.size() == static_cast<std::size_t>(rows)); // every item exactly once
    BOOST_TEST(lines.begin()->first == 2);
    BOOST_TEST(lines.rbegin()->first == rows + 1);
    std::map<std::string, std::int64_t> by_outcome;
    for (auto const& [line, o] : lines)
        ++by_outcome[str(o, "outcome")];
    BOOST_TEST(by_outcome["created"] + by_outcome["not_attempted"] == rows);
    BOOST_TEST(by_outcome["created"] >= 12);
    BOOST_TEST(by_outcome["not_attempted"] > 0);
    BOOST_TEST(num(summary, "created") == by_outcome["created"]);
    BOOST_TEST(num(summary, "notAttempted") == by_outcome["not_attempted"]);
    BOOST_TEST(num(summary, "failed") == 0);
    BOOST_TEST(srv.user_count() == 1u + static_cast<std::size_t>(by_outcome["created"]));
}

BOOST_AUTO_TEST_CASE(aborts_the_requests_in_flight_on_a_second_sigint)
{
    temp_dir dir;
    {
        std::ofstream out(dir / "users.jsonl");
        for (int i = 0; i < 100; ++i)
            out << R"({"loginId":"stuck)" << i << R"(","email":"stuck)" << i << "@example.org\"}\n";
    }
    mock::server srv{mock::options{.latency = 5s}};
    auto const report = dir / "report.jsonl";
    auto const start = std::chrono::steady_clock::now();
    cli_process p(against(srv, {"provision", (dir / "users.jsonl").string(), "--concurrency", "4", "--report",
                                report.string()}));
    auto const until = start + 30s;
    while (srv.stats().connections_accepted < 4 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(10ms); // the run has started: its signal handler is in place
    p.signal(SIGINT);
    std::this_thread::sleep_for(100ms);
    p.signal(SIGINT);
    auto r = p.wait(60s);
    auto const elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(elapsed.count() < 4'000); // did not wait for the answers
    BOOST_TEST(r.code == 1, r.err);
    auto const summary = stdout_object(r);
    BOOST_TEST(num(summary, "failed") == 4);
    BOOST_TEST(num(summary, "notAttempted") == 96);
    auto const lines = report_by_line(report);
    BOOST_TEST(lines.size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
