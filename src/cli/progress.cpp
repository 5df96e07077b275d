// igtcloud-users: the progress line on stderr (redrawn on a terminal, plain lines for logs), provision's bar.
#include "cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <sys/ioctl.h>
#include <unistd.h>

namespace igtcloud::cli {
namespace {

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

std::string byte_size_text(double bytes)
{
    static constexpr char const* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    char buffer[32];
    if (!(bytes >= 0)) bytes = 0; // negative or NaN
    if (bytes < 1023.5) {
        std::snprintf(buffer, sizeof buffer, "%.0f B", bytes);
        return buffer;
    }
    auto value = bytes / 1024;
    std::size_t unit = 0;
    for (; value >= 1023.95 && unit + 1 < std::size(units); ++unit)
        value /= 1024;
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
    return buffer;
}

status_line::status_line(std::FILE* out, bool terminal, clock_type::time_point start)
    : out_(out)
    , terminal_(terminal)
{
    if (!terminal_) last_ = start; // the first plain line after one interval
}

std::chrono::milliseconds status_line::interval() const noexcept
{
    return std::chrono::milliseconds(terminal_ ? 100 : 1000);
}

bool status_line::due(clock_type::time_point now)
{
    if (finished_ || (last_ && now - *last_ < interval())) return false;
    last_ = now;
    return true;
}

void status_line::show(std::string_view line)
{
    if (finished_) return;
    if (!terminal_) {
        std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(out_);
        return;
    }
    auto const width = columns();
    if (line.size() >= width) line = line.substr(0, width - 1);
    std::fprintf(out_, "\r\033[K%.*s", static_cast<int>(line.size()), line.data());
    std::fflush(out_);
    drawn_ = true;
}

void status_line::note(std::string_view line)
{
    clear();
    std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(out_);
}

void status_line::finish()
{
    if (drawn_) std::fputs("\n", out_); // the line's last state stays on the screen
    std::fflush(out_);
    drawn_ = false;
    finished_ = true;
}

std::size_t status_line::columns() const
{
    winsize size{};
    if (::ioctl(::fileno(out_), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

void status_line::clear()
{
    if (!drawn_) return;
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    drawn_ = false;
}

progress_display::progress_display(std::FILE* out, bool terminal) : line_(out, terminal) {}

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
    if (!line_.terminal()) {
        if (line_.due(std::chrono::steady_clock::now())) line_.show(plain_line(p));
        return;
    }
    // The provisioner paces its reports at interval(): every one is drawn.
    auto const columns = line_.columns();
    auto const text_width = figures(p).size() + 3;
    auto const bar_width =
        columns > text_width + 12 ? std::min<std::size_t>(30, columns - text_width - 2) : 0;
    line_.show(bar_line(p, bar_width));
}

} // namespace igtcloud::cli
