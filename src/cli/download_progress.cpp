// igtcloud-users download-files: the progress line (see download_progress.hpp).
#include "cli/download_progress.hpp"

namespace igtcloud::cli {
namespace {

double rate_of(download_figures const& f)
{
    auto const seconds = f.elapsed.count();
    return seconds > 0 ? static_cast<double>(f.received) / seconds : 0.0;
}

std::string rate_text(download_figures const& f)
{
    return byte_size_text(rate_of(f)) + "/s";
}

/// 0..100; a body larger than announced shows 100.
std::uint64_t percent_of(download_figures const& f, std::uint64_t total)
{
    if (total == 0 || f.received >= total) return 100;
    return static_cast<std::uint64_t>(static_cast<double>(f.received) * 100 / static_cast<double>(total));
}

/// "ETA 0:03" while bytes are missing; "0:07 elapsed" once all arrived.
std::string eta_text(download_figures const& f, std::uint64_t total)
{
    if (f.received >= total) return clock_text(f.elapsed.count()) + " elapsed";
    auto const rate = rate_of(f);
    if (rate <= 0) return "ETA -:--";
    return "ETA " + clock_text(static_cast<double>(total - f.received) / rate);
}

} // namespace

download_progress::download_progress(std::FILE* out, bool terminal, clock_type::time_point start)
    : line_(out, terminal, start)
    , start_(start)
{}

void download_progress::update(std::uint64_t received, std::optional<std::uint64_t> total,
                               clock_type::time_point now)
{
    if (received < received_) start_ = now; // the body started over
    received_ = received;
    total_ = total;
    reported_ = now;
    if (!line_.due(now)) return;
    auto const f = figures_at(now);
    line_.show(line_.terminal() ? terminal_line(f) : plain_line(f));
}

void download_progress::finish(bool completed)
{
    if (completed && reported_ && line_.terminal()) line_.show(terminal_line(figures_at(*reported_)));
    line_.finish();
}

download_figures download_progress::figures_at(clock_type::time_point now) const
{
    return {.received = received_, .total = total_, .elapsed = now - start_};
}

std::string download_progress::terminal_line(download_figures const& f)
{
    auto const received = byte_size_text(static_cast<double>(f.received));
    if (!f.total) return received + "  " + rate_text(f) + "  " + clock_text(f.elapsed.count()) + " elapsed";
    return received + " / " + byte_size_text(static_cast<double>(*f.total)) + "  " +
           std::to_string(percent_of(f, *f.total)) + "%  " + rate_text(f) + "  " + eta_text(f, *f.total);
}

std::string download_progress::plain_line(download_figures const& f)
{
    auto const received = byte_size_text(static_cast<double>(f.received));
    if (!f.total)
        return "download-files: " + received + ", " + rate_text(f) + ", " + clock_text(f.elapsed.count()) +
               " elapsed";
    return "download-files: " + received + " of " + byte_size_text(static_cast<double>(*f.total)) + " (" +
           std::to_string(percent_of(f, *f.total)) + "%), " + rate_text(f) + ", " + eta_text(f, *f.total);
}

} // namespace igtcloud::cli
