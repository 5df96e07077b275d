// igtcloud-users download-files: one async_download_user_files on the main thread's io_context. A PATH goes
// to the library's file sink (PATH.part, renamed when complete); "-" to a callable sink writing stdout, which
// has no restart (bytes already written to stdout cannot be taken back, so no retry once bytes went out). The
// first SIGINT/SIGTERM cancels the download (the library removes PATH.part), a second one kills the process.
#include "cli/download_command.hpp"

#include <igtcloud/entities.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/object.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/download_progress.hpp"
#include "cli/output.hpp"
#include <unistd.h>

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using boost::system::error_code;

/// The errno of a failed write as an error_code (EIO when the C library left none).
error_code write_error()
{
    return {errno != 0 ? errno : EIO, boost::system::system_category()};
}

/// The archive to stdout, binary-safe. A failed write (EPIPE, ENOSPC, ...) ends the download with its errno.
/// No restart function: what stdout received cannot be taken back, so the library does not retry once bytes
/// went out.
entities::download_sink stdout_sink()
{
    return entities::download_sink::callable([](entities::byte_chunk chunk) -> error_code {
        if (chunk.empty()) return {};
        errno = 0;
        if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) == chunk.size()) return {};
        return write_error();
    });
}

/// SIGINT/SIGTERM during the download: the first cancels it (terminal: the connection is closed and a file
/// sink's PATH.part removed), then the default action returns (a second signal kills the process).
class download_interrupt {
public:
    explicit download_interrupt(asio::io_context& ioc) : signals_(ioc, SIGINT, SIGTERM)
    {
        signals_.async_wait([this](error_code ec, int) {
            if (ec) return;
            interrupted_ = true;
            signals_.clear();
            stop_.emit(asio::cancellation_type::terminal);
        });
    }
    asio::cancellation_slot slot() { return stop_.slot(); }
    bool interrupted() const noexcept { return interrupted_; }
    void done() { signals_.cancel(); }

private:
    asio::signal_set signals_;
    asio::cancellation_signal stop_;
    bool interrupted_{};
};

entities::request_options download_options(global_options const& g)
{
    auto opts = request_options_for(g);
    if (!g.timeout_seconds) // else the session's request_timeout is --timeout, as for every command
        opts.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(default_download_timeout);
    return opts;
}

/// The exit code of a completed download: its output line (a PATH) or stdout flushed ("-").
int succeeded(std::string const& output, std::uint64_t bytes)
{
    if (output != "-") {
        print_json(json::object{{"bytes", bytes}, {"path", output}});
        return exit_success;
    }
    errno = 0;
    if (std::fflush(stdout) == 0) return exit_success;
    auto const ec = write_error();
    print_error(0, "writing the archive to stdout failed: " + ec.message());
    return exit_transport;
}

} // namespace

int run_download(invocation const& inv, asio::io_context& ioc, entities::session& s)
{
    auto const& output = inv.download.output;
    bool const to_stdout = output == "-";
    if (to_stdout) {
        if (::isatty(STDOUT_FILENO) == 1)
            return fail_usage("download-files --output -: stdout is a terminal; redirect it (> files.zip) or "
                              "give --output PATH");
        std::signal(SIGPIPE, SIG_IGN); // a closed pipe is EPIPE from fwrite, not the end of the process
    }
    download_progress progress(stderr, ::isatty(STDERR_FILENO) == 1);
    auto sink = to_stdout ? stdout_sink() : entities::download_sink::file(output);
    sink.on_progress([&progress](std::uint64_t received, std::optional<std::uint64_t> total) {
        progress.update(received, total);
    });

    download_interrupt interrupt(ioc);
    std::optional<entities::api_result<std::uint64_t>> result;
    s.users().async_download_user_files(
        std::move(sink), download_options(inv.global),
        asio::bind_cancellation_slot(interrupt.slot(), [&](entities::api_result<std::uint64_t> r) {
            result = std::move(r);
            interrupt.done();
            s.async_shutdown([] {});
        }));
    ioc.run();
    progress.finish(result && result->has_value());
    if (!result) {
        print_error(0, "the download did not complete");
        return exit_transport;
    }
    if (result->has_value()) return succeeded(output, **result);
    if (interrupt.interrupted()) {
        print_error(0, to_stdout ? "download-files: interrupted (stdout holds part of the archive)"
                                 : "download-files: interrupted; " + output + " was left as it was");
        return exit_api_error;
    }
    return fail(result->error());
}

} // namespace igtcloud::cli
