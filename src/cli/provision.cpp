// igtcloud-users provision: the run on the main thread's io_context. Items are reported as they end (report
// file, first failures on stderr, progress), the summary goes to stdout. The first SIGINT/SIGTERM emits a
// partial cancellation (no new item starts; the ones in flight finish; the rest are not_attempted), the
// second shuts the session down (the ones in flight end failed), a third one kills the process.
// At scale (DESIGN.md §9): --rate and --shard go to the library as they are; --resume REPORT is read first
// (resume_report.hpp) into the set of done loginIds the library's skip hook looks up. When --report names the
// same file as --resume, the report is appended to, so a retry loop accumulates one report in which every
// item ends done exactly once.
#include "cli/provision.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/provision_input.hpp"
#include "cli/resume_report.hpp"
#include <unistd.h>

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using entities::provision_outcome;

constexpr std::size_t failures_shown = 10; ///< failed items described on stderr; the report has them all

/// "line 12 (ada): HTTP 400: email must contain @"; the reader's "line N: " prefix is not repeated.
std::string failure_text(entities::provision_result const& r)
{
    auto message = message_of(*r.error);
    auto const prefix = "line " + std::to_string(r.line) + ": ";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    if (r.error->status != 0) message = "HTTP " + std::to_string(r.error->status) + ": " + message;
    std::string text = "provision: line " + std::to_string(r.line);
    if (!r.login_id.empty()) text += " (" + r.login_id + ")";
    return text + ": " + message;
}

std::string counted(std::uint64_t n, char const* one, char const* many)
{
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

std::string summary_text(entities::provision_summary const& s,
                         std::optional<entities::auth_stats> const& auth)
{
    char buffer[256];
    std::snprintf(
        buffer, sizeof buffer,
        "provision%s: %zu items in %.2f s (%.0f items/s): %zu created, %zu existing, %zu failed, %zu not "
        "attempted",
        s.cancelled ? " interrupted" : "", s.total(), s.elapsed.count(), s.items_per_second, s.created,
        s.existing, s.failed, s.not_attempted);
    std::string text = buffer;
    if (s.skipped > 0) text += "; " + std::to_string(s.skipped) + " skipped (--shard, --resume)";
    if (auth) {
        text += "; auth: " + counted(auth->logins, "login", "logins") + ", " +
                counted(auth->refreshes, "refresh", "refreshes");
        if (auth->failures > 0) text += ", " + counted(auth->failures, "failed call", "failed calls");
    }
    return text;
}

double rounded(double v, double unit)
{
    return std::round(v / unit) * unit;
}

} // namespace

report_writer::report_writer(std::string const& path, bool append)
    : file_(std::fopen(path.c_str(), append ? "a" : "w"))
{
    if (file_ == nullptr) throw usage_error{"cannot write " + path + ": " + std::strerror(errno)};
}

report_writer::~report_writer()
{
    std::fclose(file_);
}

void report_writer::write(entities::provision_result const& r)
{
    auto const text = to_text(report_line(r), false) + '\n';
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
        failed_ = true;
}

interrupt_handler::interrupt_handler(asio::io_context& ioc, entities::session& s, progress_display& display,
                                     std::string command)
    : signals_(ioc, SIGINT, SIGTERM)
    , session_(s)
    , display_(display)
    , command_(std::move(command))
{
    wait();
}

void interrupt_handler::wait()
{
    signals_.async_wait([this](boost::system::error_code ec, int) {
        if (ec) return;
        if (++count_ == 1) {
            display_.note(command_ +
                          ": interrupted: finishing the requests in flight (interrupt again to abort "
                          "them)");
            stop_.emit(asio::cancellation_type::partial);
            wait();
            return;
        }
        display_.note(command_ + ": aborting the requests in flight");
        signals_.clear(); // a third signal kills the process
        session_.async_shutdown([] {});
    });
}

json::object report_line(entities::provision_result const& r)
{
    json::object line;
    line["line"] = r.line;
    line["loginId"] = r.login_id;
    line["outcome"] = entities::to_string(r.outcome);
    switch (r.outcome) {
    case provision_outcome::created:
    case provision_outcome::existing:
        line["status"] = r.outcome == provision_outcome::created ? 201 : 200;
        if (r.user && r.user->user_uuid) line["userUUID"] = *r.user->user_uuid;
        break;
    case provision_outcome::failed:
        line["status"] = r.error ? r.error->status : 0u;
        line["message"] = r.error ? message_of(*r.error) : std::string("failed");
        break;
    case provision_outcome::not_attempted:
        line["status"] = 0;
        line["message"] = "not attempted: the run was interrupted";
        break;
    case provision_outcome::updated:
    case provision_outcome::deleted:
    case provision_outcome::unchanged: // nothing sent: status 0
        line["status"] = r.outcome == provision_outcome::unchanged ? 0 : 204;
        if (r.user && r.user->user_uuid) line["userUUID"] = *r.user->user_uuid;
        break;
    }
    return line;
}

