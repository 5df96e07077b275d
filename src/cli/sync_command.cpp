// igtcloud-users sync: the plan printed as it is made (see sync_command.hpp), or applied: items reported as
// they end (report file, first failures on stderr, progress), the summary on stdout. --plan: SIGINT/SIGTERM
// cancel the run (exit 1 with an error line), a second one kills the process. Apply: as provision's.
// --rate, --shard, --resume (DESIGN.md §9) as provision's: the --resume report is read first (a usage error
// before anything is sent) into the done loginIds the library's skip hook looks up; --report on the same file
// appends. Skipped items are counted in the apply summary ("skipped"), never in the plan's summary line.
#include "cli/sync_command.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/array.hpp>

#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/provision.hpp"
#include "cli/provision_input.hpp"
#include "cli/resume_report.hpp"
#include <unistd.h>

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using entities::sync_action;

constexpr std::size_t failures_shown = 10; ///< failed rows described on stderr

/// "sync: line 12 (ada): duplicate loginId, first at line 3"; the reader's "line N: " prefix is not repeated;
/// an HTTP error's status is named. A delete (line 0) is named by its loginId alone.
std::string failure_text(std::size_t line, std::string const& login, entities::api_error const* error)
{
    auto message = error ? message_of(*error) : std::string("failed");
    auto const prefix = "line " + std::to_string(line) + ": ";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    if (error && error->status != 0) message = "HTTP " + std::to_string(error->status) + ": " + message;
    std::string text = line == 0 ? "sync: delete" : "sync: line " + std::to_string(line);
    if (!login.empty()) text += " (" + login + ")";
    return text + ": " + message;
}

/// Describes the first failures on stderr (through `note`), then says where the rest are.
class failure_notes {
public:
    void add(std::string const& text, std::function<void(std::string const&)> const& note, bool report)
    {
        if (++count_ <= failures_shown) note(text);
        if (count_ == failures_shown + 1)
            note(report ? "sync: more failures: see the report" : "sync: more failures: use --report FILE");
    }

private:
    std::size_t count_{};
};

void write_line(json::object const& o)
{
    auto const text = to_text(o, false) + '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
}

/// "; N skipped (--shard, --resume)", or "" for none.
std::string skipped_text(std::size_t skipped)
{
    return skipped == 0 ? std::string() : "; " + std::to_string(skipped) + " skipped (--shard, --resume)";
}

/// --rate, --shard, and the `done` loginIds of --resume (which must outlive the run) into `opts`.
void apply_scale(scale_arguments const& scale, std::unordered_set<std::string> const& done,
                 entities::sync_options& opts)
{
    opts.rate = scale.rate;
    opts.shard = scale.shard;
    if (scale.resume)
        opts.skip = [&done](std::string_view login) { return done.contains(std::string(login)); };
}

std::string summary_text(entities::sync_summary const& s)
{
    char buffer[256];
    std::snprintf(buffer, sizeof buffer,
                  "sync plan: %zu current users; %zu create, %zu update, %zu unchanged, %zu delete, %zu "
                  "failed (%.2f s)",
                  s.current, s.create, s.update, s.unchanged, s.remove, s.failed, s.elapsed.count());
    return buffer + skipped_text(s.skipped);
}

std::string applied_text(entities::provision_summary const& a)
{
    char buffer[320];
    std::snprintf(buffer, sizeof buffer,
                  "sync%s: %zu items in %.2f s (%.0f items/s): %zu created, %zu existing, %zu updated, %zu "
                  "unchanged, %zu deleted, %zu failed, %zu not attempted",
                  a.cancelled ? " interrupted" : "", a.total(), a.elapsed.count(), a.items_per_second,
                  a.created, a.existing, a.updated, a.unchanged, a.deleted, a.failed, a.not_attempted);
    return buffer + skipped_text(a.skipped);
}

