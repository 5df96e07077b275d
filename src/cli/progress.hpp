#pragma once

// igtcloud-users' progress on stderr (provision, download-files). On a terminal one line redrawn in place;
// otherwise a plain line every second, for logs. status_line does the drawing and the pacing; each command
// formats its own figures (provision's bar here, the download's in download_progress.hpp).

#include <igtcloud/entities/provision.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::cli {

/// One line of progress: on a terminal redrawn in place ("\r", erase the line, the text cut to the
/// terminal's width), at most every 100 ms; else plain lines, at most one a second (the first after one
/// second). Not thread-safe: one caller at a time.
class status_line {
public:
    using clock_type = std::chrono::steady_clock;

    /// `terminal`: redraw one line in place; else write plain lines. `start`: when the pacing starts.
    status_line(std::FILE* out, bool terminal, clock_type::time_point start = clock_type::now());

    bool terminal() const noexcept { return terminal_; }
    /// 100 ms on a terminal, 1 s for plain lines.
    std::chrono::milliseconds interval() const noexcept;
    /// Whether a line is due at `now` (one interval after the last, or the start for plain lines; a
    /// terminal's first line at once); when it is, the next one is due an interval later. Never after
    /// finish().
    bool due(clock_type::time_point now);
    /// Draws `line`: redraws the terminal's line, or writes a plain line. Nothing after finish().
    void show(std::string_view line);
    /// Writes a line of its own (the terminal's line is cleared first and redrawn by the next show()).
    void note(std::string_view line);
    /// Ends the terminal's line, leaving its last state on the screen; nothing is drawn afterwards.
    void finish();
    /// The terminal's width in columns (80 when it cannot be told).
    std::size_t columns() const;

private:
    void clear();

    std::FILE* out_;
    bool terminal_;
    bool drawn_{};
    bool finished_{};
    std::optional<clock_type::time_point> last_{}; ///< the last line's time (plain lines: the start at first)
};

class progress_display {
public:
    /// `terminal`: redraw one line with '\r'; else write plain lines.
    progress_display(std::FILE* out, bool terminal);

    /// How often the provisioning should report progress.
    std::chrono::milliseconds interval() const noexcept { return line_.interval(); }
    /// Shows `p` (plain lines: at most one a second).
    void update(entities::provision_progress const& p);
    /// Writes a line of its own (the bar is cleared first and redrawn by the next update).
    void note(std::string_view line) { line_.note(line); }
    /// Ends the bar's line, leaving its last state on the screen; nothing is drawn afterwards.
    void finish() { line_.finish(); }

    /// "[#####-----]  450/1000  45%  1234/s  ETA 0:05" and the like (for tests and the plain lines).
    static std::string bar_line(entities::provision_progress const& p, std::size_t bar_width);
    static std::string plain_line(entities::provision_progress const& p);

private:
    status_line line_;
};

/// "1:05:09", "4:02", "0:07" for a duration in seconds.
std::string clock_text(double seconds);

/// A byte count in binary units: "0 B", "1023 B", "1.0 KiB", "12.3 MiB", "2.5 GiB" (one decimal from KiB
/// on; a value that would round to 1024.0 of a unit is shown in the next one). Negative or NaN: "0 B".
std::string byte_size_text(double bytes);

} // namespace igtcloud::cli
