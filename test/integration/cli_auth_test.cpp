// igtcloud-users' login as a process against igtcloud-mock-server as a process: login (--password-stdin, a
// pseudo-terminal, --key-file), whoami, me, logout; the token file (0600, the Python format, refused when
// others may write it or when it is another domain's); the token precedence; a provisioning run that spans
// several token lifetimes; bad input; and a sweep of every output for secrets.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "entities/auth/token_file.hpp"
#include "support/cli_runner.hpp"
#include "support/process.hpp"
#include "support/rsa_test_keys.hpp"
#include "support/tty_runner.hpp"
#include <sys/stat.h>

using namespace igtcloud::test::cli;
namespace auth = igtcloud::entities::detail::auth;

namespace {

constexpr char const* ada = "ada@example.org";
constexpr char const* ada_password = "Ada-Pw-7f3c91e2";
constexpr char const* bob = "bob@example.org";
constexpr char const* bob_password = "Bob-Pw-0b6f2c1e";

/// igtcloud-mock-server as a process, with its domain "http://127.0.0.1:PORT".
class mock_process {
public:
    explicit mock_process(std::vector<std::string> args)
        : process_(IGTCLOUD_MOCK_SERVER_BINARY, std::move(args))
    {
        port_ = igtcloud::test::port_of(process_.line());
    }
    std::string domain() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    igtcloud::test::process process_;
    std::uint16_t port_{};
};

/// Every output of a test, checked for secrets at the end: no password, PEM line, JWT, CSRF token or S3
/// secret of the mock's login answers ("mock-s3-...").
class secrets_sweep {
public:
    secrets_sweep() : secrets_{ada_password, bob_password, "-----BEGIN", "-----END", "mock-s3-"}
    {
        for (auto const* pem : {&auth_test::rsa_keys().private_pem, &auth_test::other_rsa_keys().private_pem})
            add_pem_lines(*pem);
    }
    secrets_sweep(secrets_sweep const&) = delete;
    secrets_sweep& operator=(secrets_sweep const&) = delete;
    ~secrets_sweep()
    {
        for (auto const& [what, text] : outputs_)
            for (auto const& s : secrets_)
                BOOST_TEST(text.find(s) == std::string::npos, what << " shows a secret (" << s.size()
                                                                   << " characters, starting "
                                                                   << s.substr(0, 3) << ")");
    }
    /// Also a token read from a token file (its JWT, its CSRF token).
    void add(std::string secret)
    {
        if (!secret.empty()) secrets_.push_back(std::move(secret));
    }
    void add_login(auth::token_file_data const& d)
    {
        add(d.jwt);
        add(d.csrf);
        add(d.jwt.substr(d.jwt.rfind('.') + 1)); // the signature alone
    }
    cli_result const& keep(std::string what, cli_result const& r)
    {
        outputs_.emplace_back(what + " (stdout)", r.out);
        outputs_.emplace_back(what + " (stderr)", r.err);
        return r;
    }

private:
    void add_pem_lines(std::string const& pem)
    {
        std::size_t at = 0;
        while (at < pem.size()) {
            auto const end = std::min(pem.find('\n', at), pem.size());
            auto const line = pem.substr(at, end - at);
            if (line.size() >= 40 && !line.starts_with("-----")) secrets_.push_back(line);
            at = end + 1;
        }
    }
    std::vector<std::string> secrets_;
    std::vector<std::pair<std::string, std::string>> outputs_;
};

/// A file holding `text` (a password for stdin, a key).
fs::path write_file(temp_dir const& dir, std::string const& name, std::string const& text)
{
    auto const path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

unsigned mode_of(fs::path const& p)
{
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(p.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode & 07777);
}

/// `login --password-stdin` of `user` against `domain`, the token file at `token_file`.
cli_result login(std::string const& domain, std::string const& user, std::string const& password,
                 fs::path const& token_file, temp_dir const& dir)
{
    auto const input = write_file(dir, "password-" + user, std::string(password) + "\n");
    return run_cli({"--domain", domain, "login", "--username", user, "--password-stdin"},
                   {{"CLOUD_TOKEN_MMAP", token_file.string()}}, input.string());
}

/// The login in `token_file` for `domain` (required).
auth::token_file_data login_in(fs::path const& token_file, std::string const& domain)
{
    auto read = auth::read_token_file(token_file, domain);
    BOOST_TEST_REQUIRE(read.data.has_value(), read.reason);
    return *read.data;
}

std::string login_id_of(cli_result const& r)
{
    if (r.code != 0) return "<exit " + std::to_string(r.code) + ": " + r.err + ">";
    return str(stdout_object(r), "loginId");
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_auth)

BOOST_AUTO_TEST_CASE(logs_in_from_stdin_then_whoami_me_logout)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password});
    temp_dir dir;
    secrets_sweep sweep;
    auto const file = dir / "tokens" / "igtcloud_auth_mmap";
    std::map<std::string, std::string> const env{{"CLOUD_TOKEN_MMAP", file.string()}};
    auto const d = srv.domain();

    auto const in = sweep.keep("login", login(d, ada, ada_password, file, dir));
    BOOST_TEST_REQUIRE(in.code == 0, in.err);
    BOOST_TEST(str(stdout_object(in), "sub") == ada);
    BOOST_TEST(str(stdout_object(in), "domain") == d);
    BOOST_TEST(mode_of(file) == 0600u);
    BOOST_TEST(fs::file_size(file) == auth::token_file_size); // the Python client's size
    auto const stored = login_in(file, d);                    // its reader's format
    sweep.add_login(stored);
    BOOST_TEST(stored.sub == ada);
    BOOST_TEST(stored.domain == d);
    BOOST_TEST(stored.jwt_data.contains("refresh_token"));
    BOOST_TEST(!stored.key_file);

    auto const who = sweep.keep("whoami", run_cli({"--domain", d, "whoami"}, env));
    BOOST_TEST_REQUIRE(who.code == 0, who.err);
    auto const doc = stdout_object(who);
    BOOST_TEST(doc.size() == 3u);
    BOOST_TEST(str(doc, "sub") == ada);
    BOOST_TEST(str(doc, "domain") == d);
    BOOST_TEST(str(doc, "expiresAt").size() == 20u); // YYYY-MM-DDTHH:MM:SSZ

    auto const me = sweep.keep("me", run_cli({"--domain", d, "me"}, env));
    BOOST_TEST(login_id_of(me) == ada);

    auto const out = sweep.keep("logout", run_cli({"--domain", d, "logout"}, env));
    BOOST_TEST(out.code == 0, out.err);
    BOOST_TEST(out.out.empty());
    BOOST_TEST(!fs::exists(file));
    auto const gone = sweep.keep("whoami after logout", run_cli({"--domain", d, "whoami"}, env));
    check_error(gone, 1, 0, "whoami after logout");
    BOOST_TEST(gone.err.find("not logged in") != std::string::npos, gone.err);
    BOOST_TEST(gone.err.find(file.string()) != std::string::npos, gone.err);
    check_error(sweep.keep("me after logout", run_cli({"--domain", d, "me"}, env)), 1, 0, "me after logout");
    // the server forgot the JWT: logout did POST /logout
    check_error(run_cli({"--domain", d, "--jwt", stored.jwt, "--csrf", stored.csrf, "me"}), 1, 401,
                "the logged-out JWT");
    auto const again = sweep.keep("second logout", run_cli({"--domain", d, "logout"}, env));
    BOOST_TEST(again.code == 0, again.err);
    BOOST_TEST(again.err.find("not logged in") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(logs_in_through_a_terminal_without_echo)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password});
    temp_dir dir;
    auto const file = dir / "tokens";
    auto const run =
        run_on_tty({"--domain", srv.domain(), "login", "--username", ada},
                   {{"CLOUD_TOKEN_MMAP", file.string()}}, "Password for ", std::string(ada_password) + "\n");
    BOOST_TEST(run.prompted, run.transcript);
    BOOST_TEST(run.transcript.find("Password for ada@example.org at " + srv.domain() + ": ") !=
               std::string::npos);
    BOOST_TEST(run.code == 0, run.transcript);
    BOOST_TEST(run.transcript.find(ada_password) == std::string::npos); // not echoed
    BOOST_TEST(run.transcript.find("\"sub\": \"ada@example.org\"") != std::string::npos, run.transcript);
    BOOST_TEST(!run.echo_at_prompt);
    BOOST_TEST(run.echo_at_end); // restored
    BOOST_TEST(login_in(file, srv.domain()).sub == ada);
    BOOST_TEST(mode_of(file) == 0600u);

    // ^C at the prompt: the process ends by SIGINT, and the terminal echoes again
    auto const interrupted =
        run_on_tty({"--domain", srv.domain(), "login", "--username", ada},
                   {{"CLOUD_TOKEN_MMAP", (dir / "interrupted").string()}}, "Password for ", "Ada-\x03");
    BOOST_TEST(interrupted.prompted, interrupted.transcript);
    BOOST_TEST(!interrupted.echo_at_prompt);
    BOOST_TEST(interrupted.code == -1, interrupted.transcript);
    BOOST_TEST(interrupted.echo_at_end);
    BOOST_TEST(!fs::exists(dir / "interrupted"));
}

