#pragma once

// igtcloud-users sync FILE --plan [--delete-absent] [--max-delete N] [--force] (DESIGN.md §9; issue 17
// step 1: the plan). FILE as provision reads it (provision_input); the plan from entities::async_sync_users.
//
// stdout: one JSON line per loginId {"loginId", "action", "changes"} (the source's order, then the deletes),
//         then the summary line {"create", "update", "unchanged", "delete"}.
// stderr: the rows that cannot be planned ("sync: line N (loginId): problem"; the first 10), notes (the
// caller
//         kept, deletes over --max-delete), and a readable summary.
// Exit: 0; 1 when a row failed or applying would be refused (deletes over --max-delete without --force), or
//       the service answered an error; 2 usage (nothing sent); 3 transport.

#include <igtcloud/entities/session.hpp>
#include <igtcloud/entities/sync.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// The plan line of one entry: {"loginId", "action", "changes"}.
boost::json::object plan_line(entities::sync_plan_item const& item);

/// The plan's summary line: {"create", "update", "unchanged", "delete"}.
boost::json::object plan_summary(entities::sync_summary const& s);

/// Runs `sync FILE` on `s` (whose io_context `ioc` runs on this thread) and returns the exit code.
int run_sync(invocation const& inv, boost::asio::io_context& ioc, entities::session& s);

} // namespace igtcloud::cli
