// igtcloud-users provision: the progress bar (terminal) or progress lines (logs) on stderr.
#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <sys/ioctl.h>
#include <unistd.h>

namespace igtcloud::cli {
namespace {

using clock_type = std::chrono::steady_clock;

double rate_of(entities::provision_progress const& p)
{
    auto const seconds = p.elapsed.count();
    return seconds > 0 ? static_cast<double>(p.done) / seconds : 0.0;
}

/// The expected total, never below what is done already (the line count is an estimate).
std::optional<std::size_t> total_of(entities::provision_progress const& p)
{
    if (!p.total) return std::nullopt;
    return std::max(*p.total, p.done);
}

std::string eta_text(entities::provision_progress const& p, std::size_t total)
{
    auto const rate = rate_of(p);
    if (rate <= 0) return "ETA -:--";
    return "ETA " + clock_text(static_cast<double>(total - p.done) / rate);
}

std::string number(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
    return buffer;
}

/// The figures after the bar: "450/1000  45%  1234/s  ETA 0:05  3 failed".
std::string figures(entities::provision_progress const& p)
{
    std::string text;
    if (auto const total = total_of(p)) {
        auto const percent = *total == 0 ? 100 : p.done * 100 / *total;
        text = std::to_string(p.done) + "/" + std::to_string(*total) + "  " + std::to_string(percent) +
               "%  " + number(rate_of(p)) + "/s  " + eta_text(p, *total);
    } else {
        text = std::to_string(p.done) + " done  " + number(rate_of(p)) + "/s  " +
               clock_text(p.elapsed.count()) + " elapsed";
    }
    if (p.failed > 0) text += "  " + std::to_string(p.failed) + " failed";
    return text;
}

std::size_t terminal_columns(std::FILE* out)
{
    winsize size{};
    if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

} // namespace

std::string clock_text(double seconds)
{
    auto const total = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
    char buffer[32];
    if (total >= 3600)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld", total / 60, total % 60);
    return buffer;
}

progress_display::progress_display(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

std::chrono::milliseconds progress_display::interval() const noexcept
{
    return std::chrono::milliseconds(terminal_ ? 100 : 1000);
}

std::string progress_display::bar_line(entities::provision_progress const& p, std::size_t bar_width)
{
    auto const text = figures(p);
    auto const total = total_of(p);
    if (!total || bar_width == 0) return text;
    auto const filled = std::min(bar_width, *total == 0 ? bar_width : p.done * bar_width / *total);
    // Appended in place (GCC 12 at -O3 warns falsely on `"[" + std::string(...)`).
    std::string line;
    line.reserve(bar_width + 4 + text.size());
    line.push_back('[');
    line.append(filled, '#').append(bar_width - filled, '-').append("]  ").append(text);
    return line;
}

std::string progress_display::plain_line(entities::provision_progress const& p)
{
    auto const rate = number(rate_of(p)) + " items/s";
    std::string text = "provision: ";
    if (auto const total = total_of(p)) {
        auto const percent = *total == 0 ? 100 : p.done * 100 / *total;
        text += std::to_string(p.done) + "/" + std::to_string(*total) + " done (" + std::to_string(percent) +
                "%), " + std::to_string(p.failed) + " failed, " + rate + ", " + eta_text(p, *total);
    } else {
        text += std::to_string(p.done) + " done, " + std::to_string(p.failed) + " failed, " + rate + ", " +
                clock_text(p.elapsed.count()) + " elapsed";
    }
    return text;
}

void progress_display::update(entities::provision_progress const& p)
{
    if (finished_) return;
    auto const now = clock_type::now();
    if (!terminal_) {
        if (now - last_line_ < interval()) return;
        last_line_ = now;
        std::fprintf(out_, "%s\n", plain_line(p).c_str());
        std::fflush(out_);
        return;
    }
    auto const columns = terminal_columns(out_);
    auto const text_width = figures(p).size() + 3;
    auto const bar_width =
        columns > text_width + 12 ? std::min<std::size_t>(30, columns - text_width - 2) : 0;
    auto line = bar_line(p, bar_width);
    if (line.size() >= columns) line.resize(columns - 1);
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    std::fflush(out_);
    drawn_ = true;
}

void progress_display::note(std::string_view line)
{
    clear();
    std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(out_);
}

void progress_display::finish()
{
    if (drawn_) std::fputs("\n", out_); // the bar's last state stays on the screen
    std::fflush(out_);
    drawn_ = false;
    finished_ = true;
}

void progress_display::clear()
{
    if (!drawn_) return;
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    drawn_ = false;
}

} // namespace igtcloud::cli