BOOST_AUTO_TEST_CASE(logs_in_a_service_identity_with_a_key_file)
{
    temp_dir dir;
    secrets_sweep sweep;
    auto const public_key = write_file(dir, "svc.pub.pem", auth_test::rsa_keys().public_pem);
    auto const key = write_file(dir, "svc.pem", auth_test::rsa_keys().private_pem);
    auto const other_key = write_file(dir, "other.pem", auth_test::other_rsa_keys().private_pem);
    mock_process srv({"--service-key", "svc-robot=" + public_key.string()});
    auto const file = dir / "tokens";
    std::map<std::string, std::string> const env{{"CLOUD_TOKEN_MMAP", file.string()}};
    auto const d = srv.domain();

    auto const in = sweep.keep(
        "key login",
        run_cli({"--domain", d, "login", "--username", "svc-robot", "--key-file", key.string()}, env));
    BOOST_TEST_REQUIRE(in.code == 0, in.err);
    BOOST_TEST(str(stdout_object(in), "sub") == "svc-robot");
    auto const stored = login_in(file, d);
    sweep.add_login(stored);
    BOOST_TEST(stored.sub == "svc-robot");
    BOOST_TEST(stored.key_file.value_or("") == fs::absolute(key).string()); // the path, never the key
    BOOST_TEST(slurp(file).find("BEGIN") == std::string::npos);
    BOOST_TEST(login_id_of(sweep.keep("key me", run_cli({"--domain", d, "me"}, env))) == "svc-robot");

    // the key of someone else, an unknown identity, a file that is no key, a missing file
    auto const forged = sweep.keep("forged", run_cli({"--domain", d, "login", "--username", "svc-robot",
                                                      "--key-file", other_key.string()},
                                                     {{"CLOUD_TOKEN_MMAP", (dir / "forged").string()}}));
    check_error(forged, 1, 401, "someone else's key");
    BOOST_TEST(!fs::exists(dir / "forged"));
    check_error(sweep.keep("unknown identity", run_cli({"--domain", d, "login", "--username", "nobody",
                                                        "--key-file", key.string()},
                                                       {{"CLOUD_TOKEN_MMAP", (dir / "unknown").string()}})),
                1, 401, "unknown identity");
    auto const not_key = write_file(dir, "not-a-key.pem", auth_test::rsa_keys().public_pem);
    check_error(sweep.keep("public key", run_cli({"--domain", d, "login", "--username", "svc-robot",
                                                  "--key-file", not_key.string()},
                                                 env)),
                2, 0, "a public key as --key-file");
    auto const missing = run_cli(
        {"--domain", d, "login", "--username", "svc-robot", "--key-file", (dir / "none.pem").string()}, env);
    check_error(missing, 2, 0, "missing key file");
    BOOST_TEST(missing.err.find((dir / "none.pem").string()) != std::string::npos);
    check_error(run_cli({"--domain", d, "login", "--key-file", key.string()}, env), 2, 0, "no --username");

    // the recorded key file lets a later command log in again once the file's tokens have expired
    mock_process brief({"--service-key", "svc-robot=" + public_key.string(), "--token-lifetime", "1"});
    auto const brief_file = dir / "brief-tokens";
    std::map<std::string, std::string> const brief_env{{"CLOUD_TOKEN_MMAP", brief_file.string()}};
    auto const first = sweep.keep("brief login", run_cli({"--domain", brief.domain(), "login", "--username",
                                                          "svc-robot", "--key-file", key.string()},
                                                         brief_env));
    BOOST_TEST_REQUIRE(first.code == 0, first.err);
    auto const old_login = login_in(brief_file, brief.domain());
    sweep.add_login(old_login);
    std::this_thread::sleep_for(1500ms); // past its exp
    auto const later = sweep.keep("expired me", run_cli({"--domain", brief.domain(), "me"}, brief_env));
    BOOST_TEST(login_id_of(later) == "svc-robot");
    auto const new_login = login_in(brief_file, brief.domain());
    sweep.add_login(new_login);
    BOOST_TEST(new_login.jwt != old_login.jwt); // written back
    BOOST_TEST(new_login.key_file.value_or("") == old_login.key_file.value_or("-"));
}

