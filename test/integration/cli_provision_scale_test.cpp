// igtcloud-users provision at scale as a process (DESIGN.md §9): --rate against the igtcloud-mock-server
// process and its access log, --shard over three processes, --resume after a SIGINT, --resume into the same
// report, and the usage errors that send nothing.
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/process.hpp"

using namespace igtcloud::test::cli;

namespace {

using igtcloud::entities::fnv1a_64;

/// A CSV of `rows` users `<prefix><i>` (lines 2 .. rows + 1); the lines in `bad` lack their email.
fs::path write_users(fs::path const& csv, int rows, std::string const& prefix, std::set<int> const& bad = {})
{
    std::ofstream out(csv);
    out << "loginId,email\n";
    for (int i = 0; i < rows; ++i)
        out << prefix << i << ',' << (bad.count(i + 2) ? "" : prefix + std::to_string(i) + "@example.org")
            << '\n';
    return csv;
}

bool done(json::object const& line)
{
    auto const o = str(line, "outcome");
    return o == "created" || o == "existing";
}

/// The arrival times (seconds) of the POST /data/users lines of a mock access log, sorted.
std::vector<double> post_times(fs::path const& log)
{
    std::vector<double> times;
    for (auto const& line : report_lines(log))
        if (str(line, "method") == "POST" && str(line, "target") == "/data/users")
            times.push_back(line.at("time").to_number<double>());
    std::ranges::sort(times);
    return times;
}

/// The most requests any closed one-second window [t, t + 1] holds.
std::size_t busiest_second(std::vector<double> const& times)
{
    std::size_t most = 0;
    for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
        while (j < times.size() && times[j] <= times[i] + 1.0)
            ++j;
        most = std::max(most, j - i);
    }
    return most;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_provision_scale)

BOOST_AUTO_TEST_CASE(paces_the_requests_on_rate_100)
{
    temp_dir dir;
    auto const csv = write_users(dir / "users.csv", 200, "paced");
    auto const log = dir / "access.jsonl";
    igtcloud::test::process server(IGTCLOUD_MOCK_SERVER_BINARY, {"--access-log", log.string()});
    auto const url = "http://127.0.0.1:" + std::to_string(igtcloud::test::port_of(server.line())) + "/data";
    auto const start = std::chrono::steady_clock::now();
    auto r = run_cli({"--url", url, "--jwt", "mock-token", "provision", csv.string(), "--rate", "100"});
    std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(num(stdout_object(r), "created") == 200);
    // 1 token at the start, then 100 per second: the 200th request goes at 1.99 s at the earliest
    BOOST_TEST(elapsed.count() >= 1.9);
    BOOST_TEST(stdout_object(r).at("elapsedSeconds").to_number<double>() >= 1.9);
    auto const times = post_times(log);
    BOOST_TEST_REQUIRE(times.size() == 200u);
    auto const busiest = busiest_second(times);
    BOOST_TEST(busiest <= 111u); // 1.1 R + 1 (DESIGN.md §9): R = 100 and a burst of 10, plus one
    BOOST_TEST(busiest >= 90u);  // and the rate is used: no one-second window far below it
    BOOST_TEST(times.back() - times.front() >= 1.9);
    BOOST_TEST(times.back() - times.front() <= 4.0, "paced far below the rate");
    BOOST_TEST_MESSAGE("rate 100: 200 items in " << elapsed.count() << " s, busiest second " << busiest
                                                 << ", first to last POST " << times.back() - times.front()
                                                 << " s");
    BOOST_TEST(slurp(log).find("mock-token") == std::string::npos); // no secrets in the log
}

