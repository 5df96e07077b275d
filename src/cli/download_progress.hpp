#pragma once

// igtcloud-users download-files: the download's progress on stderr, fed by download_sink::on_progress. On a
// terminal one line redrawn in place at most 10 times a second,
//   12.3 MiB / 300.0 MiB  4%  85.2 MiB/s  ETA 0:03        (Content-Length known)
//   12.3 MiB  85.2 MiB/s  0:07 elapsed                      (a chunked answer)
// and its last state left on the screen; otherwise a plain line at most once a second, for logs
// ("download-files: 12.3 MiB of 300.0 MiB (4%), 85.2 MiB/s, ETA 0:03").

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/progress.hpp"

namespace igtcloud::cli {

/// Where a download stands: bytes so far, the announced size, and the time they took.
struct download_figures {
    std::uint64_t received{};
    std::optional<std::uint64_t> total{}; ///< Content-Length; none for a chunked answer
    std::chrono::duration<double> elapsed{};
};

class download_progress {
public:
    using clock_type = status_line::clock_type;

    /// `terminal`: one line redrawn in place; else plain lines. The rate counts from `start` (the request's
    /// start), or from a restart.
    download_progress(std::FILE* out, bool terminal, clock_type::time_point start = clock_type::now());

    /// The sink's progress hook: `received` bytes so far of `total`. Fewer bytes than before mean the body
    /// started over (a retry): the rate counts from `now` again.
    void update(std::uint64_t received, std::optional<std::uint64_t> total,
                clock_type::time_point now = clock_type::now());
    /// The download ended: a terminal shows its final figures when it `completed` (however fast it was; the
    /// rate and time as of the last report, so the file's flush to disk and rename do not count) and the line
    /// is ended; nothing is drawn afterwards.
    void finish(bool completed);

    /// "12.3 MiB / 300.0 MiB  4%  85.2 MiB/s  ETA 0:03", or without a total "12.3 MiB  85.2 MiB/s  0:07
    /// elapsed".
    static std::string terminal_line(download_figures const& f);
    /// "download-files: 12.3 MiB of 300.0 MiB (4%), 85.2 MiB/s, ETA 0:03", or without a total
    /// "download-files: 12.3 MiB, 85.2 MiB/s, 0:07 elapsed".
    static std::string plain_line(download_figures const& f);

private:
    download_figures figures_at(clock_type::time_point now) const;

    status_line line_;
    clock_type::time_point start_;
    std::uint64_t received_{};
    std::optional<std::uint64_t> total_{};
    std::optional<clock_type::time_point> reported_{}; ///< the last update()'s time
};

} // namespace igtcloud::cli