json::object summary_document(entities::provision_summary const& s,
                              std::optional<entities::auth_stats> const& auth)
{
    json::object doc;
    doc["created"] = s.created;
    doc["existing"] = s.existing;
    doc["failed"] = s.failed;
    doc["notAttempted"] = s.not_attempted;
    doc["skipped"] = s.skipped;
    doc["elapsedSeconds"] = rounded(s.elapsed.count(), 0.001);
    doc["itemsPerSecond"] = rounded(s.items_per_second, 0.1);
    if (auth)
        doc["auth"] = json::object{{"logins", auth->logins},
                                   {"refreshes", auth->refreshes},
                                   {"introspections", auth->introspections},
                                   {"failures", auth->failures}};
    return doc;
}

namespace {

/// The done loginIds of --resume REPORT (empty without it), read before the report is opened: it may be the
/// same file. Throws usage_error.
std::unordered_set<std::string> done_logins(scale_arguments const& scale)
{
    if (!scale.resume) return {};
    return read_done_logins(*scale.resume);
}

/// The items this run expects (for the progress display): the file's, a shard's share of them, less the done
/// ones of that shard. An estimate.
std::optional<std::size_t> expected_items(provision_input const& input, scale_arguments const& scale,
                                          std::unordered_set<std::string> const& done)
{
    auto n = input.expected_items();
    if (!n) return n;
    std::size_t done_here = done.size();
    if (scale.shard) {
        auto const count = static_cast<std::size_t>(scale.shard->count);
        *n = (*n + count - 1) / count;
        done_here = static_cast<std::size_t>(std::ranges::count_if(
            done, [&](std::string const& login) { return entities::in_shard(login, *scale.shard); }));
    }
    return *n > done_here ? *n - done_here : 0;
}

// The run's options: progress on `display`, every item to `report` (when given), the first failures on stderr
// (`failures` counts them); --rate, --shard, and the `done` loginIds of --resume skipped.
entities::provision_options run_options(invocation const& inv, provision_input const& input,
                                        progress_display& display, report_writer* report,
                                        std::size_t& failures, std::unordered_set<std::string> const& done)
{
    auto const& scale = inv.provision.scale;
    entities::provision_options opts;
    opts.concurrency = inv.provision.concurrency;
    opts.request = request_options_for(inv.global);
    opts.expected_total = expected_items(input, scale, done);
    opts.rate = scale.rate;
    opts.shard = scale.shard;
    if (scale.resume)
        opts.skip = [&done](std::string_view login) { return done.contains(std::string(login)); };
    opts.progress_interval = display.interval();
    opts.on_progress = [&display](entities::provision_progress const& p) { display.update(p); };
    opts.on_item = [&inv, &display, report, &failures](entities::provision_result const& r) {
        if (report) report->write(r);
        if (r.outcome != provision_outcome::failed || !r.error) return;
        if (++failures <= failures_shown) display.note(failure_text(r));
        if (failures == failures_shown + 1)
            display.note(inv.provision.report
                             ? "provision: more failures: see the report"
                             : "provision: more failures: use --report FILE to see them all");
    };
    return opts;
}

} // namespace

int run_provision(invocation const& inv, asio::io_context& ioc, entities::session& s,
                  entities::authenticator const* auth)
{
    std::optional<provision_input> input;
    std::unique_ptr<report_writer> report;
    entities::provision_source source;
    std::unordered_set<std::string> done;
    try {
        input.emplace(inv.provision.file);
        source = input->source();
        done = done_logins(inv.provision.scale);
        if (inv.provision.report)
            report = std::make_unique<report_writer>(
                *inv.provision.report, same_report_file(inv.provision.report, inv.provision.scale.resume));
    } catch (usage_error const& e) {
        return fail_usage(e.message);
    }

    progress_display display(stderr, ::isatty(STDERR_FILENO) == 1);
    std::size_t failures = 0;
    auto opts = run_options(inv, *input, display, report.get(), failures, done);

    interrupt_handler interrupts(ioc, s, display, "provision");
    std::optional<entities::provision_summary> summary;
    entities::async_provision_users(
        s, std::move(source), std::move(opts),
        asio::bind_cancellation_slot(interrupts.slot(), [&](entities::provision_summary r) {
            summary = r;
            interrupts.done();
            s.async_shutdown([] {});
        }));
    ioc.run();
    display.finish();
    if (!summary) {
        print_error(0, "the provisioning did not complete");
        return exit_transport;
    }
    if (summary->error) return fail(*summary->error); // options the library refused (the flags are checked)
    std::optional<entities::auth_stats> counts;
    if (auth) counts = auth->stats();
    print_json(summary_document(*summary, counts));
    std::fprintf(stderr, "%s\n", summary_text(*summary, counts).c_str());
    if (report && report->failed()) {
        print_error(0, "writing the report " + *inv.provision.report + " failed: it is incomplete");
        return exit_api_error;
    }
    return summary->failed > 0 || summary->cancelled ? exit_api_error : exit_success;
}

} // namespace igtcloud::cli
