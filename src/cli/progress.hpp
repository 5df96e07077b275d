#pragma once

// igtcloud-users provision: progress on stderr. On a terminal one line redrawn in place (a bar when the
// total is known, rate, ETA); otherwise a plain line every second, for logs.

#include <igtcloud/entities/provision.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::cli {

class progress_display {
public:
    /// `terminal`: redraw one line with '\r'; else write plain lines.
    progress_display(std::FILE* out, bool terminal);

    /// How often the provisioning should report progress.
    std::chrono::milliseconds interval() const noexcept;
    /// Shows `p` (plain lines: at most one a second).
    void update(entities::provision_progress const& p);
    /// Writes a line of its own (the bar is cleared first and redrawn by the next update).
    void note(std::string_view line);
    /// Ends the bar's line, leaving its last state on the screen; nothing is drawn afterwards.
    void finish();

    /// "[#####-----]  450/1000  45%  1234/s  ETA 0:05" and the like (for tests and the plain lines).
    static std::string bar_line(entities::provision_progress const& p, std::size_t bar_width);
    static std::string plain_line(entities::provision_progress const& p);

private:
    void clear();

    std::FILE* out_;
    bool terminal_;
    bool drawn_{};
    bool finished_{};
    std::chrono::steady_clock::time_point last_line_{
        std::chrono::steady_clock::now()}; ///< plain lines: the last one's time (first after one interval)
};

/// "1:05:09", "4:02", "0:07" for a duration in seconds.
std::string clock_text(double seconds);

} // namespace igtcloud::cli
