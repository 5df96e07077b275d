#pragma once

// igtcloud-users list [--jsonl] (DESIGN.md §8): every user, printed as users_api::async_for_each_user decodes
// them, so the process's memory stays flat however long the list is.
//
//   list           one JSON array, as every command prints its document: compact on one line, or indented
//                  on a terminal (the same bytes the buffered list printed)
//   list --jsonl   one compact JSON object per user and line (JSON Lines)
//
// An error mid-list: the error line on stderr and the exit code of any failure (1 for 4xx/5xx, 3 for
// transport, timeout or a malformed list). What was printed stays printed: with --jsonl, the complete lines
// of the users before the error; without, the array so far, left unclosed (so that no JSON reader takes it
// for the whole list).

#include <igtcloud/entities/session.hpp>

#include <boost/asio/io_context.hpp>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// Runs list on `s` (whose io_context is `ioc`) and returns the exit code.
int run_list(invocation const& inv, boost::asio::io_context& ioc, entities::session& s);

} // namespace igtcloud::cli
