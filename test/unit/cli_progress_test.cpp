// Unit tests of igtcloud-users' progress lines without a terminal: byte sizes, the download's line (terminal
// and plain forms), and the pacing of status_line (at most 10 redraws a second on a terminal, a plain line at
// most once a second), written into a temporary file.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "cli/download_progress.hpp"
#include "cli/progress.hpp"

namespace {

namespace cli = igtcloud::cli;
using namespace std::chrono_literals;
using cli::download_figures;
using cli::download_progress;

constexpr std::uint64_t kib = 1024, mib = kib * kib, gib = mib * kib;

/// A temporary FILE* whose content can be read back.
class captured {
public:
    captured() : file_(std::tmpfile()) { BOOST_TEST_REQUIRE(file_ != nullptr); }
    ~captured() { std::fclose(file_); }
    captured(captured const&) = delete;
    captured& operator=(captured const&) = delete;
    std::FILE* get() const { return file_; }
    std::string text() const
    {
        std::fflush(file_);
        std::rewind(file_);
        std::string out;
        char buffer[512];
        while (auto const n = std::fread(buffer, 1, sizeof buffer, file_))
            out.append(buffer, n);
        return out;
    }

private:
    std::FILE* file_;
};

std::size_t count(std::string const& text, std::string const& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

std::string const redraw = "\r\033[K";

download_figures figures(std::uint64_t received, std::optional<std::uint64_t> total, double seconds)
{
    return {.received = received, .total = total, .elapsed = std::chrono::duration<double>(seconds)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_progress)

BOOST_AUTO_TEST_CASE(writes_binary_units_on_byte_size_text)
{
    BOOST_TEST(cli::byte_size_text(0) == "0 B");
    BOOST_TEST(cli::byte_size_text(1) == "1 B");
    BOOST_TEST(cli::byte_size_text(1023) == "1023 B");
    BOOST_TEST(cli::byte_size_text(1024) == "1.0 KiB");
    BOOST_TEST(cli::byte_size_text(1536) == "1.5 KiB");
    BOOST_TEST(cli::byte_size_text(static_cast<double>(mib - 1)) == "1.0 MiB"); // not "1024.0 KiB"
    BOOST_TEST(cli::byte_size_text(12.3 * mib) == "12.3 MiB");
    BOOST_TEST(cli::byte_size_text(static_cast<double>(300 * mib)) == "300.0 MiB");
    BOOST_TEST(cli::byte_size_text(2.5 * gib) == "2.5 GiB");
    BOOST_TEST(cli::byte_size_text(static_cast<double>(1024 * gib)) == "1.0 TiB");
    BOOST_TEST(cli::byte_size_text(static_cast<double>(std::numeric_limits<std::uint64_t>::max())) ==
               "16.0 EiB");
    BOOST_TEST(cli::byte_size_text(1e30) == "867361737988.4 EiB"); // no unit past EiB
    BOOST_TEST(cli::byte_size_text(-5) == "0 B");
    BOOST_TEST(cli::byte_size_text(std::nan("")) == "0 B");
}

BOOST_AUTO_TEST_CASE(shows_size_percent_rate_eta_on_known_total)
{
    BOOST_TEST(download_progress::terminal_line(figures(64 * mib, 256 * mib, 2.0)) ==
               "64.0 MiB / 256.0 MiB  25%  32.0 MiB/s  ETA 0:06");
    BOOST_TEST(download_progress::plain_line(figures(64 * mib, 256 * mib, 2.0)) ==
               "download-files: 64.0 MiB of 256.0 MiB (25%), 32.0 MiB/s, ETA 0:06");
    BOOST_TEST(download_progress::terminal_line(figures(12 * mib + 300 * kib, 300 * mib, 0.5)) ==
               "12.3 MiB / 300.0 MiB  4%  24.6 MiB/s  ETA 0:12");
    BOOST_TEST(download_progress::terminal_line(figures(3 * gib, 10 * gib, 70.0)) ==
               "3.0 GiB / 10.0 GiB  30%  43.9 MiB/s  ETA 2:43");
}

BOOST_AUTO_TEST_CASE(shows_elapsed_time_on_complete_or_unknown_total)
{
    BOOST_TEST(download_progress::terminal_line(figures(256 * mib, 256 * mib, 8.0)) ==
               "256.0 MiB / 256.0 MiB  100%  32.0 MiB/s  0:08 elapsed");
    BOOST_TEST(download_progress::terminal_line(figures(1536, std::nullopt, 3.0)) ==
               "1.5 KiB  512 B/s  0:03 elapsed");
    BOOST_TEST(download_progress::plain_line(figures(1536, std::nullopt, 3.0)) ==
               "download-files: 1.5 KiB, 512 B/s, 0:03 elapsed");
    BOOST_TEST(download_progress::terminal_line(figures(22, 22, 0.0)) ==
               "22 B / 22 B  100%  0 B/s  0:00 elapsed");
    BOOST_TEST(download_progress::terminal_line(figures(0, 0, 0.0)) ==
               "0 B / 0 B  100%  0 B/s  0:00 elapsed");
    // a body longer than announced: never above 100 %
    BOOST_TEST(download_progress::terminal_line(figures(30, 20, 1.0)) ==
               "30 B / 20 B  100%  30 B/s  0:01 elapsed");
}

BOOST_AUTO_TEST_CASE(shows_no_eta_on_zero_rate)
{
    BOOST_TEST(download_progress::terminal_line(figures(0, 100, 0.0)) == "0 B / 100 B  0%  0 B/s  ETA -:--");
    BOOST_TEST(download_progress::plain_line(figures(0, 100, 5.0)) ==
               "download-files: 0 B of 100 B (0%), 0 B/s, ETA -:--");
}

BOOST_AUTO_TEST_CASE(redraws_at_most_ten_times_a_second_on_terminal)
{
    captured out;
    auto const t0 = download_progress::clock_type::now();
    download_progress p(out.get(), true, t0);
    for (int ms = 0; ms < 1000; ++ms) // one progress report per millisecond for a second
        p.update(static_cast<std::uint64_t>(ms + 1) * kib, 1000 * kib, t0 + std::chrono::milliseconds(ms));
    auto const during = out.text();
    BOOST_TEST(count(during, redraw) == 10u); // at 0, 100, ..., 900 ms
    BOOST_TEST(during.find('\n') == std::string::npos);
    BOOST_TEST(during.starts_with(redraw + "1.0 KiB / 1000.0 KiB  0%"), during);

    p.finish(true);
    auto const after = out.text();
    BOOST_TEST(count(after, redraw) == 11u); // the final state (at 999 ms), however recent the last drawing
    BOOST_TEST(after.ends_with(redraw + "1000.0 KiB / 1000.0 KiB  100%  1001.0 KiB/s  0:01 elapsed\n"),
               after);
    p.update(5, 10, t0 + 5s); // nothing after finish
    BOOST_TEST(out.text() == after);
}

BOOST_AUTO_TEST_CASE(shows_final_state_of_fast_download_on_terminal)
{
    captured out;
    auto const t0 = download_progress::clock_type::now();
    download_progress p(out.get(), true, t0);
    p.update(10, 22, t0 + 1ms);
    p.update(22, 22, t0 + 2ms); // not drawn: 1 ms after the first
    BOOST_TEST(count(out.text(), redraw) == 1u);
    p.finish(true); // at the last report's time: the rate of the bytes, not of the file's flush and rename
    BOOST_TEST(out.text().ends_with(redraw + "22 B / 22 B  100%  10.7 KiB/s  0:00 elapsed\n"), out.text());
}

BOOST_AUTO_TEST_CASE(keeps_last_state_without_redraw_on_failed_download)
{
    captured out;
    auto const t0 = download_progress::clock_type::now();
    download_progress p(out.get(), true, t0);
    p.update(10, 100, t0);
    p.update(50, 100, t0 + 50ms);
    p.finish(false);
    auto const text = out.text();
    BOOST_TEST(count(text, redraw) == 1u);
    BOOST_TEST(text == redraw + "10 B / 100 B  10%  0 B/s  ETA -:--\n");

    captured none;
    download_progress silent(none.get(), true, t0);
    silent.finish(false); // never reported: nothing at all, not even a line break
    BOOST_TEST(none.text().empty());
}

BOOST_AUTO_TEST_CASE(counts_rate_from_restart_on_fewer_bytes)
{
    captured out;
    auto const t0 = download_progress::clock_type::now();
    download_progress p(out.get(), true, t0);
    p.update(5 * mib, 8 * mib, t0 + 1s);
    p.update(1 * mib, 8 * mib, t0 + 2s); // a retry started the body over
    p.update(3 * mib, 8 * mib, t0 + 3s);
    BOOST_TEST(out.text().ends_with(redraw + "3.0 MiB / 8.0 MiB  37%  3.0 MiB/s  ETA 0:02"), out.text());
}

BOOST_AUTO_TEST_CASE(writes_a_plain_line_at_most_once_a_second_off_terminal)
{
    captured out;
    auto const t0 = download_progress::clock_type::now();
    download_progress p(out.get(), false, t0);
    p.update(1 * mib, 4 * mib, t0 + 500ms); // the first plain line comes after one second
    BOOST_TEST(out.text().empty());
    p.update(2 * mib, 4 * mib, t0 + 1s);
    p.update(3 * mib, 4 * mib, t0 + 1500ms);
    BOOST_TEST(out.text() == "download-files: 2.0 MiB of 4.0 MiB (50%), 2.0 MiB/s, ETA 0:01\n");
    p.update(4 * mib, 4 * mib, t0 + 2s);
    p.finish(true); // no final line off a terminal
    BOOST_TEST(out.text() == "download-files: 2.0 MiB of 4.0 MiB (50%), 2.0 MiB/s, ETA 0:01\n"
                             "download-files: 4.0 MiB of 4.0 MiB (100%), 2.0 MiB/s, 0:02 elapsed\n");
    BOOST_TEST(out.text().find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(cuts_terminal_line_to_width_on_status_line)
{
    captured out;
    cli::status_line line(out.get(), true);
    BOOST_TEST(line.columns() == 80u); // not a terminal: the default width
    line.show(std::string(200, 'x'));
    line.note("a note");
    line.show("short");
    line.finish();
    line.show("after");
    BOOST_TEST(out.text() == redraw + std::string(79, 'x') + redraw + "a note\n" + redraw + "short\n");
}

BOOST_AUTO_TEST_SUITE_END()
