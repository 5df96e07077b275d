#pragma once

// igtcloud-users login: reading a password. From the terminal (/dev/tty) with echo off and the prompt on
// stderr, as getpass does; or one line from a file descriptor (--password-stdin).
//
// Design: the terminal's settings are restored on every path, including SIGINT/SIGTERM/SIGHUP/SIGQUIT
// arriving while echo is off (a handler restores them, then the signal's default action runs). A line is
// read byte by byte with read(2), so nothing past it is consumed; its trailing CR/LF is stripped. The
// password is returned to the caller only; no message here ever holds it.

#include <string>
#include <string_view>
#include <variant>

namespace igtcloud::cli {

/// A password, or why there is none (a message naming no secret).
struct password_read {
    std::string password{}; ///< a secret
    std::string error{};    ///< empty on success
};

/// The most bytes of a password line; a longer line is refused.
inline constexpr std::size_t max_password_bytes = 4096;

/// Reads one line from `fd`: up to the first LF (or the end of the input), without the trailing CR/LF.
/// Refuses an empty input, an empty line, a line with a NUL byte, a line longer than max_password_bytes.
password_read read_password_line(int fd);

/// Opens /dev/tty, writes `prompt` on stderr, turns echo off, reads a line, restores the terminal and ends
/// the prompt's line. error when there is no terminal (use --password-stdin) or as read_password_line.
password_read read_password_from_terminal(std::string_view prompt);

} // namespace igtcloud::cli