BOOST_AUTO_TEST_CASE(first_token_source_found_wins)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password, "--user",
                      std::string(bob) + ":" + bob_password, "--token", "igt-token=igt@example.org",
                      "--token", "cli-token=cli@example.org"});
    temp_dir dir;
    secrets_sweep sweep;
    auto const d = srv.domain();
    auto const file = dir / "ada.tokens";
    BOOST_TEST_REQUIRE(sweep.keep("ada login", login(d, ada, ada_password, file, dir)).code == 0);
    BOOST_TEST_REQUIRE(sweep.keep("bob login", login(d, bob, bob_password, dir / "bob.tokens", dir)).code ==
                       0);
    auto const bob_login = login_in(dir / "bob.tokens", d);
    sweep.add_login(login_in(file, d));
    sweep.add_login(bob_login);

    std::map<std::string, std::string> env{{"CLOUD_TOKEN_MMAP", file.string()}};
    auto me = [&](std::string const& what, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--domain", d, "me"};
        args.insert(args.end(), extra.begin(), extra.end());
        return login_id_of(sweep.keep(what, run_cli(args, env)));
    };
    BOOST_TEST(me("the file") == ada);
    env["CLOUD_JWT_TOKEN"] = bob_login.jwt;
    env["CLOUD_CSRF_TOKEN"] = bob_login.csrf;
    BOOST_TEST(me("$CLOUD_JWT_TOKEN") == bob);
    env["IGTCLOUD_JWT"] = "igt-token";
    BOOST_TEST(me("$IGTCLOUD_JWT") == "igt@example.org");
    BOOST_TEST(me("--jwt", {"--jwt", "cli-token"}) == "cli@example.org");
    // whoami follows the same order (the JWT's own claims for the fixed tokens)
    env.erase("IGTCLOUD_JWT");
    auto const who = sweep.keep("whoami env", run_cli({"--domain", d, "whoami"}, env));
    BOOST_TEST_REQUIRE(who.code == 0, who.err);
    BOOST_TEST(str(stdout_object(who), "sub") == bob);
    auto const fixed =
        sweep.keep("whoami --jwt", run_cli({"--domain", d, "--jwt", bob_login.jwt, "whoami"}, env));
    BOOST_TEST_REQUIRE(fixed.code == 0, fixed.err);
    BOOST_TEST(str(stdout_object(fixed), "sub") == bob);
    // only one of the two CLOUD_ variables: not a source, the file is used
    env.erase("CLOUD_CSRF_TOKEN");
    BOOST_TEST(me("half of $CLOUD_") == ada);
}

