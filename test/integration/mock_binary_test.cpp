// igtcloud-mock-server as a process: the first stdout line, a request over a real socket, flags, and a clean
// stop on SIGTERM and SIGINT.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "support/raw_client.hpp"
#include <sys/wait.h>
#include <unistd.h>

namespace {

/// The binary, started with `args`; its stdout is readable line by line. Killed if still running at the end.
class process {
public:
    explicit process(std::vector<std::string> args)
    {
        int fds[2];
        BOOST_TEST_REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        BOOST_TEST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> argv{const_cast<char*>(IGTCLOUD_MOCK_SERVER_BINARY)};
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out_ = ::fdopen(fds[0], "r");
    }
    ~process()
    {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ != nullptr) ::fclose(out_);
    }
    std::string line()
    {
        char buffer[256] = {};
        if (::fgets(buffer, sizeof buffer, out_) == nullptr) return {};
        return buffer;
    }
    /// Sends `sig` and returns the exit status (-1 when it did not exit normally within ~5 s).
    int stop(int sig)
    {
        ::kill(pid_, sig);
        for (int i = 0; i < 500; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                reaped_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            ::usleep(10'000);
        }
        return -1;
    }
    int wait_exit()
    {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_{-1};
    FILE* out_{};
    bool reaped_{};
};

std::uint16_t port_of(std::string const& first_line)
{
    std::string const prefix = "listening on 127.0.0.1:";
    BOOST_TEST_REQUIRE(first_line.rfind(prefix, 0) == 0u, first_line);
    return static_cast<std::uint16_t>(std::stoi(first_line.substr(prefix.size())));
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_server_binary)

BOOST_AUTO_TEST_CASE(serves_and_stops_cleanly_on_sigterm)
{
    process p({"--port", "0", "--seed-users", "3", "--token", "t-ops=ops@example.org"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto me = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(me.body.find("ops@example.org") != std::string::npos);
    auto list = client.send({.target = "/data/users", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(list.status == 200u);
    BOOST_TEST(list.body.find("user00003@example.org") != std::string::npos);
    auto refused = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(refused.status == 401u); // --token replaces the default token
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(stops_cleanly_on_sigint_with_idle_connection)
{
    process p({"--port", "0", "--fail-rate", "1", "--fail-status", "429"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto r = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.header("Retry-After").value_or("") == "1");
    BOOST_TEST(p.stop(SIGINT) == 0);
}

BOOST_AUTO_TEST_CASE(exits_2_on_bad_flags)
{
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--fail-rate", "1.5"}, std::vector<std::string>{"--fail-status", "500"},
          std::vector<std::string>{"--tls-cert", "only-a-cert.pem"},
          std::vector<std::string>{"--no-such-flag"}}) {
        process p(args);
        BOOST_TEST(p.wait_exit() == 2, args.front());
    }
}

BOOST_AUTO_TEST_SUITE_END()
