#pragma once

// igtcloud-users download-files --output PATH|- (DESIGN.md §7): the caller's files as one zip archive,
// streamed by storage_files_api::async_download_user_files into a file (PATH.part, renamed to PATH when
// complete) or to stdout, with the progress on stderr when it is a terminal.

#include <igtcloud/entities/session.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// The deadline of the whole download when --timeout is not given (an archive can be large; other commands
/// keep the session's 30 s).
inline constexpr std::chrono::seconds default_download_timeout{3600};

/// Runs download-files on `s` (whose io_context is `ioc`) and returns the exit code: 0 with
/// `{"bytes": N, "path": PATH}` on stdout for a PATH (nothing more for "-"); else the error line and 1
/// (4xx/5xx, or interrupted by SIGINT/SIGTERM: the `.part` file is removed), 2 (stdout is a terminal; a bad
/// path: error::invalid_argument) or 3 (transport, timeout, a write error such as EPIPE or ENOSPC).
int run_download(invocation const& inv, boost::asio::io_context& ioc, entities::session& s);

} // namespace igtcloud::cli
