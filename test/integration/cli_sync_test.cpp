// igtcloud-users sync as a process (issue 17) against igtcloud-mock-server --seed-users as a process, and
// against the in-process mock where a test counts the requests. --plan: the plan's exact lines and counts, no
// write sent (the store listed before and after is the same; only GET routes were asked), the deletes (never
// the caller; --max-delete; --force), bad and duplicate rows, usage errors with nothing sent. Apply: exact
// outcomes in the summary and the report, the store afterwards equals the file, a second apply is all
// unchanged, refused deletes send nothing.
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/process.hpp"

using namespace igtcloud::test::cli;

namespace {

/// igtcloud-mock-server --seed-users 200 as a process: the admin (token mock-token, the caller) and
/// user00001@example.org ... user00200@example.org.
struct seeded_mock {
    explicit seeded_mock(std::string api = "seed") : api_(std::move(api)) {}
    std::string api_;
    igtcloud::test::process proc{IGTCLOUD_MOCK_SERVER_BINARY,
                                 {"--port", "0", "--seed-users", "200", "--api", api_}};
    std::string url = "http://127.0.0.1:" + std::to_string(igtcloud::test::port_of(proc.line())) + "/data";

    std::vector<std::string> with(std::vector<std::string> args) const
    {
        std::vector<std::string> all{"--url", url, "--jwt", "mock-token"};
        all.insert(all.end(), args.begin(), args.end());
        return all;
    }
};

std::string login(int i)
{
    char text[40];
    std::snprintf(text, sizeof text, "user%05d@example.org", i);
    return text;
}

/// The seeded users' given names (src/mock/seed.cpp).
std::string seeded_given_name(int i)
{
    static char const* const names[] = {"Ada",     "Grace",  "Alan",    "Edsger",
                                        "Barbara", "Donald", "Frances", "Niklaus"};
    return names[i % 8];
}

/// Users 1..100 as they are (emails in upper case, familyName left empty): unchanged; 101..120 with istLevel
/// 3: update; 121..130 with a new familyName and email: update; 15 new users: create; 131..200 and the admin
/// are absent. With `bad_rows`: user00001 again (duplicate, line 147) and a row without email (line 148).
void write_plan_file(fs::path const& csv, bool bad_rows)
{
    std::ofstream out(csv);
    out << "loginId,email,givenName,familyName,istLevel\n";
    for (int i = 1; i <= 130; ++i) {
        auto email = login(i);
        std::string family, level = i <= 100 ? "2" : i <= 120 ? "3" : "";
        if (i <= 100)
            for (auto& c : email)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (i > 120) {
            email = "moved" + std::to_string(i) + "@example.org";
            family = "Changed";
        }
        out << login(i) << ',' << email << ',' << seeded_given_name(i) << ',' << family << ',' << level
            << '\n';
    }
    for (int k = 1; k <= 15; ++k)
        out << "new" << k << ",new" << k << "@example.org,New,User,1\n";
    if (bad_rows)
        out << login(1) << ',' << login(1) << ",Ada,,\n"
            << "nobody,,,,\n";
}

struct plan_output {
    std::map<std::string, json::object> by_login; ///< plan lines
    std::map<std::string, std::size_t> actions;   ///< plan lines per action
    json::object summary;
};

plan_output parse_plan(cli_result const& r)
{
    plan_output p;
    auto lines = json_lines(r.out);
    BOOST_TEST_REQUIRE(!lines.empty(), r.err);
    p.summary = lines.back();
    lines.pop_back();
    for (auto const& o : lines) {
        BOOST_TEST_REQUIRE(o.size() == 3u, json::serialize(o));
        BOOST_TEST(o.at("changes").is_array());
        auto const id = str(o, "loginId");
        BOOST_TEST(p.by_login.count(id) == 0u, id << " planned twice");
        p.by_login[id] = o;
        ++p.actions[str(o, "action")];
    }
    return p;
}

std::vector<std::string> changes_of(json::object const& o)
{
    std::vector<std::string> out;
    for (auto const& c : o.at("changes").as_array())
        out.emplace_back(c.as_string());
    return out;
}

void check_summary(json::object const& s, std::int64_t create, std::int64_t update, std::int64_t unchanged,
                   std::int64_t del)
{
    BOOST_TEST(s.size() == 4u, json::serialize(s));
    BOOST_TEST(num(s, "create") == create);
    BOOST_TEST(num(s, "update") == update);
    BOOST_TEST(num(s, "unchanged") == unchanged);
    BOOST_TEST(num(s, "delete") == del);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_sync)

BOOST_AUTO_TEST_CASE(plans_exact_counts_and_changes_nothing_on_plan_against_the_mock_process)
{
    temp_dir dir;
    auto const csv = dir / "users.csv";
    write_plan_file(csv, true);
    seeded_mock srv;
    auto const before = run_cli(srv.with({"list", "--jsonl"}));
    BOOST_TEST_REQUIRE(before.code == 0, before.err);

    auto const r = run_cli(srv.with({"sync", csv.string(), "--plan"}));
    BOOST_TEST(r.code == 1, r.err); // two rows failed
    auto const plan = parse_plan(r);
    check_summary(plan.summary, 15, 30, 100, 0);
    BOOST_TEST(plan.by_login.size() == 145u);
    BOOST_TEST((plan.actions ==
                std::map<std::string, std::size_t>{{"create", 15}, {"update", 30}, {"unchanged", 100}}));
    for (int i = 1; i <= 130; ++i) {
        auto const& o = plan.by_login.at(login(i));
        auto const changes = changes_of(o);
        if (i <= 100) {
            BOOST_TEST(str(o, "action") == "unchanged", login(i));
            BOOST_TEST(changes.empty());
        } else if (i <= 120) {
            BOOST_TEST(str(o, "action") == "update", login(i));
            BOOST_TEST(changes == std::vector<std::string>{"settings.istLevel"},
                       boost::test_tools::per_element());
        } else {
            BOOST_TEST(str(o, "action") == "update", login(i));
            BOOST_TEST(changes ==
                           (std::vector<std::string>{"profile.familyName", "profile.contact.emailAddress"}),
                       boost::test_tools::per_element());
        }
    }
    BOOST_TEST(str(plan.by_login.at("new7"), "action") == "create");
    BOOST_TEST(r.err.find("sync: line 147 (" + login(1) + "): duplicate loginId, first at line 2") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("sync: line 148: missing email") != std::string::npos, r.err);

    auto const after = run_cli(srv.with({"list", "--jsonl"}));
    BOOST_TEST(after.code == 0);
    BOOST_TEST(after.out == before.out); // nothing changed
}

BOOST_AUTO_TEST_CASE(plans_deletes_but_never_the_caller_and_refuses_over_max_delete)
{
    temp_dir dir;
    auto const csv = dir / "users.csv";
    write_plan_file(csv, false);
    seeded_mock srv;

    // 70 absent users (131..200) and the admin; 10 % of 201 is 20
    auto const refused = run_cli(srv.with({"sync", csv.string(), "--plan", "--delete-absent"}));
    BOOST_TEST(refused.code == 1, refused.err);
    auto const plan = parse_plan(refused);
    check_summary(plan.summary, 15, 30, 100, 70);
    for (int i = 131; i <= 200; ++i)
        BOOST_TEST(str(plan.by_login.at(login(i)), "action") == "delete", login(i));
    BOOST_TEST(plan.by_login.count("admin@example.org") == 0u); // the caller: never deleted
    BOOST_TEST(refused.err.find("70 deletes exceed --max-delete 20") != std::string::npos, refused.err);
    BOOST_TEST(refused.err.find("the calling user is not in the file: it is kept") != std::string::npos);

    auto const forced = run_cli(srv.with({"sync", csv.string(), "--plan", "--delete-absent", "--force"}));
    BOOST_TEST(forced.code == 0, forced.err);
    check_summary(parse_plan(forced).summary, 15, 30, 100, 70);
    BOOST_TEST(forced.out == refused.out); // the same plan, only the verdict differs

    auto const at_limit =
        run_cli(srv.with({"sync", csv.string(), "--plan", "--delete-absent", "--max-delete", "70"}));
    BOOST_TEST(at_limit.code == 0, at_limit.err);
    auto const below =
        run_cli(srv.with({"sync", csv.string(), "--plan", "--delete-absent", "--max-delete", "69"}));
    BOOST_TEST(below.code == 1, below.err);
    BOOST_TEST(below.err.find("70 deletes exceed --max-delete 69") != std::string::npos, below.err);

    auto const without = run_cli(srv.with({"sync", csv.string(), "--plan"}));
    BOOST_TEST(without.code == 0, without.err);
    check_summary(parse_plan(without).summary, 15, 30, 100, 0);
}

BOOST_AUTO_TEST_CASE(sends_only_the_two_reads_on_plan)
{
    mock::server srv{mock::options{.seed_users = 30}};
    temp_dir dir;
    std::ofstream(dir / "users.jsonl") << R"({"loginId":"user00001@example.org","email":"x@example.org"})"
                                          "\n"
                                       << R"({"loginId":"fresh","email":"fresh@example.org"})"
                                          "\n";
    auto const before = srv.stats().requests_by_route;
    auto const r = run_cli(against(srv, {"sync", "-", "--plan", "--delete-absent", "--force"}), {},
                           (dir / "users.jsonl").string());
    BOOST_TEST(r.code == 0, r.err);
    check_summary(parse_plan(r).summary, 1, 1, 0, 29);
    auto after = srv.stats().requests_by_route;
    for (auto const& [route, n] : before)
        after[route] -= n;
    std::erase_if(after, [](auto const& e) { return e.second == 0; });
    BOOST_TEST((after == std::map<std::string, std::uint64_t>{{"GET /users", 1}, {"GET /users/me", 1}}));
    BOOST_TEST(srv.user_count() == 31u);
}

BOOST_AUTO_TEST_CASE(refuses_bad_usage_with_nothing_sent)
{
    mock::server srv;
    temp_dir dir;
    auto const csv = dir.write("users.csv", "loginId,email\na,a@x\n");
    auto const before = srv.stats().requests_served;
    for (auto const& args : std::vector<std::vector<std::string>>{
             {"sync", csv, "--plan", "--report", "r.jsonl"},                // nothing to report
             {"sync", csv, "--plan", "--max-delete", "3"},                  // needs --delete-absent
             {"sync", csv, "--plan", "--force"},                            // needs --delete-absent
             {"sync", (dir / "missing.csv").string(), "--plan"},            // unreadable
             {"sync", dir.write("bad.csv", "loginId,name\n"), "--plan"}}) { // header without email
        auto const r = run_cli(against(srv, args));
        check_error(r, 2, 0, args.back());
    }
    BOOST_TEST(srv.stats().requests_served == before);
}

BOOST_AUTO_TEST_CASE(applies_the_plan_then_the_store_equals_the_file_and_a_second_apply_is_all_unchanged)
{
    temp_dir dir;
    auto const csv = dir / "users.csv";
    write_plan_file(csv, false);
    seeded_mock srv{"2023"}; // the 2023 body: istLevel is a member PUT sets
    auto const report = dir / "report.jsonl";
    auto const first =
        run_cli(srv.with({"sync", csv.string(), "--delete-absent", "--force", "--report", report.string()}));
    BOOST_TEST_REQUIRE(first.code == 0, first.err);
    auto const sum = stdout_object(first);
    BOOST_TEST(num(sum, "created") == 15);
    BOOST_TEST(num(sum, "existing") == 0);
    BOOST_TEST(num(sum, "updated") == 30);
    BOOST_TEST(num(sum, "unchanged") == 100);
    BOOST_TEST(num(sum, "deleted") == 70);
    BOOST_TEST(num(sum, "failed") == 0);
    BOOST_TEST(num(sum, "notAttempted") == 0);

    std::map<std::string, std::string> outcomes; // loginId -> outcome, each reported once
    std::istringstream lines(slurp(report));
    for (std::string text; std::getline(lines, text);) {
        auto const o = json::parse(text).as_object();
        BOOST_TEST(outcomes.emplace(str(o, "loginId"), str(o, "outcome")).second, text);
        BOOST_TEST(str(o, "userUUID") != "<absent>", text);
    }
    BOOST_TEST(outcomes.size() == 215u);
    for (int i = 1; i <= 200; ++i)
        BOOST_TEST(outcomes.at(login(i)) == (i <= 100   ? "unchanged"
                                             : i <= 130 ? "updated"
                                                        : "deleted"),
                   login(i));
    BOOST_TEST(outcomes.at("new3") == "created");

    // the store equals the file (and still has its caller)
    auto const listed = run_cli(srv.with({"list", "--jsonl"}));
    BOOST_TEST_REQUIRE(listed.code == 0, listed.err);
    std::map<std::string, json::object> store;
    std::istringstream users(listed.out);
    for (std::string text; std::getline(users, text);) {
        auto const o = json::parse(text).as_object();
        store[str(o, "loginId")] = o;
    }
    BOOST_TEST(store.size() == 146u); // 130 + 15 + the admin
    BOOST_TEST(store.count("admin@example.org") == 1u);
    for (int i = 101; i <= 130; ++i) {
        auto const& u = store.at(login(i));
        auto const& profile = u.at("profile").as_object();
        auto const level = str(u.at("settings").as_object(), "istLevel");
        BOOST_TEST(level == (i <= 120 ? "3" : "2"), login(i));
        if (i > 120) {
            BOOST_TEST(str(profile, "familyName") == "Changed");
            BOOST_TEST(str(profile.at("contact").as_object(), "emailAddress") ==
                       "moved" + std::to_string(i) + "@example.org");
        }
        BOOST_TEST(str(profile, "givenName") == seeded_given_name(i)); // left as it was
        BOOST_TEST(str(profile, "preferredLanguage") == "en-US");      // not in the file: left as is
    }
    BOOST_TEST(str(store.at("new1").at("profile").as_object(), "familyName") == "User");

    auto const second = run_cli(srv.with({"sync", csv.string(), "--delete-absent", "--force"}));
    BOOST_TEST(second.code == 0, second.err);
    auto const again = stdout_object(second);
    BOOST_TEST(num(again, "unchanged") == 145);
    for (auto const* key : {"created", "existing", "updated", "deleted", "failed", "notAttempted"})
        BOOST_TEST(num(again, key) == 0, key);
    auto const plan = run_cli(srv.with({"sync", csv.string(), "--plan", "--delete-absent"}));
    BOOST_TEST(plan.code == 0, plan.err);
    check_summary(parse_plan(plan).summary, 0, 0, 145, 0);
}

BOOST_AUTO_TEST_CASE(refuses_deletes_over_max_delete_with_nothing_sent_and_never_deletes_the_caller)
{
    temp_dir dir;
    auto const csv = dir / "users.csv";
    write_plan_file(csv, false);
    seeded_mock srv{"2023"};
    auto const before = run_cli(srv.with({"list", "--jsonl"}));
    auto const refused = run_cli(srv.with({"sync", csv.string(), "--delete-absent"}));
    check_error(refused, 2, 0, "refused");
    BOOST_TEST(error_line(refused).at("message").as_string().find("70 deletes exceed max_delete 20") !=
                   std::string::npos,
               refused.err);
    auto const below = run_cli(srv.with({"sync", csv.string(), "--delete-absent", "--max-delete", "69"}));
    check_error(below, 2, 0, "below");
    BOOST_TEST(run_cli(srv.with({"list", "--jsonl"})).out == before.out); // nothing sent

    auto const allowed = run_cli(srv.with({"sync", csv.string(), "--delete-absent", "--max-delete", "70"}));
    BOOST_TEST(allowed.code == 0, allowed.err);
    BOOST_TEST(num(stdout_object(allowed), "deleted") == 70);
    BOOST_TEST(allowed.err.find("the calling user is not in the file: it is kept") != std::string::npos);
    auto const me = run_cli(srv.with({"me"}));
    BOOST_TEST(me.code == 0, me.err); // the caller is still there
    BOOST_TEST(str(stdout_object(me), "loginId") == "admin@example.org");
}

BOOST_AUTO_TEST_SUITE_END()
