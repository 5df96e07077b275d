#pragma once

// igtcloud-users provision: batch provisioning from a CSV or JSON Lines file, with a progress display, a
// per-item report, a summary, and a graceful stop on SIGINT/SIGTERM.

#include <igtcloud/entities/auth.hpp>
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/session.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/object.hpp>

#include <cstdio>
#include <optional>
#include <string>

#include "cli/arguments.hpp"
#include "cli/progress.hpp"

namespace igtcloud::cli {

/// The --report file (provision, sync): one JSON line per item (report_line), flushed at once, so that an
/// interrupted run leaves whole lines.
class report_writer {
public:
    /// Opens `path`, truncated, or appended to (`append`: it is the --resume report); throws usage_error
    /// when it cannot.
    report_writer(std::string const& path, bool append = false);
    report_writer(report_writer const&) = delete;
    report_writer& operator=(report_writer const&) = delete;
    ~report_writer();
    void write(entities::provision_result const& r);
    /// Whether a line could not be written.
    bool failed() const noexcept { return failed_; }

private:
    std::FILE* file_;
    bool failed_{};
};

/// SIGINT/SIGTERM during a run (provision, sync): the first stops it gracefully through slot() (partial
/// cancellation), the second shuts the session down, then the default action returns. Notes on `display`
/// start with `command`.
class interrupt_handler {
public:
    interrupt_handler(boost::asio::io_context& ioc, entities::session& s, progress_display& display,
                      std::string command);
    boost::asio::cancellation_slot slot() { return stop_.slot(); }
    void done() { signals_.cancel(); }

private:
    void wait();

    boost::asio::signal_set signals_;
    boost::asio::cancellation_signal stop_;
    entities::session& session_;
    progress_display& display_;
    std::string command_;
    int count_{};
};

/// The report line of one item: {"line", "loginId", "outcome", "status", and "userUUID" or "message"}.
/// updated and deleted: status 204; unchanged: status 0 (nothing sent); those three carry "userUUID".
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
