// igtcloud-users as a process: every command against an in-process mock server (--url/--jwt) and with
// --mock, stdout JSON checked field by field, the stderr error line, exit codes 0/1/2/3, the environment's
// defaults, TLS flags, and batch provisioning (exact counts and report lines, a second run, SIGINT).
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/tls_certs.hpp"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace mock = igtcloud::mock;
using namespace std::chrono_literals;

/// A fresh temp directory, removed at the end.
struct temp_dir {
    fs::path path;
    temp_dir()
    {
        std::string pattern = (fs::temp_directory_path() / "igtcloud-cli-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir() { fs::remove_all(path); }
    fs::path operator/(std::string const& name) const { return path / name; }
};

std::string slurp(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct cli_result {
    int code{-1}; ///< the exit status; -1 when killed
    std::string out{};
    std::string err{};
};

/// igtcloud-users with `args`; stdout/stderr go to files, stdin comes from `stdin_path`. The environment is
/// the test's without IGTCLOUD_* and proxy variables, plus `env`.
class cli_process {
public:
    explicit cli_process(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                         std::string stdin_path = "/dev/null")
    {
        std::vector<std::string> envs;
        for (char** e = environ; *e != nullptr; ++e) {
            std::string_view const kv = *e;
            auto const name = kv.substr(0, kv.find('='));
            if (!name.starts_with("IGTCLOUD_") && !name.ends_with("_PROXY") && !name.ends_with("_proxy"))
                envs.emplace_back(kv);
        }
        for (auto const& [k, v] : env)
            envs.push_back(k + "=" + v);
        std::vector<char*> argv{const_cast<char*>(IGTCLOUD_USERS_BINARY)}, envp;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : envs)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        auto const out = (dir_ / "stdout").string(), err = (dir_ / "stderr").string();
        pid_ = ::fork();
        BOOST_TEST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(::open(stdin_path.c_str(), O_RDONLY), STDIN_FILENO);
            ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
            ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
    }
    ~cli_process()
    {
        if (!reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    void signal(int sig) { ::kill(pid_, sig); }
    std::string err_so_far() const { return slurp(dir_ / "stderr"); }
    /// Waits for the exit (killing the process after `cap`).
    cli_result wait(std::chrono::seconds cap = 180s)
    {
        auto const until = std::chrono::steady_clock::now() + cap;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) != pid_) {
            if (std::chrono::steady_clock::now() > until) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(5ms);
        }
        reaped_ = true;
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
    }

private:
    temp_dir dir_;
    pid_t pid_{-1};
    bool reaped_{};
};

cli_result run_cli(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                   std::string stdin_path = "/dev/null")
{
    return cli_process(std::move(args), std::move(env), std::move(stdin_path)).wait();
}

/// --url/--jwt of `srv`, then `args`.
std::vector<std::string> against(mock::server const& srv, std::vector<std::string> args)
{
    std::vector<std::string> all{"--url", srv.base_url(), "--jwt", srv.default_token()};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

json::object stdout_object(cli_result const& r)
{
    auto v = json::parse(r.out);
    BOOST_TEST_REQUIRE(v.is_object(), r.out);
    return v.as_object();
}

/// The error line: the last line of stderr, {"status": N, "message": "..."}.
json::object error_line(cli_result const& r)
{
    auto text = r.err;
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    auto const line = text.substr(text.rfind('\n') + 1);
    auto v = json::parse(line);
    BOOST_TEST_REQUIRE(v.is_object(), line);
    auto const& o = v.as_object();
    BOOST_TEST_REQUIRE(o.size() == 2u);
    BOOST_TEST_REQUIRE(o.at("status").is_number());
    BOOST_TEST_REQUIRE(o.at("message").is_string());
    BOOST_TEST(!o.at("message").as_string().empty());
    return o;
}

std::int64_t status_of(cli_result const& r)
{
    return error_line(r).at("status").to_number<std::int64_t>();
}

std::string str(json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string("<absent>");
}

std::int64_t num(json::object const& o, std::string_view key)
{
    return o.at(key).to_number<std::int64_t>();
}

/// An error run: the exit code, empty stdout, the error line's status.
void check_error(cli_result const& r, int code, std::int64_t status, std::string const& what)
{
    BOOST_TEST(r.code == code, what << ": " << r.err);
    BOOST_TEST(r.out.empty(), what);
    BOOST_TEST(status_of(r) == status, what);
}

/// A port nobody listens on (bound once, then closed).
std::uint16_t dead_port()
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

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

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(prints_help_on_help)
{
    auto top = run_cli({"--help"});
    BOOST_TEST(top.code == 0);
    for (auto const* word :
         {"provision", "resend-activation", "--url", "--mock", "IGTCLOUD_JWT", "EXIT CODES"})
        BOOST_TEST(top.out.find(word) != std::string::npos, word);
    for (std::string cmd : {"me", "list", "get", "storage", "profile", "create", "update", "delete",
                            "resend-activation", "reset-mfa", "provision"}) {
        auto r = run_cli({cmd, "--help"});
        BOOST_TEST(r.code == 0, cmd);
        BOOST_TEST(r.out.find(cmd) != std::string::npos, cmd);
    }
    BOOST_TEST(run_cli({"provision", "--help"}).out.find("--concurrency") != std::string::npos);
    BOOST_TEST(run_cli({"create", "--help"}).out.find("--family-name") != std::string::npos);
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
