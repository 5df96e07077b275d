// igtcloud-users sync at scale as a process (DESIGN.md §9) against the in-process mock over real sockets:
// --shard K/3 plans over three processes (pairwise disjoint, their union the unsharded plan, each loginId in
// the shard FNV-1a 64 says, deletes included: the current users are sharded too), --resume of an interrupted
// apply's report (no write for the done items, skipped = the done items, done users never deleted, the store
// equals the file), --rate pacing, and bad --shard/--rate/--resume: exit 2, nothing sent.
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
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

std::string seeded(int i)
{
    char text[40];
    std::snprintf(text, sizeof text, "user%05d@example.org", i);
    return text;
}

/// Seeded users 1..`kept` with familyName "Synced" (update), then `fresh` new users "fresh<i>" (create).
fs::path write_sync_file(fs::path const& csv, int kept, int fresh)
{
    std::ofstream out(csv);
    out << "loginId,email,familyName\n";
    for (int i = 1; i <= kept; ++i)
        out << seeded(i) << ',' << seeded(i) << ",Synced\n";
    for (int i = 0; i < fresh; ++i)
        out << "fresh" << i << ",fresh" << i << "@example.org,Fresh\n";
    return csv;
}

/// The plan's lines by loginId (each once) and its summary line (exactly the four counts).
std::pair<std::map<std::string, std::string>, json::object> plan_of(cli_result const& r)
{
    std::map<std::string, std::string> actions;
    auto lines = json_lines(r.out);
    BOOST_TEST_REQUIRE(!lines.empty(), r.err);
    auto const summary = lines.back();
    lines.pop_back();
    BOOST_TEST(summary.size() == 4u, json::serialize(summary)); // the contract: no "skipped" there
    for (auto const& o : lines)
        BOOST_TEST(actions.emplace(str(o, "loginId"), str(o, "action")).second, json::serialize(o));
    return {actions, summary};
}

bool is_done(std::string const& outcome)
{
    return outcome == "created" || outcome == "existing" || outcome == "updated" || outcome == "unchanged" ||
           outcome == "deleted";
}

/// Writes sent so far, by route.
std::uint64_t writes(mock::server const& srv)
{
    auto by_route = srv.stats().requests_by_route;
    return by_route["POST /users"] + by_route["PUT /users/{user_uuid}"] +
           by_route["DELETE /users/{user_uuid}"];
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_sync_scale)

BOOST_AUTO_TEST_CASE(plans_three_disjoint_shards_whose_union_is_the_unsharded_plan)
{
    temp_dir dir;
    auto const csv = write_sync_file(dir / "users.csv", 90, 60).string(); // users 91..120: deletes
    mock::server srv{mock::options{.threads = 2, .seed_users = 120}};
    auto const whole = run_cli(against(srv, {"sync", csv, "--plan", "--delete-absent", "--force"}));
    BOOST_TEST_REQUIRE(whole.code == 0, whole.err);
    auto const [all, all_summary] = plan_of(whole);
    BOOST_TEST(all.size() == 180u); // 90 update, 60 create, 30 delete (never the caller)
    BOOST_TEST(num(all_summary, "delete") == 30);

    std::vector<std::unique_ptr<cli_process>> runs;
    for (int k = 0; k < 3; ++k)
        runs.push_back(
            std::make_unique<cli_process>(against(srv, {"sync", csv, "--plan", "--delete-absent", "--force",
                                                        "--shard", std::to_string(k) + "/3"})));
    std::map<std::string, std::string> joined;
    std::map<std::string, std::int64_t> counts;
    for (int k = 0; k < 3; ++k) {
        auto const r = runs[static_cast<std::size_t>(k)]->wait();
        BOOST_TEST(r.code == 0, r.err);
        auto const [part, summary] = plan_of(r);
        BOOST_TEST(part.size() > 30u); // a fair share
        for (auto const& [key, value] : summary)
            counts[key] += value.as_int64();
        for (auto const& [login, action] : part) {
            BOOST_TEST(fnv1a_64(login) % 3 == static_cast<std::uint64_t>(k), login);
            BOOST_TEST(joined.emplace(login, action).second, login << " in two shards");
        }
        BOOST_TEST(r.err.find("skipped (--shard, --resume)") != std::string::npos, r.err);
    }
    BOOST_TEST((joined == all)); // the same loginIds, each with the same action
    for (auto const& [key, value] : all_summary)
        BOOST_TEST(counts[std::string(key)] == value.as_int64(), key);
    BOOST_TEST(writes(srv) == 0u);
}

