// igtcloud-users sync: the plan printed as it is made (see sync_command.hpp). SIGINT/SIGTERM cancel the run
// (exit 1 with an error line); a second one kills the process.
#include "cli/sync_command.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/array.hpp>

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/provision_input.hpp"

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using entities::sync_action;

constexpr std::size_t failures_shown = 10; ///< failed rows described on stderr

/// "sync: line 12 (ada): duplicate loginId, first at line 3"; the reader's "line N: " prefix is not repeated.
std::string failure_text(entities::sync_plan_item const& item)
{
    auto message = item.error ? message_of(*item.error) : std::string("failed");
    auto const prefix = "line " + std::to_string(item.line) + ": ";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    std::string text = "sync: line " + std::to_string(item.line);
    if (!item.login_id.empty()) text += " (" + item.login_id + ")";
    return text + ": " + message;
}

void write_line(json::object const& o)
{
    auto const text = to_text(o, false) + '\n';
    std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string summary_text(entities::sync_summary const& s)
{
    char buffer[256];
    std::snprintf(buffer, sizeof buffer,
                  "sync plan: %zu current users; %zu create, %zu update, %zu unchanged, %zu delete, %zu "
                  "failed (%.2f s)",
                  s.current, s.create, s.update, s.unchanged, s.remove, s.failed, s.elapsed.count());
    return buffer;
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
    try {
        input.emplace(args.file);
        source = input->source();
    } catch (usage_error const& e) {
        return fail_usage(e.message);
    }

    std::size_t failures = 0;
    entities::sync_options opts;
    opts.plan_only = true;
    opts.delete_absent = args.delete_absent;
    opts.max_delete = args.max_delete;
    opts.force = args.force;
    opts.request = request_options_for(inv.global);
    opts.on_plan = [&failures](entities::sync_plan_item const& item) {
        if (item.action != sync_action::failed) return write_line(plan_line(item));
        if (++failures <= failures_shown) std::fprintf(stderr, "%s\n", scrub(failure_text(item)).c_str());
        if (failures == failures_shown + 1) std::fprintf(stderr, "sync: more rows failed\n");
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
