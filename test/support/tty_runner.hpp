// igtcloud-users run on a pseudo-terminal for the CLI tests: what a user at a terminal would see (a password
// prompt, a progress line), with an answer typed at a prompt.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace igtcloud::test::cli {

/// The whole output of a child on a pseudo-terminal, written `answer` once `prompt` shows, and whether the
/// terminal echoed input at the prompt and once the child was gone.
struct tty_run {
    int code{-1}; ///< -1: killed by a signal
    std::string transcript{};
    bool prompted{};
    bool echo_at_prompt{true};
    bool echo_at_end{};
};

inline bool echoes(int master)
{
    termios t{};
    BOOST_TEST_REQUIRE(::tcgetattr(master, &t) == 0);
    return (t.c_lflag & ECHO) != 0;
}

/// Reads the master side until the child closes it (its EOF is EIO on Linux) or a minute passes; types
/// `answer` once `prompt` (when not empty) shows.
inline void read_transcript(int master, tty_run& run, std::string const& prompt, std::string const& answer)
{
    auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buffer[512];
        auto const n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) return;
        run.transcript.append(buffer, static_cast<std::size_t>(n));
        if (!prompt.empty() && !run.prompted && run.transcript.find(prompt) != std::string::npos) {
            run.prompted = true;
            run.echo_at_prompt = echoes(master);
            BOOST_TEST_REQUIRE(::write(master, answer.data(), answer.size()) ==
                               static_cast<ssize_t>(answer.size()));
        }
    }
}

/// igtcloud-users `args` with stdin, stdout and stderr on a new pseudo-terminal (its controlling terminal);
/// stdout goes to the file `stdout_path` instead when one is given.
inline tty_run run_on_tty(std::vector<std::string> args, std::map<std::string, std::string> env,
                          std::string const& prompt = {}, std::string const& answer = {},
                          std::string const& stdout_path = {})
{
    temp_dir dir;
    auto envs = cli_environment(std::move(env), dir / "no-token-file");
    exec_vectors program(args, envs);
    int master = -1;
    pid_t const pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        if (!stdout_path.empty())
            ::dup2(::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
        program.exec();
    }
    tty_run run;
    read_transcript(master, run, prompt, answer);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.echo_at_end = echoes(master);
    ::close(master);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

} // namespace igtcloud::test::cli