BOOST_AUTO_TEST_CASE(refuses_an_unsafe_or_foreign_token_file_naming_it)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password});
    mock_process other({"--user", std::string(ada) + ":" + ada_password});
    temp_dir dir;
    secrets_sweep sweep;
    auto const file = dir / "tokens";
    std::map<std::string, std::string> const env{{"CLOUD_TOKEN_MMAP", file.string()}};
    BOOST_TEST_REQUIRE(sweep.keep("login", login(srv.domain(), ada, ada_password, file, dir)).code == 0);
    sweep.add_login(login_in(file, srv.domain()));

    fs::permissions(file, static_cast<fs::perms>(0666));
    auto const writable = sweep.keep("0666", run_cli({"--domain", srv.domain(), "me"}, env));
    check_error(writable, 1, 0, "a file others may write");
    BOOST_TEST(writable.err.find(file.string()) != std::string::npos, writable.err);
    BOOST_TEST(writable.err.find("writable by group or others") != std::string::npos, writable.err);
    check_error(sweep.keep("0666 whoami", run_cli({"--domain", srv.domain(), "whoami"}, env)), 1, 0,
                "whoami, a file others may write");

    // 0644, as the Python client leaves it under the usual umask: used as is, with a warning naming it
    fs::permissions(file, static_cast<fs::perms>(0644));
    auto const readable = sweep.keep("0644", run_cli({"--domain", srv.domain(), "me"}, env));
    BOOST_TEST(login_id_of(readable) == ada);
    BOOST_TEST(readable.err.find("warning") != std::string::npos, readable.err);
    BOOST_TEST(readable.err.find("readable by group or others (mode 0644): chmod 600 " + file.string()) !=
                   std::string::npos,
               readable.err);

    fs::permissions(file, static_cast<fs::perms>(0600));
    auto const foreign = sweep.keep("other domain", run_cli({"--domain", other.domain(), "me"}, env));
    check_error(foreign, 1, 0, "another domain's file");
    BOOST_TEST(foreign.err.find(file.string()) != std::string::npos, foreign.err);
    BOOST_TEST(foreign.err.find("another domain (" + srv.domain() + ")") != std::string::npos, foreign.err);
    auto const foreign_out =
        sweep.keep("other domain logout", run_cli({"--domain", other.domain(), "logout"}, env));
    BOOST_TEST(foreign_out.code == 0, foreign_out.err);
    BOOST_TEST(fs::exists(file)); // another domain's login is not ended
    BOOST_TEST(login_id_of(run_cli({"--domain", srv.domain(), "me"}, env)) == ada);
}

