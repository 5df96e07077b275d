// igtcloud-users run as a child process for the CLI tests: its exit code, stdout and stderr, and readers of
// its JSON output.
#pragma once

#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace igtcloud::test::cli {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace mock = igtcloud::mock;
using namespace std::chrono_literals;

using igtcloud::test::temp_dir;

inline std::string slurp(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// JSON Lines (a plan on stdout, a --report file) as objects, in order.
inline std::vector<json::object> json_lines(std::string const& text)
{
    std::vector<json::object> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(json::parse(line).as_object());
    return lines;
}

/// A --report file's lines, in file order.
inline std::vector<json::object> report_lines(fs::path const& p)
{
    return json_lines(slurp(p));
}

struct cli_result {
    int code{-1}; ///< the exit status; -1 when killed
    std::string out{};
    std::string err{};
};

/// The environment of a CLI child process: the test's without IGTCLOUD_*, CLOUD_* (the login's variables)
/// and proxy variables, plus `env`. CLOUD_TOKEN_MMAP is `no_token_file` unless `env` sets it, so that no
/// test reads the machine's token file.
inline std::vector<std::string> cli_environment(std::map<std::string, std::string> env,
                                                fs::path const& no_token_file)
{
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string_view const kv = *e;
        auto const name = kv.substr(0, kv.find('='));
        if (!name.starts_with("IGTCLOUD_") && !name.starts_with("CLOUD_") && !name.ends_with("_PROXY") &&
            !name.ends_with("_proxy"))
            envs.emplace_back(kv);
    }
    env.try_emplace("CLOUD_TOKEN_MMAP", no_token_file.string());
    for (auto const& [k, v] : env)
        envs.push_back(k + "=" + v);
    return envs;
}

/// The argv and envp of an execve of igtcloud-users: views into `args` and `envs`, which must outlive them.
struct exec_vectors {
    std::vector<char*> argv{const_cast<char*>(IGTCLOUD_USERS_BINARY)};
    std::vector<char*> envp{};
    exec_vectors(std::vector<std::string>& args, std::vector<std::string>& envs)
    {
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : envs)
            envp.push_back(e.data());
        envp.push_back(nullptr);
    }
    /// In the child: becomes igtcloud-users, or exits 127.
    [[noreturn]] void exec()
    {
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
};

/// igtcloud-users with `args`; stdout/stderr go to files, stdin comes from `stdin_path`. The environment is
/// cli_environment(env).
class cli_process {
public:
    explicit cli_process(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                         std::string stdin_path = "/dev/null")
    {
        auto envs = cli_environment(std::move(env), dir_ / "no-token-file");
        exec_vectors program(args, envs);
        auto const out = (dir_ / "stdout").string(), err = (dir_ / "stderr").string();
        pid_ = ::fork();
        BOOST_TEST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(::open(stdin_path.c_str(), O_RDONLY), STDIN_FILENO);
            ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
            ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
            program.exec();
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

inline cli_result run_cli(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                          std::string stdin_path = "/dev/null")
{
    return cli_process(std::move(args), std::move(env), std::move(stdin_path)).wait();
}

/// --url/--jwt of `srv`, then `args`.
inline std::vector<std::string> against(mock::server const& srv, std::vector<std::string> args)
{
    std::vector<std::string> all{"--url", srv.base_url(), "--jwt", srv.default_token()};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

inline json::object stdout_object(cli_result const& r)
{
    auto v = json::parse(r.out);
    BOOST_TEST_REQUIRE(v.is_object(), r.out);
    return v.as_object();
}

/// The error line: the last line of stderr, {"status": N, "message": "..."}.
inline json::object error_line(cli_result const& r)
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

inline std::int64_t status_of(cli_result const& r)
{
    return error_line(r).at("status").to_number<std::int64_t>();
}

inline std::string str(json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string("<absent>");
}

inline std::int64_t num(json::object const& o, std::string_view key)
{
    return o.at(key).to_number<std::int64_t>();
}

/// An error run: the exit code, empty stdout, the error line's status.
inline void check_error(cli_result const& r, int code, std::int64_t status, std::string const& what)
{
    BOOST_TEST(r.code == code, what << ": " << r.err);
    BOOST_TEST(r.out.empty(), what);
    BOOST_TEST(status_of(r) == status, what);
}

/// A port nobody listens on (bound once, then closed).
inline std::uint16_t dead_port()
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

} // namespace igtcloud::test::cli
