// igtcloud-users list [--jsonl]: the users printed as they are decoded.
#include "cli/list_command.hpp"

#include <igtcloud/entities.hpp>

#include <boost/json/value_from.hpp>

#include <cstdio>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include <unistd.h>

namespace igtcloud::cli {
namespace {

/// Writes the users to stdout as they come: an array's opening, separators and closing around them (as
/// to_text writes a whole array), or one line each.
class user_printer {
public:
    explicit user_printer(bool jsonl) : jsonl_(jsonl), indented_(!jsonl && ::isatty(STDOUT_FILENO) == 1) {}

    void print(entities::user_info const& u)
    {
        text_.clear();
        if (jsonl_) {
            text_ = to_text(boost::json::value_from(u), false);
            text_ += '\n';
        } else {
            text_ += count_ == 0 ? '[' : ',';
            if (indented_) text_ += "\n  ";
            text_ += to_text(boost::json::value_from(u), indented_, 1);
        }
        ++count_;
        std::fwrite(text_.data(), 1, text_.size(), stdout);
    }

    /// The list is complete: the array's end.
    void close()
    {
        if (!jsonl_) {
            char const* end = count_ == 0 ? "[]\n" : indented_ ? "\n]\n" : "]\n";
            std::fputs(end, stdout);
        }
        std::fflush(stdout);
    }

    /// The list failed: what was printed stays (an array left open ends its line).
    void abandon()
    {
        if (!jsonl_ && count_ != 0) std::fputc('\n', stdout);
        std::fflush(stdout);
    }

private:
    bool jsonl_;
    bool indented_;
    std::size_t count_{};
    std::string text_{}; ///< one user's text, its capacity reused
};

} // namespace

int run_list(invocation const& inv, boost::asio::io_context& ioc, entities::session& s)
{
    user_printer printer(inv.list_jsonl);
    std::optional<entities::api_result<std::size_t>> result;
    s.users().async_for_each_user(
        request_options_for(inv.global), [&](entities::user_info u) { printer.print(u); },
        [&](entities::api_result<std::size_t> r) {
            result = std::move(r);
            s.async_shutdown([] {});
        });
    ioc.run();
    if (!result) {
        printer.abandon();
        print_error(0, "the operation did not complete");
        return exit_transport;
    }
    if (!*result) {
        printer.abandon();
        return fail(result->error());
    }
    printer.close();
    return exit_success;
}

} // namespace igtcloud::cli