BOOST_AUTO_TEST_CASE(provisioning_refreshes_across_token_lifetimes)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password, "--token-lifetime", "2",
                      "--latency-ms", "40", "--threads", "2"});
    temp_dir dir;
    secrets_sweep sweep;
    auto const file = dir / "tokens";
    std::ofstream csv(dir / "users.csv");
    csv << "loginId,email\n";
    for (int i = 0; i < 5000; ++i)
        csv << "user-" << i << ",user-" << i << "@example.org\n";
    csv.close();
    BOOST_TEST_REQUIRE(sweep.keep("login", login(srv.domain(), ada, ada_password, file, dir)).code == 0);
    auto const run =
        sweep.keep("provision", run_cli({"--domain", srv.domain(), "provision", (dir / "users.csv").string()},
                                        {{"CLOUD_TOKEN_MMAP", file.string()}}));
    sweep.add_login(login_in(file, srv.domain()));
    BOOST_TEST_REQUIRE(run.code == 0, run.err);
    auto const summary = stdout_object(run);
    BOOST_TEST(num(summary, "created") == 5000);
    BOOST_TEST(num(summary, "failed") == 0);
    auto const& counts = summary.at("auth").as_object();
    auto const refreshes = num(counts, "refreshes");
    BOOST_TEST_MESSAGE("provision of 5000 users, token lifetime 2 s: "
                       << refreshes << " refreshes in " << summary.at("elapsedSeconds") << " s");
    BOOST_TEST(refreshes >= 2);
    BOOST_TEST(num(counts, "logins") == 0); // the file's login, renewed
    BOOST_TEST(run.err.find("auth: 0 logins, " + std::to_string(refreshes) + " refresh") != std::string::npos,
               run.err);
    // the file was written back after each refresh: a later command uses the newest tokens
    BOOST_TEST(login_in(file, srv.domain()).jwt != "");
}