BOOST_AUTO_TEST_CASE(resumes_an_interrupted_apply_without_writing_the_done_items_again)
{
    temp_dir dir;
    auto const csv = write_sync_file(dir / "users.csv", 100, 100).string(); // users 101..130: deletes
    mock::server srv{mock::options{.threads = 2, .seed_users = 130, .latency = 50ms}};
    auto const first = dir / "first.jsonl", second = dir / "second.jsonl";
    cli_process p(against(
        srv, {"sync", csv, "--delete-absent", "--force", "--concurrency", "4", "--report", first.string()}));
    auto const until = std::chrono::steady_clock::now() + 30s;
    while (std::ranges::count(slurp(first), '\n') < 12 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    p.signal(SIGINT);
    auto const interrupted = p.wait(60s);
    BOOST_TEST(interrupted.code == 1, interrupted.err);
    std::set<std::string> done_first;
    std::int64_t done_rows = 0; // done items of the file (not deletes): the resumed run's skipped ones
    for (auto const& line : report_lines(first))
        if (is_done(str(line, "outcome"))) {
            done_first.insert(str(line, "loginId"));
            done_rows += num(line, "line") != 0;
        }
    BOOST_TEST_REQUIRE(done_first.size() >= 12u);
    BOOST_TEST_REQUIRE(done_first.size() < 230u);
    auto const writes_before = writes(srv);

    auto const resumed = run_cli(against(srv, {"sync", csv, "--delete-absent", "--force", "--resume",
                                               first.string(), "--report", second.string()}));
    BOOST_TEST(resumed.code == 0, resumed.err);
    auto const summary = stdout_object(resumed);
    BOOST_TEST(num(summary, "skipped") == done_rows);
    BOOST_TEST(num(summary, "failed") == 0);
    BOOST_TEST(resumed.err.find("; " + std::to_string(done_rows) + " skipped") != std::string::npos,
               resumed.err);
    std::uint64_t sent = 0;
    std::set<std::string> ended = done_first;
    for (auto const& line : report_lines(second)) {
        auto const login = str(line, "loginId");
        BOOST_TEST(done_first.count(login) == 0u, login << " written again");
        BOOST_TEST(is_done(str(line, "outcome")), json::serialize(line));
        BOOST_TEST(ended.insert(login).second, login);
        sent += str(line, "outcome") != "unchanged";
    }
    BOOST_TEST(ended.size() == 230u); // every item of the file and every delete, done once
    BOOST_TEST(writes(srv) - writes_before == sent);

    // the store equals the file: the done users (updated, even unchanged) were not deleted as absent
    auto const listed = run_cli(against(srv, {"list", "--jsonl"}));
    BOOST_TEST_REQUIRE(listed.code == 0, listed.err);
    std::map<std::string, std::string> family;
    std::istringstream users(listed.out);
    for (std::string text; std::getline(users, text);) {
        auto const o = json::parse(text).as_object();
        family[str(o, "loginId")] = str(o.at("profile").as_object(), "familyName");
    }
    BOOST_TEST(family.size() == 201u); // 100 + 100 + the caller
    for (int i = 1; i <= 100; ++i)
        BOOST_TEST(family[seeded(i)] == "Synced", seeded(i));
    for (int i = 0; i < 100; ++i)
        BOOST_TEST(family["fresh" + std::to_string(i)] == "Fresh", i);
    BOOST_TEST(family.count("admin@example.org") == 1u);
}

BOOST_AUTO_TEST_CASE(paces_the_writes_on_rate_100)
{
    temp_dir dir;
    auto const csv = write_sync_file(dir / "users.csv", 0, 50).string();
    mock::server srv;
    auto const start = std::chrono::steady_clock::now();
    auto const r = run_cli(against(srv, {"sync", csv, "--rate", "100"}));
    std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(num(stdout_object(r), "created") == 50);
    BOOST_TEST(elapsed.count() >= 0.45); // one token at the start, then 100 per second: 49 / 100 s
}

BOOST_AUTO_TEST_CASE(sends_nothing_on_bad_scale_flags)
{
    temp_dir dir;
    auto const csv = write_sync_file(dir / "users.csv", 0, 5).string();
    auto const junk = dir.write("junk.jsonl", "hello\n");
    mock::server srv;
    std::vector<std::pair<std::vector<std::string>, std::string>> const cases{
        {{"--shard", "3/3"}, "--shard"},
        {{"--shard", "0/0"}, "--shard"},
        {{"--shard", "a/b"}, "--shard"},
        {{"--rate", "0"}, "--rate"},
        {{"--rate", "-1"}, "--rate"},
        {{"--rate", "nan"}, "--rate"},
        {{"--resume", (dir / "absent.jsonl").string()}, "cannot read"},
        {{"--resume", junk}, junk + " line 1: not a JSON object"},
    };
    for (bool plan : {false, true})
        for (auto const& [flags, message] : cases) {
            std::vector<std::string> args{"sync", csv};
            if (plan) args.emplace_back("--plan");
            args.insert(args.end(), flags.begin(), flags.end());
            auto const r = run_cli(against(srv, args));
            check_error(r, 2, 0, flags.front() + " " + flags[1]);
            BOOST_TEST(str(error_line(r), "message").find(message) != std::string::npos, r.err);
        }
    BOOST_TEST(srv.stats().connections_accepted == 0u); // nothing was sent
    BOOST_TEST(srv.user_count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
