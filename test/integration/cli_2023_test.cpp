// igtcloud-users' 2023 commands as processes (DESIGN.md §7): files, delete-files KEY...,
// delete-training-settings, the create/update flags of the 2023 body and the provisioning columns, against
// igtcloud-mock-server --api 2023 run as a process (and, where a test must put awkward files in place, the
// in-process mock).
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
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

/// igtcloud-mock-server --api 2023 as a process, where the token "t-grace" is the user grace with three
/// seeded files of 10 bytes; `url` is its Users API.
struct mock_2023_binary {
    igtcloud::test::process proc{IGTCLOUD_MOCK_SERVER_BINARY,
                                 {"--port", "0", "--api", "2023", "--token", "t-grace=grace",
                                  "--files-per-user", "3", "--file-bytes", "10"}};
    std::string url = "http://127.0.0.1:" + std::to_string(igtcloud::test::port_of(proc.line())) + "/data";

    std::vector<std::string> with(std::vector<std::string> args) const
    {
        std::vector<std::string> all{"--url", url, "--jwt", "t-grace"};
        all.insert(all.end(), args.begin(), args.end());
        return all;
    }
};

std::set<std::string> keys_in(cli_result const& r)
{
    std::set<std::string> keys;
    auto const doc = json::parse(r.out);
    for (auto const& f : doc.as_array())
        keys.insert(std::string(f.as_object().at("key").as_string()));
    return keys;
}

json::object created_user(cli_result const& r)
{
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    return stdout_object(r);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_2023)

BOOST_AUTO_TEST_CASE(lists_then_deletes_files_on_files_and_delete_files)
{
    mock_2023_binary srv;
    auto const listed = run_cli(srv.with({"files"}));
    BOOST_TEST_REQUIRE(listed.code == 0, listed.err);
    auto const files = json::parse(listed.out).as_array();
    BOOST_TEST_REQUIRE(files.size() == 3u);
    for (auto const& f : files) {
        auto const& o = f.as_object();
        BOOST_TEST(str(o, "key").starts_with("seed/file-"));
        BOOST_TEST(num(o, "fileSize") == 10);
    }
    auto const keys = keys_in(listed);
    std::vector<std::string> const all(keys.begin(), keys.end());

    auto const deleted = run_cli(srv.with({"delete-files", all[0], all[2]}));
    BOOST_TEST(deleted.code == 0, deleted.err);
    BOOST_TEST(deleted.out.empty()); // 204: prints nothing
    auto const left = run_cli(srv.with({"files"}));
    BOOST_TEST_REQUIRE(left.code == 0, left.err);
    BOOST_TEST((keys_in(left) == std::set<std::string>{all[1]}));
}

BOOST_AUTO_TEST_CASE(deletes_exactly_awkward_keys_on_delete_files)
{
    mock::server srv;
    std::vector<std::string> const awkward{"my file.txt", "a&keys=b", "dir/sub/x.bin", "1+1=2",
                                           "caf\xC3\xA9"};
    for (auto const& key : awkward)
        srv.add_file("admin@example.org", key, key);
    srv.add_file("admin@example.org", "a", "kept");
    std::vector<std::string> args{"delete-files"};
    args.insert(args.end(), awkward.begin(), awkward.end());
    auto const r = run_cli(against(srv, args));
    BOOST_TEST(r.code == 0, r.err);
    auto const left = srv.files_of("admin@example.org");
    BOOST_TEST_REQUIRE(left.size() == 1u);
    BOOST_TEST(left.front().key == "a");
}