BOOST_AUTO_TEST_CASE(covers_the_file_exactly_once_on_three_shards)
{
    temp_dir dir;
    std::set<int> const bad{50, 300}; // rows the reader refuses: their loginId is unknown, hence ""
    auto const csv = write_users(dir / "users.csv", 900, "sharded", bad);
    mock::server srv{mock::options{.threads = 2}};
    std::vector<std::unique_ptr<cli_process>> runs;
    for (int k = 0; k < 3; ++k) // at the same time, as a job runner would start them
        runs.push_back(std::make_unique<cli_process>(
            against(srv, {"provision", csv.string(), "--shard", std::to_string(k) + "/3", "--report",
                          (dir / ("report" + std::to_string(k) + ".jsonl")).string()})));
    std::map<std::int64_t, int> shard_of_line;
    std::int64_t created = 0;
    for (int k = 0; k < 3; ++k) {
        auto r = runs[static_cast<std::size_t>(k)]->wait();
        auto const summary = stdout_object(r);
        auto const lines = report_lines(dir / ("report" + std::to_string(k) + ".jsonl"));
        BOOST_TEST(num(summary, "skipped") == 900 - static_cast<std::int64_t>(lines.size()));
        created += num(summary, "created");
        BOOST_TEST(lines.size() > 200u); // each shard has a fair share
        for (auto const& line : lines) {
            auto const n = num(line, "line");
            BOOST_TEST(shard_of_line.count(n) == 0u, "line " << n << " in two shards");
            shard_of_line[n] = k;
            // each item in the shard its hash says ("" for the rows without a known loginId)
            BOOST_TEST(fnv1a_64(str(line, "loginId")) % 3 == static_cast<std::uint64_t>(k), "line " << n);
            auto const expected = bad.count(static_cast<int>(n)) ? "failed" : "created";
            BOOST_TEST(str(line, "outcome") == expected, "line " << n);
        }
    }
    BOOST_TEST(shard_of_line.size() == 900u); // the union is the file
    BOOST_TEST(shard_of_line.begin()->first == 2);
    BOOST_TEST(shard_of_line.rbegin()->first == 901);
    BOOST_TEST(created == 898);
    BOOST_TEST(srv.user_count() == 1u + 898u);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == 898u); // nothing sent twice
}

