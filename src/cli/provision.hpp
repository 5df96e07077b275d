#pragma once

// igtcloud-users provision: batch provisioning from a CSV or JSON Lines file, with a progress display, a
// per-item report, a summary, and a graceful stop on SIGINT/SIGTERM.

#include <igtcloud/entities/auth.hpp>
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/session.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include <optional>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// The report line of one item: {"line", "loginId", "outcome", "status", and "userUUID" or "message"}.
boost::json::object report_line(entities::provision_result const& r);

/// The summary document: {"created", "existing", "failed", "notAttempted", "skipped" (of another --shard, or
/// done in the --resume report), "elapsedSeconds", "itemsPerSecond"}, and "auth": {"logins", "refreshes",
/// "introspections", "failures"} when the session's tokens came through an authenticator.
boost::json::object summary_document(entities::provision_summary const& s,
                                     std::optional<entities::auth_stats> const& auth = std::nullopt);

/// Runs `provision FILE` on `s` (whose io_context `ioc` runs on this thread) and returns the exit code: 0
/// when every item was created or existing, 1 when an item failed or the run was interrupted, 2 for an
/// unreadable input, report or --resume file (nothing sent). `auth`: the authenticator of `s`, if any (its
/// counts are summarized).
int run_provision(invocation const& inv, boost::asio::io_context& ioc, entities::session& s,
                  entities::authenticator const* auth = nullptr);

} // namespace igtcloud::cli