BOOST_AUTO_TEST_CASE(exits_2_without_request_on_delete_files_without_key)
{
    mock::server srv;
    auto const none = run_cli(against(srv, {"delete-files"}));
    BOOST_TEST(none.code == 2, none.err);
    BOOST_TEST(error_line(none).at("message").as_string().find("KEY") != json::string::npos, none.err);
    auto const empty = run_cli(against(srv, {"delete-files", ""}));
    BOOST_TEST(empty.code == 2, empty.err); // an empty key: error::invalid_argument, nothing sent
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(resets_settings_on_delete_training_settings)
{
    mock_2023_binary srv;
    auto const me = created_user(run_cli(srv.with({"me"})));
    auto const uuid = str(me, "userUUID");
    auto const put = run_cli(srv.with({"update", uuid, "--login-id", "grace", "--email", "grace@example.org",
                                       "--given-name", "Grace", "--family-name", "Hopper", "--ist-level",
                                       "expert", "--training-start", "2024-01-31T09:00:00Z"}));
    BOOST_TEST_REQUIRE(put.code == 0, put.err);
    auto const before = created_user(run_cli(srv.with({"get", uuid})));
    BOOST_TEST(str(before.at("settings").as_object(), "istLevel") == "expert");
    BOOST_TEST(str(before.at("profile").as_object(), "givenName") == "Grace");

    auto const reset = run_cli(srv.with({"delete-training-settings"}));
    BOOST_TEST(reset.code == 0, reset.err);
    BOOST_TEST(reset.out.empty());
    auto const after = created_user(run_cli(srv.with({"get", uuid})));
    auto const* settings = after.if_contains("settings");
    BOOST_TEST((settings == nullptr || str(settings->as_object(), "istLevel") == "<absent>"));
    BOOST_TEST((settings == nullptr || str(settings->as_object(), "trainingStartDate") == "<absent>"));
}

BOOST_AUTO_TEST_CASE(fails_with_401_on_2023_commands_with_unknown_token)
{
    mock_2023_binary srv;
    for (std::vector<std::string> cmd :
         {std::vector<std::string>{"files"}, {"delete-files", "k"}, {"delete-training-settings"}}) {
        std::vector<std::string> args{"--url", srv.url, "--jwt", "nobody"};
        args.insert(args.end(), cmd.begin(), cmd.end());
        auto const r = run_cli(args);
        BOOST_TEST(r.code == 1, cmd.front() << ": " << r.err);
        BOOST_TEST(status_of(r) == 401, cmd.front());
    }
}

BOOST_AUTO_TEST_CASE(refuses_create_without_given_name_on_api_2023)
{
    mock_2023_binary srv;
    auto const r = run_cli(srv.with({"create", "--login-id", "ada", "--email", "ada@example.org", "--name",
                                     "Ada", "--family-name", "Lovelace"}));
    check_error(r, 1, 400, "create without --given-name");
    BOOST_TEST(str(error_line(r), "message") ==
                   "Input payload validation failed: 'givenName' is a required property",
               r.err);
}

BOOST_AUTO_TEST_CASE(creates_with_2023_members_on_create_with_given_name)
{
    mock_2023_binary srv;
    auto const user = created_user(run_cli(srv.with(
        {"create", "--login-id", "ada", "--email", "ada@example.org", "--given-name", "Ada", "--family-name",
         "Lovelace", "--ist-level", "novice", "--preferred-language", "nl", "--training-start",
         "2024-01-31T09:00:00+01:00", "--training-end", "2024-06-30T17:00:00Z"})));
    BOOST_TEST(str(user, "loginId") == "ada");
    auto const& profile = user.at("profile").as_object();
    BOOST_TEST(str(profile, "givenName") == "Ada");
    BOOST_TEST(str(profile, "familyName") == "Lovelace");
    auto const& settings = user.at("settings").as_object();
    BOOST_TEST(str(settings, "istLevel") == "novice");
    BOOST_TEST(str(settings, "preferredLanguage") == "nl");
    BOOST_TEST(str(settings, "trainingStartDate") == "2024-01-31");
    BOOST_TEST(str(settings, "trainingEndDate") == "2024-06-30");
}

BOOST_AUTO_TEST_CASE(exits_2_naming_flag_on_bad_training_date)
{
    mock::server srv;
    for (auto const* flag : {"--training-start", "--training-end"}) {
        auto const r = run_cli(against(srv, {"create", "--login-id", "ada", "--email", "ada@example.org",
                                             "--given-name", "Ada", flag, "2024-01-31"}));
        BOOST_TEST(r.code == 2, r.err);
        BOOST_TEST(r.err.find(flag) != std::string::npos, r.err);
    }
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(provisions_2023_columns_on_csv_and_json_lines)
{
    mock_2023_binary srv;
    temp_dir dir;
    std::ofstream(dir / "users.csv")
        << "loginId,email,givenName,familyName,istLevel,preferredLanguage,"
           "trainingStartDate,trainingEndDate\n"
           "ada,ada@example.org,Ada,Lovelace,expert,en,2024-01-31T09:00:00Z,"
           "2024-06-30T00:00:00Z\n"
           "alan,alan@example.org,,Turing,,,,\n"           // no givenName: 400
           "bad,bad@example.org,Bad,Date,,,31/01/2024,\n"; // refused by the reader
    std::ofstream(dir / "users.jsonl")
        << R"({"loginId":"hedy","email":"hedy@example.org","givenName":"Hedy","familyName":"Lamarr",)"
           R"("preferredLanguage":"fr","trainingEndDate":"2025-01-01T00:00:00Z"})"
        << '\n';
    auto const report = dir / "report.jsonl";
    auto const csv =
        run_cli(srv.with({"provision", (dir / "users.csv").string(), "--report", report.string()}));
    BOOST_TEST(csv.code == 1, csv.err); // two items failed
    auto const summary = stdout_object(csv);
    BOOST_TEST(num(summary, "created") == 1);
    BOOST_TEST(num(summary, "failed") == 2);
    auto const all = report_lines(report);
    BOOST_TEST_REQUIRE(all.size() == 3u);
    for (auto const& o : all) {
        if (num(o, "line") == 3) {
            BOOST_TEST(num(o, "status") == 400);
            BOOST_TEST(str(o, "message").find("givenName") != std::string::npos, str(o, "message"));
        }
        if (num(o, "line") == 4)
            BOOST_TEST(str(o, "message").find("trainingStartDate") != std::string::npos, str(o, "message"));
    }

    auto const jsonl = run_cli(srv.with({"provision", (dir / "users.jsonl").string()}));
    BOOST_TEST(jsonl.code == 0, jsonl.err);
    BOOST_TEST(num(stdout_object(jsonl), "created") == 1);

    auto const listed = run_cli(srv.with({"list"}));
    BOOST_TEST_REQUIRE(listed.code == 0, listed.err);
    std::map<std::string, json::object> users;
    auto const list = json::parse(listed.out);
    for (auto const& u : list.as_array())
        users[str(u.as_object(), "loginId")] = u.as_object();
    BOOST_TEST_REQUIRE(users.count("ada") == 1u);
    BOOST_TEST(str(users["ada"].at("settings").as_object(), "istLevel") == "expert");
    BOOST_TEST(str(users["ada"].at("settings").as_object(), "trainingEndDate") == "2024-06-30");
    BOOST_TEST(users.count("alan") == 0u);
    BOOST_TEST(users.count("bad") == 0u);
    BOOST_TEST_REQUIRE(users.count("hedy") == 1u);
    BOOST_TEST(str(users["hedy"].at("settings").as_object(), "preferredLanguage") == "fr");
    BOOST_TEST(str(users["hedy"].at("settings").as_object(), "trainingEndDate") == "2025-01-01");
}

BOOST_AUTO_TEST_CASE(prints_help_on_2023_commands_and_flags)
{
    for (std::string cmd : {"files", "delete-files", "delete-training-settings"}) {
        auto const r = run_cli({cmd, "--help"});
        BOOST_TEST(r.code == 0, cmd);
        BOOST_TEST(r.out.find(cmd) != std::string::npos, cmd);
    }
    auto const create = run_cli({"create", "--help"});
    for (auto const* flag :
         {"--given-name", "--ist-level", "--preferred-language", "--training-start", "--training-end"})
        BOOST_TEST(create.out.find(flag) != std::string::npos, flag);
}

BOOST_AUTO_TEST_SUITE_END()