BOOST_AUTO_TEST_CASE(refuses_bad_input_clearly)
{
    mock_process srv({"--user", std::string(ada) + ":" + ada_password});
    temp_dir dir;
    secrets_sweep sweep;
    auto const file = dir / "tokens";
    std::map<std::string, std::string> const env{{"CLOUD_TOKEN_MMAP", file.string()}};

    auto const wrong = sweep.keep("wrong password", login(srv.domain(), ada, "Not-The-Pw-5a5a", file, dir));
    sweep.add("Not-The-Pw-5a5a");
    check_error(wrong, 1, 401, "wrong password");
    BOOST_TEST(wrong.err.find("password") != std::string::npos, wrong.err);
    BOOST_TEST(!fs::exists(file));

    auto const dead = "http://127.0.0.1:" + std::to_string(dead_port());
    auto const unreachable =
        sweep.keep("unreachable", run_cli({"--auth-url", dead + "/api/auth", "--timeout", "5", "login",
                                           "--username", ada, "--password-stdin"},
                                          env, write_file(dir, "pw", ada_password).string()));
    check_error(unreachable, 3, 0, "unreachable --auth-url");
    BOOST_TEST(!fs::exists(file));

    auto const env_name = sweep.keep("unknown env", run_cli({"--env", "STAGING", "whoami"}, env));
    check_error(env_name, 2, 0, "unknown --env");
    BOOST_TEST(env_name.err.find("unknown --env STAGING: PROD or TEST") != std::string::npos, env_name.err);
    check_error(run_cli({"--env", "TEST", "--domain", srv.domain(), "whoami"}, env), 2, 0,
                "--env and --domain");
    check_error(run_cli({"--domain", "ftp://example.org", "whoami"}, env), 2, 0, "--domain ftp");
    check_error(run_cli({"--domain", srv.domain(), "login"}, env), 2, 0, "no --username");
    check_error(run_cli({"--mock", "login", "--username", ada}, env), 2, 0, "--mock login");
    auto const empty =
        sweep.keep("empty stdin",
                   run_cli({"--domain", srv.domain(), "login", "--username", ada, "--password-stdin"}, env));
    check_error(empty, 2, 0, "no password on stdin");
    BOOST_TEST(empty.err.find("no password") != std::string::npos, empty.err);
    auto const named = run_cli({"--domain", srv.domain(), "login", "--username", ada, "--password-stdin"},
                               {{"CLOUD_TOKEN_MMAP", file.string()}, {"CLOUD_USERNAME", "x"}},
                               write_file(dir, "pw2", std::string(ada_password) + "\r\n").string());
    BOOST_TEST(named.code == 0, named.err); // --username beats $CLOUD_USERNAME; CR/LF stripped
    auto const by_env =
        sweep.keep("CLOUD_USERNAME", run_cli({"--domain", srv.domain(), "login", "--password-stdin"},
                                             {{"CLOUD_TOKEN_MMAP", file.string()}, {"CLOUD_USERNAME", ada}},
                                             write_file(dir, "pw3", ada_password).string()));
    BOOST_TEST(by_env.code == 0, by_env.err);
    sweep.add_login(login_in(file, srv.domain()));
}

BOOST_AUTO_TEST_SUITE_END()
