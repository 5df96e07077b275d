#pragma once

// A child process for tests that run the project's binaries: its stdout is readable line by line, its stderr
// as a whole; it is killed at the end if still running.

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace igtcloud::test {

/// `binary` started with `args`; its stdout is readable line by line, its stderr with err(). Killed if still
/// running at the end.
class process {
public:
    process(process const&) = delete;
    process& operator=(process const&) = delete;
    process(char const* binary, std::vector<std::string> args)
    {
        int fds[2], errs[2];
        BOOST_TEST_REQUIRE(::pipe(fds) == 0);
        BOOST_TEST_REQUIRE(::pipe(errs) == 0);
        pid_ = ::fork();
        BOOST_TEST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::dup2(errs[1], STDERR_FILENO);
            for (int fd : {fds[0], fds[1], errs[0], errs[1]})
                ::close(fd);
            std::vector<char*> argv{const_cast<char*>(binary)};
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        ::close(errs[1]);
        out_ = ::fdopen(fds[0], "r");
        err_ = ::fdopen(errs[0], "r");
    }
    ~process()
    {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ != nullptr) ::fclose(out_);
        if (err_ != nullptr) ::fclose(err_);
    }
    std::string line()
    {
        char buffer[256] = {};
        if (::fgets(buffer, sizeof buffer, out_) == nullptr) return {};
        return buffer;
    }
    /// Everything the process writes to stderr, up to its end (so this waits for the process to close it).
    std::string err()
    {
        std::string text;
        char buffer[256];
        while (auto const n = ::fread(buffer, 1, sizeof buffer, err_))
            text.append(buffer, n);
        return text;
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
    FILE* err_{};
    bool reaped_{};
};

/// The port of igtcloud-mock-server's first stdout line, `listening on 127.0.0.1:PORT`.
inline std::uint16_t port_of(std::string const& first_line)
{
    std::string const prefix = "listening on 127.0.0.1:";
    BOOST_TEST_REQUIRE(first_line.rfind(prefix, 0) == 0u, first_line);
    return static_cast<std::uint16_t>(std::stoi(first_line.substr(prefix.size())));
}

} // namespace igtcloud::test