/// sync without --plan: the plan made, then applied through the provisioning engine.
int run_apply(invocation const& inv, asio::io_context& ioc, entities::session& s,
              entities::provision_source source, std::unordered_set<std::string> const& done)
{
    auto const& args = inv.sync;
    std::unique_ptr<report_writer> report;
    try {
        if (args.report)
            report = std::make_unique<report_writer>(*args.report,
                                                     same_report_file(args.report, args.scale.resume));
    } catch (usage_error const& e) {
        return fail_usage(e.message);
    }
    progress_display display(stderr, ::isatty(STDERR_FILENO) == 1);
    failure_notes failures;
    entities::sync_options opts;
    opts.delete_absent = args.delete_absent;
    opts.max_delete = args.max_delete;
    opts.force = args.force;
    opts.request = request_options_for(inv.global);
    opts.concurrency = args.concurrency;
    apply_scale(args.scale, done, opts);
    opts.progress_interval = display.interval();
    opts.on_progress = [&display](entities::provision_progress const& p) { display.update(p); };
    opts.on_item = [&](entities::provision_result const& r) {
        if (report) report->write(r);
        if (r.outcome != entities::provision_outcome::failed) return;
        failures.add(
            failure_text(r.line, r.login_id, r.error ? &*r.error : nullptr),
            [&display](std::string const& text) { display.note(text); }, report != nullptr);
    };
    interrupt_handler interrupts(ioc, s, display, "sync");
    std::optional<entities::api_result<entities::sync_summary>> result;
    entities::async_sync_users(s, std::move(source), std::move(opts),
                               asio::bind_cancellation_slot(interrupts.slot(), [&](auto r) {
                                   result = std::move(r);
                                   interrupts.done();
                                   s.async_shutdown([] {});
                               }));
    ioc.run();
    display.finish();
    if (!result) {
        print_error(0, "the sync did not complete");
        return exit_transport;
    }
    if (!*result) return fail(result->error());
    auto const& sum = **result;
    if (!sum.applied) {
        print_error(0, "the sync was not applied");
        return exit_transport;
    }
    auto doc = summary_document(*sum.applied);
    doc["updated"] = sum.applied->updated;
    doc["unchanged"] = sum.applied->unchanged;
    doc["deleted"] = sum.applied->deleted;
    print_json(doc);
    if (sum.caller_kept) std::fprintf(stderr, "sync: the calling user is not in the file: it is kept\n");
    std::fprintf(stderr, "%s\n", applied_text(*sum.applied).c_str());
    if (report && report->failed()) {
        print_error(0, "writing the report " + *args.report + " failed: it is incomplete");
        return exit_api_error;
    }
    return sum.applied->failed > 0 || sum.applied->cancelled ? exit_api_error : exit_success;
}

} // namespace

json::object plan_line(entities::sync_plan_item const& item)
{
    json::array changes;
    for (auto const& path : item.changes)
        changes.emplace_back(path);
    return json::object{{"loginId", item.login_id},
                        {"action", entities::to_string(item.action)},
                        {"changes", std::move(changes)}};
}

json::object plan_summary(entities::sync_summary const& s)
{
    return json::object{
        {"create", s.create}, {"update", s.update}, {"unchanged", s.unchanged}, {"delete", s.remove}};
}

int run_sync(invocation const& inv, asio::io_context& ioc, entities::session& s)
{
    auto const& args = inv.sync;
    std::optional<provision_input> input;
    entities::provision_source source;
    std::unordered_set<std::string> done; // --resume's: read before the report is opened (the same file?)
    try {
        input.emplace(args.file);
        source = input->source();
        if (args.scale.resume) done = read_done_logins(*args.scale.resume);
    } catch (usage_error const& e) {
        return fail_usage(e.message);
    }

    if (!args.plan) return run_apply(inv, ioc, s, std::move(source), done);
    failure_notes failures;
    entities::sync_options opts;
    opts.plan_only = true;
    opts.delete_absent = args.delete_absent;
    opts.max_delete = args.max_delete;
    opts.force = args.force;
    opts.request = request_options_for(inv.global);
    apply_scale(args.scale, done, opts);
    opts.on_plan = [&failures](entities::sync_plan_item const& item) {
        if (item.action != sync_action::failed) return write_line(plan_line(item));
        failures.add(
            failure_text(item.line, item.login_id, item.error ? &*item.error : nullptr),
            [](std::string const& text) { std::fprintf(stderr, "%s\n", scrub(text).c_str()); }, false);
    };

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::cancellation_signal stop;
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        signals.clear(); // a second signal kills the process
        stop.emit(asio::cancellation_type::terminal);
    });
    std::optional<entities::api_result<entities::sync_summary>> result;
    entities::async_sync_users(s, std::move(source), std::move(opts),
                               asio::bind_cancellation_slot(stop.slot(), [&](auto r) {
                                   result = std::move(r);
                                   signals.cancel();
                                   s.async_shutdown([] {});
                               }));
    ioc.run();
    std::fflush(stdout);
    if (!result) {
        print_error(0, "the sync did not complete");
        return exit_transport;
    }
    if (!*result) return fail(result->error());
    auto const& sum = **result;
    write_line(plan_summary(sum));
    std::fflush(stdout);
    if (sum.caller_kept) std::fprintf(stderr, "sync: the calling user is not in the file: it is kept\n");
    if (sum.delete_refused)
        std::fprintf(stderr,
                     "sync: applying this plan would be refused: %zu deletes exceed --max-delete %zu (give "
                     "--force to allow them)\n",
                     sum.remove, sum.max_delete);
    std::fprintf(stderr, "%s\n", summary_text(sum).c_str());
    return sum.failed > 0 || sum.delete_refused ? exit_api_error : exit_success;
}

} // namespace igtcloud::cli
