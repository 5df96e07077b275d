// igtcloud-users as a process: every command against an in-process mock server (--url/--jwt) and with
// --mock, stdout JSON checked field by field, the stderr error line, exit codes 0/1/2/3, the environment's
// defaults and the TLS flags. (Batch provisioning: cli_provision_test.cpp.)
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/tls_certs.hpp"

using namespace igtcloud::test::cli;

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(prints_help_on_help)
{
    auto top = run_cli({"--help"});
    BOOST_TEST(top.code == 0);
    for (auto const* word :
         {"provision", "resend-activation", "--url", "--mock", "IGTCLOUD_JWT", "EXIT CODES"})
        BOOST_TEST(top.out.find(word) != std::string::npos, word);
    for (std::string cmd : {"me", "list", "get", "storage", "profile", "create", "update", "delete",
                            "resend-activation", "reset-mfa", "provision", "login", "logout", "whoami"}) {
        auto r = run_cli({cmd, "--help"});
        BOOST_TEST(r.code == 0, cmd);
        BOOST_TEST(r.out.find(cmd) != std::string::npos, cmd);
    }
    BOOST_TEST(run_cli({"provision", "--help"}).out.find("--concurrency") != std::string::npos);
    BOOST_TEST(run_cli({"create", "--help"}).out.find("--family-name") != std::string::npos);
    for (auto const* flag : {"--username", "--password-stdin", "--key-file"})
        BOOST_TEST(run_cli({"login", "--help"}).out.find(flag) != std::string::npos, flag);
    for (auto const* word : {"--domain", "--env", "--auth-url", "CLOUD_TOKEN_MMAP", "CLOUD_JWT_TOKEN"})
        BOOST_TEST(top.out.find(word) != std::string::npos, word);
    auto version = run_cli({"--version"});
    BOOST_TEST(version.code == 0);
    BOOST_TEST(version.out.find("igtcloud-users") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(exits_2_on_usage_errors)
{
    temp_dir dir;
    std::ofstream(dir / "bad-header.csv") << "login,mail\nada,ada@example.org\n";
    std::ofstream(dir / "ok.csv") << "loginId,email\nada,ada@example.org\n";
    std::string const url = "http://127.0.0.1:9/data";
    std::vector<std::vector<std::string>> const cases{
        {},
        {"--url", url, "frobnicate"},
        {"me"}, // no --url, no IGTCLOUD_URL
        {"--url", url, "--connections", "0", "me"},
        {"--url", url, "--retries", "-1", "me"},
        {"--url", url, "--timeout", "soon", "me"},
        {"--url", url, "--timeout", "0", "me"},
        {"--url", url, "--no-such-flag", "me"},
        {"--url", url, "get"},
        {"--url", url, "get", "a", "b"},
        {"--url", url, "create", "--login-id", "ada"},
        {"--url", url, "update", "some-uuid", "--email", "ada@example.org"},
        {"--url", url, "--mock", "me"},
        {"--url", "ftp://example.org/data", "me"},
        {"--url", url, "--ca-file", (dir / "missing.pem").string(), "me"},
        {"--mock", "--fields", "{loginId", "me"},
        {"--mock", "get", ""},
        {"--mock", "provision"},
        {"--mock", "provision", (dir / "missing.csv").string()},
        {"--mock", "provision", dir.path.string()},
        {"--mock", "provision", (dir / "bad-header.csv").string()},
        {"--mock", "provision", "--concurrency", "0", (dir / "ok.csv").string()},
        {"--mock", "provision", (dir / "ok.csv").string(), "--report", (dir / "no-dir" / "r.jsonl").string()},
    };
    for (auto const& args : cases) {
        std::string what;
        for (auto const& a : args)
            what += a + ' ';
        check_error(run_cli(args), 2, 0, what);
    }
}

BOOST_AUTO_TEST_CASE(manages_users_on_a_standalone_server)
{
    mock::server srv;
    auto me = run_cli(against(srv, {"me"}));
    BOOST_TEST_REQUIRE(me.code == 0, me.err);
    BOOST_TEST(me.err.empty());
    BOOST_TEST(str(stdout_object(me), "loginId") == "admin@example.org");

    auto made =
        run_cli(against(srv, {"create", "--login-id", "ada", "--email", "ada@example.org", "--name", "Ada",
                              "--family-name", "Lovelace, Countess", "--mobile", "+44 7700 900123"}));
    BOOST_TEST_REQUIRE(made.code == 0, made.err);
    auto const user = stdout_object(made);
    auto const uuid = str(user, "userUUID");
    BOOST_TEST(str(user, "loginId") == "ada");
    auto const& profile = user.at("profile").as_object();
    BOOST_TEST(str(profile, "givenName") == "Ada");
    BOOST_TEST(str(profile, "familyName") == "Lovelace, Countess");
    BOOST_TEST(str(profile.at("contact").as_object(), "emailAddress") == "ada@example.org");
    BOOST_TEST(str(profile.at("contact").as_object(), "mobilePhone") == "+44 7700 900123");
    BOOST_TEST_REQUIRE(srv.find_user_by_login("ada").has_value());
    BOOST_TEST(*srv.find_user_by_login("ada")->user_uuid == uuid);

    auto again = run_cli(against(srv, {"create", "--login-id", "ada", "--email", "ada@example.org"}));
    BOOST_TEST(again.code == 0); // 200: the existing user
    BOOST_TEST(str(stdout_object(again), "userUUID") == uuid);

    auto got = run_cli(against(srv, {"get", uuid}));
    BOOST_TEST_REQUIRE(got.code == 0, got.err);
    BOOST_TEST(str(stdout_object(got), "userUUID") == uuid);
    BOOST_TEST(str(stdout_object(got), "loginId") == "ada");

    auto list = run_cli(against(srv, {"list"}));
    BOOST_TEST_REQUIRE(list.code == 0, list.err);
    auto const all = json::parse(list.out).as_array();
    BOOST_TEST(all.size() == srv.user_count());
    BOOST_TEST(std::count_if(all.begin(), all.end(),
                             [&](auto const& u) { return str(u.as_object(), "userUUID") == uuid; }) == 1);

    auto updated = run_cli(against(
        srv, {"update", uuid, "--login-id", "ada", "--email", "ada@example.com", "--name", "Augusta"}));
    BOOST_TEST(updated.code == 0, updated.err);
    BOOST_TEST(updated.out.empty());
    BOOST_TEST(*srv.find_user(uuid)->profile->given_name == "Augusta");

    auto deleted = run_cli(against(srv, {"delete", uuid}));
    BOOST_TEST(deleted.code == 0, deleted.err);
    BOOST_TEST(deleted.out.empty());
    BOOST_TEST(!srv.find_user(uuid).has_value());
}

BOOST_AUTO_TEST_CASE(runs_account_commands_on_a_standalone_server)
{
    mock::server srv;
    auto const uuid = *srv.add_user({.email = "ada@example.org", .login_id = "ada"}).user_uuid;
    auto store = run_cli(against(srv, {"storage", "--region", "us-west-2"}));
    BOOST_TEST_REQUIRE(store.code == 0, store.err);
    auto const storage = stdout_object(store);
    BOOST_TEST(str(storage.at("config").as_object(), "region") == "us-west-2");
    BOOST_TEST(str(storage.at("credentials").as_object(), "accessKey") != "<absent>");
    BOOST_TEST(str(stdout_object(run_cli(against(srv, {"storage"}))).at("config").as_object(), "region") ==
               "eu-west-1");

    for (std::vector<std::string> silent : {std::vector<std::string>{"profile"}, {"reset-mfa", "ada"}}) {
        auto r = run_cli(against(srv, silent));
        BOOST_TEST(r.code == 0, silent.front() << ": " << r.err);
        BOOST_TEST(r.out.empty(), silent.front());
    }
    auto resent = run_cli(against(srv, {"resend-activation", "ada"}));
    BOOST_TEST_REQUIRE(resent.code == 0, resent.err);
    BOOST_TEST(stdout_object(resent).contains("resourceType"));

    auto masked = run_cli(against(srv, {"get", uuid, "--fields", "{loginId}"}));
    BOOST_TEST_REQUIRE(masked.code == 0, masked.err);
    BOOST_TEST(stdout_object(masked).size() == 1u);
    BOOST_TEST(str(stdout_object(masked), "loginId") == "ada");
}

BOOST_AUTO_TEST_CASE(exits_1_with_the_error_line_on_api_errors)
{
    mock::server srv;
    auto const uuid = *srv.add_user({.email = "bob@example.org", .login_id = "bob"}).user_uuid;
    check_error(run_cli(against(srv, {"get", "no-such-user"})), 1, 404, "get");
    check_error(
        run_cli(against(srv, {"update", "no-such-user", "--login-id", "x", "--email", "x@example.org"})), 1,
        404, "update");
    check_error(run_cli(against(srv, {"delete", "no-such-user"})), 1, 404, "delete");
    check_error(run_cli(against(srv, {"create", "--login-id", "x", "--email", "not-an-address"})), 1, 400,
                "create");
    check_error(run_cli(against(srv, {"storage", "--region", "mars-1"})), 1, 400, "storage");
    check_error(run_cli(against(srv, {"resend-activation", "nobody"})), 1, 400, "resend-activation");
    check_error(run_cli(against(srv, {"reset-mfa", "nobody"})), 1, 400, "reset-mfa");
    check_error(run_cli(against(srv, {"update", uuid, "--login-id", "bob", "--email", "no-at-sign"})), 1, 400,
                "update bad body");
    auto const not_found = error_line(run_cli(against(srv, {"get", "no-such-user"})));
    BOOST_TEST(str(not_found, "message") != "<absent>");

    // 401: the token never appears in the output
    std::string const token = "s3cr3t-t0ken-value";
    auto refused = run_cli({"--url", srv.base_url(), "--jwt", token, "me"});
    check_error(refused, 1, 401, "401");
    BOOST_TEST(refused.err.find(token) == std::string::npos);
    auto refused_env = run_cli({"--url", srv.base_url(), "me"}, {{"IGTCLOUD_CSRF", token}});
    check_error(refused_env, 1, 401, "401 env");
    BOOST_TEST(refused_env.err.find(token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(runs_every_command_on_mock)
{
    auto me = run_cli({"--mock", "me"});
    BOOST_TEST_REQUIRE(me.code == 0, me.err);
    BOOST_TEST(str(stdout_object(me), "loginId") == "admin@example.org");
    auto list = run_cli({"list", "--mock"}); // global options after the command too
    BOOST_TEST_REQUIRE(list.code == 0, list.err);
    BOOST_TEST(json::parse(list.out).as_array().size() == 1u);
    auto made = run_cli({"--mock", "create", "--login-id", "eve", "--email", "eve@example.org"});
    BOOST_TEST_REQUIRE(made.code == 0, made.err);
    BOOST_TEST(str(stdout_object(made), "loginId") == "eve");
    BOOST_TEST(str(stdout_object(made), "userUUID").size() == 36u);
    auto store = run_cli({"--mock", "storage"});
    BOOST_TEST_REQUIRE(store.code == 0, store.err);
    BOOST_TEST(str(stdout_object(store).at("config").as_object(), "region") == "eu-west-1");
    auto resent = run_cli({"--mock", "resend-activation", "admin@example.org"});
    BOOST_TEST(resent.code == 0, resent.err);
    BOOST_TEST(stdout_object(resent).contains("resourceType"));
    for (std::vector<std::string> silent :
         {std::vector<std::string>{"--mock", "profile"}, {"--mock", "reset-mfa", "admin@example.org"}}) {
        auto r = run_cli(silent);
        BOOST_TEST(r.code == 0, silent[1] << ": " << r.err);
        BOOST_TEST(r.out.empty());
    }
    // a fresh server per process: no such user
    check_error(run_cli({"--mock", "get", "0b6f2c1e-0000-4000-8000-000000000000"}), 1, 404, "get");
    check_error(run_cli({"--mock", "update", "0b6f2c1e-0000-4000-8000-000000000000", "--login-id", "x",
                         "--email", "x@example.org"}),
                1, 404, "update");
    check_error(run_cli({"--mock", "delete", "0b6f2c1e-0000-4000-8000-000000000000"}), 1, 404, "delete");
    check_error(run_cli({"--mock", "storage", "--region", "mars-1"}), 1, 400, "storage");
    check_error(run_cli({"--mock", "resend-activation", "nobody"}), 1, 400, "resend-activation");
    check_error(run_cli({"--mock", "reset-mfa", "nobody"}), 1, 400, "reset-mfa");
    check_error(run_cli({"--mock", "--jwt", "wrong", "me"}), 1, 401, "explicit --jwt with --mock");
}

BOOST_AUTO_TEST_CASE(exits_3_on_transport_errors_and_timeouts)
{
    auto refused = run_cli({"--url", "http://127.0.0.1:" + std::to_string(dead_port()) + "/data", "--jwt",
                            "t", "--retries", "0", "me"});
    check_error(refused, 3, 0, "connection refused");

    mock::server slow{mock::options{.latency = 3s}};
    auto const start = std::chrono::steady_clock::now();
    auto late = run_cli(against(slow, {"--timeout", "0.3", "me"}));
    check_error(late, 3, 0, "timeout");
    auto const elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(elapsed.count() < 2500); // the server would answer after 3 s
}

BOOST_AUTO_TEST_CASE(uses_environment_defaults_on_absent_flags)
{
    mock::server srv{mock::options{.tokens = {{"jwt-a", "a@example.org"}, {"csrf-b", "b@example.org"}}}};
    auto by_jwt = run_cli({"me"}, {{"IGTCLOUD_URL", srv.base_url()}, {"IGTCLOUD_JWT", "jwt-a"}});
    BOOST_TEST_REQUIRE(by_jwt.code == 0, by_jwt.err);
    BOOST_TEST(str(stdout_object(by_jwt), "loginId") == "a@example.org");
    auto by_csrf = run_cli({"me"}, {{"IGTCLOUD_URL", srv.base_url()}, {"IGTCLOUD_CSRF", "csrf-b"}});
    BOOST_TEST_REQUIRE(by_csrf.code == 0, by_csrf.err);
    BOOST_TEST(str(stdout_object(by_csrf), "loginId") == "b@example.org");
    // the command line wins over the environment
    auto flag_wins =
        run_cli({"--jwt", "csrf-b", "me"}, {{"IGTCLOUD_URL", srv.base_url()}, {"IGTCLOUD_JWT", "jwt-a"}});
    BOOST_TEST(str(stdout_object(flag_wins), "loginId") == "b@example.org");
    check_error(run_cli({"--url", "http://127.0.0.1:" + std::to_string(dead_port()) + "/data", "me"},
                        {{"IGTCLOUD_URL", srv.base_url()}, {"IGTCLOUD_JWT", "jwt-a"}}),
                3, 0, "--url wins");
    // --mock ignores the environment's service
    auto mocked =
        run_cli({"--mock", "me"}, {{"IGTCLOUD_URL", "http://127.0.0.1:9/data"}, {"IGTCLOUD_JWT", "x"}});
    BOOST_TEST(mocked.code == 0, mocked.err);
}

BOOST_AUTO_TEST_CASE(verifies_tls_and_warns_on_insecure)
{
    auto const& certs = igtcloud::test::test_certificates();
    mock::server srv{mock::options{.tls_cert_file = certs.server_cert.string(),
                                   .tls_key_file = certs.server_key.string()}};
    BOOST_TEST_REQUIRE(srv.base_url().starts_with("https://"));
    check_error(run_cli(against(srv, {"me"})), 3, 0, "untrusted CA");
    auto trusted = run_cli(against(srv, {"--ca-file", certs.ca_cert.string(), "me"}));
    BOOST_TEST(trusted.code == 0, trusted.err);
    BOOST_TEST(trusted.err.empty());
    auto insecure = run_cli(against(srv, {"--insecure", "me"}));
    BOOST_TEST(insecure.code == 0, insecure.err);
    BOOST_TEST(str(stdout_object(insecure), "loginId") == "admin@example.org");
    BOOST_TEST(insecure.err.find("warning") != std::string::npos);
    BOOST_TEST(insecure.err.find("--insecure") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
