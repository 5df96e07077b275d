#pragma once

// igtcloud-users: what goes to stdout (one JSON document per command) and stderr (one JSON error line), and
// the exit codes.

#include <igtcloud/entities/error.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::cli {

/// The process's exit codes (DESIGN.md §5).
enum exit_code : int {
    exit_success = 0, ///< the operation succeeded
    /// The service answered 4xx/5xx (provision: an item failed, or the run was interrupted).
    exit_api_error = 1,
    exit_usage = 2,     ///< bad command line, flag value or input file; a client-side refusal
    exit_transport = 3, ///< no usable answer: connection, TLS, timeout, malformed response
};

/// A usage error found after parsing (bad value, unreadable file): main prints it and exits 2.
struct usage_error {
    std::string message{};
};

/// Values removed from every message written to stderr (tokens: defence in depth, the library already
/// keeps them out of its errors). Set once at start-up.
void set_secrets(std::vector<std::string> secrets);
/// Adds one value to those (a password once read).
void add_secret(std::string secret);
/// `text` with every secret replaced by "***".
std::string scrub(std::string text);

/// Writes `v` as one JSON document and a newline on stdout: indented on a terminal, one line otherwise.
void print_json(boost::json::value const& v);
/// `v` as JSON text: on one line, or indented by two spaces per level (Boost.JSON 1.81 has no pretty
/// printer), starting at `level` (an element of an array printed piece by piece: 1). Doubles are written as
/// "%.15g" ("0.25", "3").
std::string to_text(boost::json::value const& v, bool indented, std::size_t level = 0);

/// Writes `{"status":N,"message":"..."}` and a newline on stderr (scrubbed).
void print_error(unsigned status, std::string_view message);
/// Prints a usage error (status 0) and returns exit_usage.
int fail_usage(std::string_view message);
/// The exit code of an operation's error: 1 for 4xx/5xx, 2 for a client-side refusal
/// (error::invalid_argument), 3 for the rest (transport, TLS, timeout, protocol).
int exit_code_for(entities::api_error const& e);
/// The message of an error line: the service's message for an HTTP error, else a readable description.
std::string message_of(entities::api_error const& e);
/// Prints the error line of `e` and returns exit_code_for(e).
int fail(entities::api_error const& e);

/// A warning line on stderr: "igtcloud-users: warning: <text>".
void warn(std::string_view text);

} // namespace igtcloud::cli
