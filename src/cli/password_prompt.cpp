// igtcloud-users login: the password from the terminal without echo (termios on /dev/tty), or a line of
// stdin.
#include "cli/password_prompt.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace igtcloud::cli {
namespace {

constexpr std::array<int, 4> restoring_signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// The terminal being read with echo off, for the signal handler (one prompt at a time per process).
volatile std::sig_atomic_t tty_fd = -1;
termios saved_termios{};
std::array<struct sigaction, restoring_signals.size()> saved_actions{};

/// A signal while echo is off: restore the terminal and the signal's previous action, then re-raise it
/// (delivered when the handler returns). Only async-signal-safe calls.
extern "C" void restore_and_reraise(int sig)
{
    if (tty_fd >= 0) ::tcsetattr(tty_fd, TCSANOW, &saved_termios);
    for (std::size_t i = 0; i < restoring_signals.size(); ++i)
        if (restoring_signals[i] == sig) ::sigaction(sig, &saved_actions[i], nullptr);
    ::raise(sig);
}

/// Echo off on `fd` for its lifetime (line editing kept), with the handlers above installed.
class echo_off {
public:
    explicit echo_off(int fd) : fd_(fd)
    {
        if (::tcgetattr(fd, &saved_termios) != 0) return;
        struct sigaction act {};
        act.sa_handler = restore_and_reraise;
        ::sigemptyset(&act.sa_mask);
        for (std::size_t i = 0; i < restoring_signals.size(); ++i)
            ::sigaction(restoring_signals[i], &act, &saved_actions[i]);
        tty_fd = fd;
        termios quiet = saved_termios;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
        active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    echo_off(echo_off const&) = delete;
    echo_off& operator=(echo_off const&) = delete;
    ~echo_off()
    {
        if (tty_fd < 0) return;
        if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_termios);
        tty_fd = -1;
        for (std::size_t i = 0; i < restoring_signals.size(); ++i)
            ::sigaction(restoring_signals[i], &saved_actions[i], nullptr);
    }
    bool active() const noexcept { return active_; }

private:
    int fd_;
    bool active_{};
};

struct fd_closer {
    int fd;
    ~fd_closer()
    {
        if (fd >= 0) ::close(fd);
    }
};

password_read refused(std::string why)
{
    return password_read{{}, std::move(why)};
}

} // namespace

password_read read_password_line(int fd)
{
    std::string line;
    bool ended = false;
    for (;;) {
        char c = 0;
        auto const n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return refused(std::string("cannot read the password: ") + std::strerror(errno));
        if (n == 0) break;
        if (c == '\n') {
            ended = true;
            break;
        }
        if (c == '\0') return refused("the password holds a NUL byte");
        if (line.size() == max_password_bytes)
            return refused("the password is longer than " + std::to_string(max_password_bytes) + " bytes");
        line += c;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    if (line.empty()) return refused(ended ? "empty password" : "no password given (empty input)");
    return password_read{std::move(line), {}};
}

password_read read_password_from_terminal(std::string_view prompt)
{
    fd_closer tty{::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)};
    if (tty.fd < 0)
        return refused("no terminal to read the password from: give it on stdin with --password-stdin");
    password_read read;
    {
        echo_off quiet(tty.fd);
        if (!quiet.active())
            return refused("cannot turn the terminal's echo off: give the password with --password-stdin");
        std::fwrite(prompt.data(), 1, prompt.size(), stderr); // after echo is off: nothing typed shows
        std::fflush(stderr);
        read = read_password_line(tty.fd);
    }
    std::fputc('\n', stderr); // the Enter that was not echoed
    std::fflush(stderr);
    return read;
}

} // namespace igtcloud::cli