BOOST_AUTO_TEST_CASE(ends_every_item_once_on_resume_after_sigint)
{
    temp_dir dir;
    constexpr int rows = 300;
    auto const csv = write_users(dir / "users.csv", rows, "resumed");
    mock::server srv{mock::options{.threads = 2, .latency = 100ms}};
    auto const first = dir / "first.jsonl", second = dir / "second.jsonl";
    cli_process p(
        against(srv, {"provision", csv.string(), "--concurrency", "4", "--report", first.string()}));
    auto const until = std::chrono::steady_clock::now() + 30s;
    while (std::ranges::count(slurp(first), '\n') < 12 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    p.signal(SIGINT);
    auto interrupted = p.wait(60s);
    BOOST_TEST(interrupted.code == 1, interrupted.err);
    std::set<std::int64_t> done_first;
    for (auto const& line : report_lines(first))
        if (done(line)) done_first.insert(num(line, "line"));
    BOOST_TEST_REQUIRE(done_first.size() >= 12u);
    BOOST_TEST_REQUIRE(done_first.size() < static_cast<std::size_t>(rows));

    auto resumed = run_cli(
        against(srv, {"provision", csv.string(), "--resume", first.string(), "--report", second.string()}));
    BOOST_TEST(resumed.code == 0, resumed.err);
    auto const summary = stdout_object(resumed);
    BOOST_TEST(num(summary, "skipped") == static_cast<std::int64_t>(done_first.size()));
    BOOST_TEST(num(summary, "created") == rows - static_cast<std::int64_t>(done_first.size()));
    BOOST_TEST(num(summary, "existing") == 0); // nothing done twice
    std::map<std::int64_t, int> done_count;
    for (auto const n : done_first)
        ++done_count[n];
    for (auto const& line : report_lines(second)) {
        BOOST_TEST(done(line));
        ++done_count[num(line, "line")];
    }
    BOOST_TEST(done_count.size() == static_cast<std::size_t>(rows)); // every item ends done ...
    for (auto const& [line, count] : done_count)
        BOOST_TEST(count == 1, "line " << line << " done " << count << " times"); // ... exactly once
    BOOST_TEST(srv.user_count() == 1u + rows);
}

BOOST_AUTO_TEST_CASE(appends_to_the_report_on_resume_from_the_same_file)
{
    temp_dir dir;
    auto const csv = write_users(dir / "users.csv", 200, "appended");
    auto const report = (dir / "report.jsonl").string();
    mock::server srv;
    auto half = run_cli(against(srv, {"provision", csv.string(), "--shard", "0/2", "--report", report}));
    BOOST_TEST(half.code == 0, half.err);
    auto const first_lines = report_lines(report).size();
    BOOST_TEST_REQUIRE(first_lines > 50u);
    auto rest = run_cli(against(srv, {"provision", csv.string(), "--resume", report, "--report", report}));
    BOOST_TEST(rest.code == 0, rest.err);
    BOOST_TEST(num(stdout_object(rest), "skipped") == static_cast<std::int64_t>(first_lines));
    BOOST_TEST(num(stdout_object(rest), "existing") == 0);
    std::map<std::int64_t, int> seen;
    for (auto const& line : report_lines(report)) {
        BOOST_TEST(str(line, "outcome") == "created");
        ++seen[num(line, "line")];
    }
    BOOST_TEST(seen.size() == 200u); // one report, every item once
    BOOST_TEST(std::ranges::all_of(seen, [](auto const& e) { return e.second == 1; }));
}

BOOST_AUTO_TEST_CASE(sends_nothing_on_bad_values)
{
    temp_dir dir;
    auto const csv = write_users(dir / "users.csv", 20, "refused").string();
    auto const write = [&](std::string const& name, std::string const& text) {
        return dir.write(name, text);
    };
    auto const cut =
        write("cut.jsonl", "{\"line\":2,\"loginId\":\"refused0\",\"outcome\":\"created\"}\n{\"line\":3,\"lo");
    auto const junk =
        write("junk.jsonl", "{\"line\":2,\"loginId\":\"refused0\",\"outcome\":\"created\"}\nhello\n");
    auto const no_outcome = write("no-outcome.jsonl", "{\"line\":2,\"loginId\":\"refused0\"}\n");
    mock::server srv;
    std::vector<std::pair<std::vector<std::string>, std::string>> const cases{
        {{"--rate", "0"}, "--rate"},
        {{"--rate", "-5"}, "--rate"},
        {{"--rate", "nan"}, "--rate"},
        {{"--rate", "inf"}, "--rate"},
        {{"--rate", "fast"}, "--rate"},
        {{"--shard", "0/0"}, "--shard"},
        {{"--shard", "3/3"}, "--shard"},
        {{"--shard", "4/3"}, "--shard"},
        {{"--shard", "1"}, "--shard"},
        {{"--shard", "-1/3"}, "--shard"},
        {{"--resume", (dir / "absent.jsonl").string()}, "cannot read " + (dir / "absent.jsonl").string()},
        {{"--resume", dir.path.string()}, "it is a directory"},
        {{"--resume", cut}, cut + " line 2: cut off"},
        {{"--resume", junk}, junk + " line 2: not a JSON object"},
        {{"--resume", no_outcome}, no_outcome + " line 1: no outcome"},
        {{"--resume", cut, "--report", cut}, cut + " line 2: cut off"},
    };
    auto const cut_before = slurp(cut);
    for (auto const& [flags, message] : cases) {
        std::vector<std::string> args{"provision", csv};
        args.insert(args.end(), flags.begin(), flags.end());
        auto r = run_cli(against(srv, args));
        check_error(r, 2, 0, flags.front() + " " + flags[1]);
        BOOST_TEST(str(error_line(r), "message").find(message) != std::string::npos, r.err);
    }
    BOOST_TEST(slurp(cut) == cut_before); // the report named by --resume and --report was not touched
    BOOST_TEST(srv.stats().connections_accepted == 0u); // nothing was sent
    BOOST_TEST(srv.user_count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
