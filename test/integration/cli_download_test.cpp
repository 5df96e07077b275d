// igtcloud-users download-files --output PATH|- as a process (DESIGN.md §7): against the in-process mock
// (files of known content, faults, a secret token), igtcloud-mock-server --api 2023 as a process (its seeded
// files), and a scripted peer whose body never ends (deadline, interruption). The archive is checked by
// `unzip` and compared with the store; a failed download leaves nothing at PATH (an existing file stays byte
// for byte) and no PATH.part; the progress line appears on a pseudo-terminal, with no token in any output.
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/progress.hpp"
#include "support/cli_runner.hpp"
#include "support/process.hpp"
#include "support/scripted_server.hpp"
#include "support/tty_runner.hpp"
#include "support/unzip.hpp"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace igtcloud::test::cli;
using igtcloud::test::file_bytes;
using igtcloud::test::run_unzip;
using igtcloud::test::tree_of;

namespace {

constexpr char const* admin = "admin@example.org"; // the in-process mock's default token's user
constexpr char const* route = "GET /users/download-files";

/// `n` reproducible pseudo-random bytes (mock_2023_kit.hpp's helper: its raw client's `request` would clash
/// with the scripted peer's).
std::string random_bytes(std::size_t n, unsigned seed)
{
    std::mt19937_64 gen(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(gen());
    return s;
}

/// The admin's files: several chunks' worth, an empty one, awkward names.
void add_files(mock::server& srv)
{
    srv.add_file(admin, "cases/scan 1.dcm", random_bytes(3u << 20, 11));
    srv.add_file(admin, "notes.txt", "hello\n");
    srv.add_file(admin, "empty", "");
    srv.add_file(admin, "dir/deep/a&b.bin", random_bytes(70'000, 12));
}

/// The stored files of the admin, by key.
std::map<std::string, std::string> stored(mock::server const& srv)
{
    std::map<std::string, std::string> out;
    for (auto const& f : srv.files_of(admin))
        out[f.key] = *f.bytes;
    return out;
}

std::uint64_t downloads(mock::server const& srv)
{
    auto const by_route = srv.stats().requests_by_route;
    auto const at = by_route.find(route);
    return at == by_route.end() ? 0 : at->second;
}

/// `unzip -t` passes on `zip`; its entries, extracted into a new folder under `dir`.
std::map<std::string, std::string> unzipped(fs::path const& zip, temp_dir const& dir)
{
    std::string out;
    BOOST_TEST_REQUIRE(run_unzip({"-t", zip.string()}, out) == 0, out);
    BOOST_TEST(out.find("No errors detected") != std::string::npos, out);
    auto const into = dir / ("x-" + zip.filename().string());
    BOOST_TEST_REQUIRE(run_unzip({"-qq", zip.string(), "-d", into.string()}, out) == 0, out);
    return tree_of(into);
}

fs::path part_of(std::string const& path)
{
    return path + ".part";
}

/// stderr off a terminal: no redrawn line and no error line (plain progress lines at most).
void check_quiet_stderr(cli_result const& r)
{
    BOOST_TEST(r.err.find('\r') == std::string::npos, r.err);
    BOOST_TEST(r.err.find("\"status\"") == std::string::npos, r.err);
    std::size_t at = 0;
    while (at < r.err.size()) { // only "download-files: ..." progress lines
        BOOST_TEST(r.err.compare(at, 16, "download-files: ") == 0, r.err);
        at = r.err.find('\n', at) + 1;
        if (at == 0) break;
    }
}

/// A peer answering every request with a 200 zip head announcing 1,000,000 bytes and a body that never ends:
/// one byte every 50 ms after the first four.
struct endless_download {
    igtcloud::test::scripted_server peer{[](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{.bytes = "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n"
                                              "Content-Length: 1000000\r\n\r\nPK\x03\x04",
                                     .drip = std::chrono::milliseconds(50)};
    }};
    std::vector<std::string> with(std::vector<std::string> args) const
    {
        std::vector<std::string> all{"--url", peer.base_url(), "--jwt", "t-0123"};
        all.insert(all.end(), args.begin(), args.end());
        return all;
    }
};

/// Waits up to 20 s for `p` to exist.
bool appears(fs::path const& p)
{
    for (int i = 0; i < 2000 && !fs::exists(p); ++i)
        std::this_thread::sleep_for(10ms);
    return fs::exists(p);
}

/// igtcloud-users `args` with its stdout on `stdout_fd` (the child's; closed here), stdin /dev/null: the exit
/// code and stderr (killed after a minute).
cli_result run_with_stdout(std::vector<std::string> args, int stdout_fd)
{
    temp_dir dir;
    auto envs = cli_environment({}, dir / "no-token-file");
    exec_vectors program(args, envs);
    auto const err = dir.file("stderr");
    pid_t const pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(stdout_fd, STDOUT_FILENO);
        ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
        ::dup2(::open("/dev/null", O_RDONLY), STDIN_FILENO);
        program.exec();
    }
    ::close(stdout_fd);
    int status = 0;
    auto const until = std::chrono::steady_clock::now() + 60s;
    while (::waitpid(pid, &status, WNOHANG) != pid) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, {}, slurp(err)};
}

std::string const precious = std::string("an earlier archive\0\x01\xff", 22);

} // namespace

BOOST_AUTO_TEST_SUITE(cli_download)

BOOST_AUTO_TEST_CASE(writes_zip_and_prints_bytes_and_path_on_output_path)
{
    mock::server srv;
    add_files(srv);
    temp_dir dir;
    auto const path = dir.file("files.zip");
    auto const r = run_cli(against(srv, {"download-files", "--output", path}));
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST_REQUIRE(fs::exists(path));
    BOOST_TEST(!fs::exists(part_of(path)));
    auto const line = stdout_object(r);
    BOOST_TEST(line.size() == 2u, r.out);
    BOOST_TEST(num(line, "bytes") == static_cast<std::int64_t>(fs::file_size(path)));
    BOOST_TEST(str(line, "path") == path);
    BOOST_TEST(r.out == json::serialize(line) + "\n", "one JSON line: " << r.out);
    BOOST_TEST(fs::file_size(path) > (3u << 20));
    BOOST_TEST((unzipped(path, dir) == stored(srv)));
    check_quiet_stderr(r);
    BOOST_TEST(downloads(srv) == 1u);
}

BOOST_AUTO_TEST_CASE(replaces_existing_file_on_output_path)
{
    mock::server srv;
    srv.add_file(admin, "a.txt", "fresh");
    temp_dir dir;
    auto const path = dir.write("files.zip", precious);
    auto const r = run_cli(against(srv, {"download-files", "--output", path}));
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST((unzipped(path, dir) == std::map<std::string, std::string>{{"a.txt", "fresh"}}));
    BOOST_TEST(!fs::exists(part_of(path)));
}

BOOST_AUTO_TEST_CASE(writes_seeded_files_on_output_path_against_mock_binary)
{
    igtcloud::test::process proc{IGTCLOUD_MOCK_SERVER_BINARY,
                                 {"--port", "0", "--api", "2023", "--token", "t-grace=grace",
                                  "--files-per-user", "3", "--file-bytes", "1048576"}};
    auto const url = "http://127.0.0.1:" + std::to_string(igtcloud::test::port_of(proc.line())) + "/data";
    temp_dir dir;
    auto const path = dir.file("grace.zip");
    auto const r = run_cli({"--url", url, "--jwt", "t-grace", "download-files", "--output", path});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(num(stdout_object(r), "bytes") == static_cast<std::int64_t>(fs::file_size(path)));
    auto const entries = unzipped(path, dir);
    BOOST_TEST_REQUIRE(entries.size() == 3u);
    for (auto const& name : {"seed/file-00001.bin", "seed/file-00002.bin", "seed/file-00003.bin"}) {
        BOOST_TEST_REQUIRE(entries.count(name) == 1u, name);
        BOOST_TEST(entries.at(name).size() == 1048576u, name);
        BOOST_TEST((entries.at(name) == entries.begin()->second), name); // one shared buffer
    }
    BOOST_TEST(!fs::exists(part_of(path)));
}

BOOST_AUTO_TEST_CASE(writes_exactly_the_zip_to_stdout_on_output_dash)
{
    mock::server srv;
    add_files(srv);
    temp_dir dir;
    auto const path = dir.file("files.zip");
    auto const saved = run_cli(against(srv, {"download-files", "--output", path}));
    BOOST_TEST_REQUIRE(saved.code == 0, saved.err);
    auto const piped = run_cli(against(srv, {"download-files", "--output", "-"}));
    BOOST_TEST_REQUIRE(piped.code == 0, piped.err);
    BOOST_TEST(piped.out.size() == fs::file_size(path));
    BOOST_TEST((piped.out == file_bytes(path)), "stdout is not the archive");
    auto const copy = dir.write("piped.zip", piped.out);
    BOOST_TEST((unzipped(copy, dir) == stored(srv)));
    check_quiet_stderr(piped);
}

BOOST_AUTO_TEST_CASE(fails_and_leaves_no_file_on_truncated_download)
{
    mock::options faulty;
    faulty.truncate_rate = 1.0; // every body cut in half, then the connection closed
    mock::server srv{faulty};
    add_files(srv);
    temp_dir dir;

    auto const fresh = dir.file("fresh.zip");
    auto const r = run_cli(against(srv, {"download-files", "--output", fresh}));
    check_error(r, 3, 0, "truncated, fresh path");
    BOOST_TEST(!fs::exists(fresh));
    BOOST_TEST(!fs::exists(part_of(fresh)));
    BOOST_TEST(downloads(srv) == 3u); // a file sink starts over: the first attempt and 2 retries

    auto const kept = dir.write("kept.zip", precious);
    auto const again = run_cli(against(srv, {"download-files", "--output", kept}));
    check_error(again, 3, 0, "truncated, existing path");
    BOOST_TEST((file_bytes(kept) == precious), "the existing file was changed");
    BOOST_TEST(!fs::exists(part_of(kept)));
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1); // kept.zip
}

BOOST_AUTO_TEST_CASE(stops_without_retry_after_bytes_on_output_dash)
{
    mock::server whole;
    add_files(whole);
    temp_dir dir;
    auto const path = dir.file("whole.zip");
    BOOST_TEST_REQUIRE(run_cli(against(whole, {"download-files", "--output", path})).code == 0);
    auto const archive = file_bytes(path);

    mock::options faulty;
    faulty.truncate_rate = 1.0;
    mock::server srv{faulty};
    add_files(srv);
    auto const r = run_cli(against(srv, {"download-files", "--output", "-"}));
    BOOST_TEST(r.code == 3, r.err);
    BOOST_TEST(status_of(r) == 0);
    BOOST_TEST(downloads(srv) == 1u); // bytes went to stdout: no retry
    BOOST_TEST(!r.out.empty());
    BOOST_TEST(r.out.size() < archive.size());
    BOOST_TEST((archive.compare(0, r.out.size(), r.out) == 0), "stdout is not a prefix of the archive");
}

BOOST_AUTO_TEST_CASE(stops_with_epipe_on_closed_stdout)
{
    mock::server srv;
    add_files(srv);
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]); // nobody reads: every write to the pipe fails with EPIPE
    auto const r = run_with_stdout(against(srv, {"download-files", "--output", "-"}), fds[1]);
    BOOST_TEST(r.code == 3, r.err); // not killed by SIGPIPE
    BOOST_TEST(status_of(r) == 0);
    BOOST_TEST(str(error_line(r), "message").find("Broken pipe") != std::string::npos, r.err);
    BOOST_TEST(downloads(srv) == 1u); // a sink error is not retried
}

BOOST_AUTO_TEST_CASE(fails_with_enospc_on_full_stdout)
{
    // a 3 MiB archive fails while it arrives; a tiny one stays in stdout's buffer until the final flush
    for (bool const large : {true, false}) {
        mock::server srv;
        if (large)
            add_files(srv);
        else
            srv.add_file(admin, "tiny.txt", "tiny");
        int const full = ::open("/dev/full", O_WRONLY);
        BOOST_TEST_REQUIRE(full >= 0);
        auto const r = run_with_stdout(against(srv, {"download-files", "--output", "-"}), full);
        BOOST_TEST(r.code == 3, (large ? "large: " : "tiny: ") << r.err);
        BOOST_TEST(str(error_line(r), "message").find("No space left on device") != std::string::npos, r.err);
        BOOST_TEST(downloads(srv) == 1u);
    }
}

BOOST_AUTO_TEST_CASE(fails_with_401_and_keeps_existing_file_on_unknown_token)
{
    mock::server srv;
    add_files(srv);
    temp_dir dir;
    auto const kept = dir.write("kept.zip", precious);
    auto const r = run_cli({"--url", srv.base_url(), "--jwt", "nobody", "download-files", "--output", kept});
    check_error(r, 1, 401, "unknown token, PATH");
    BOOST_TEST((file_bytes(kept) == precious), "the existing file was changed");
    BOOST_TEST(!fs::exists(part_of(kept)));

    auto const fresh = dir.file("fresh.zip");
    check_error(run_cli({"--url", srv.base_url(), "--jwt", "nobody", "download-files", "--output", fresh}), 1,
                401, "unknown token, fresh PATH");
    BOOST_TEST(!fs::exists(fresh));
    BOOST_TEST(!fs::exists(part_of(fresh)));

    // "-": an error answer never reaches the sink, so stdout stays empty (check_error)
    check_error(run_cli({"--url", srv.base_url(), "--jwt", "nobody", "download-files", "--output", "-"}), 1,
                401, "unknown token, stdout");
    BOOST_TEST(downloads(srv) == 3u);
}

BOOST_AUTO_TEST_CASE(exits_2_without_request_on_missing_output)
{
    mock::server srv;
    add_files(srv);
    auto const r = run_cli(against(srv, {"download-files"}));
    check_error(r, 2, 0, "no --output");
    BOOST_TEST(str(error_line(r), "message").find("--output") != std::string::npos, r.err);
    auto const empty_flag = run_cli(against(srv, {"download-files", "--output"}));
    check_error(empty_flag, 2, 0, "--output without a value");
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(exits_2_without_request_on_unusable_path)
{
    mock::server srv;
    add_files(srv);
    temp_dir dir;
    for (auto const& path : {dir.path.string(), dir.file("no/such/dir/x.zip"), std::string()}) {
        auto const r = run_cli(against(srv, {"download-files", "--output", path}));
        check_error(r, 2, 0, "--output '" + path + "'");
    }
    BOOST_TEST(srv.stats().requests_served == 0u);
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 0);
}

BOOST_AUTO_TEST_CASE(times_out_with_exit_3_and_no_file_on_endless_body)
{
    endless_download srv;
    temp_dir dir;
    auto const kept = dir.write("kept.zip", precious);
    auto const started = std::chrono::steady_clock::now();
    auto const r = run_cli(srv.with({"--timeout", "1", "download-files", "--output", kept}));
    auto const took = std::chrono::steady_clock::now() - started;
    check_error(r, 3, 0, "endless body, --timeout 1");
    BOOST_TEST(str(error_line(r), "message").find("timed out") != std::string::npos, r.err);
    BOOST_TEST(took >= 1s);
    BOOST_TEST(took < 15s);
    BOOST_TEST((file_bytes(kept) == precious), "the existing file was changed");
    BOOST_TEST(!fs::exists(part_of(kept)));
}

BOOST_AUTO_TEST_CASE(removes_part_file_and_exits_1_on_interrupt)
{
    endless_download srv;
    temp_dir dir;
    auto const kept = dir.write("kept.zip", precious);
    cli_process p(srv.with({"download-files", "--output", kept})); // the default deadline: an hour
    BOOST_TEST_REQUIRE(appears(part_of(kept)), "no .part file while the body arrives");
    p.signal(SIGINT);
    auto const r = p.wait(30s);
    check_error(r, 1, 0, "interrupted");
    BOOST_TEST(str(error_line(r), "message").find("interrupted") != std::string::npos, r.err);
    BOOST_TEST((file_bytes(kept) == precious), "the existing file was changed");
    BOOST_TEST(!fs::exists(part_of(kept)));
}

BOOST_AUTO_TEST_CASE(shows_progress_on_terminal_without_token)
{
    std::string const token = "tok-5ecret-9f2c71e04b";
    mock::options opts;
    opts.tokens = {{token, admin}};
    mock::server srv{opts};
    add_files(srv);
    temp_dir dir;
    auto const path = dir.file("files.zip");
    auto const run =
        run_on_tty({"--url", srv.base_url(), "--jwt", token, "download-files", "--output", path}, {});
    BOOST_TEST_REQUIRE(run.code == 0, run.transcript);
    auto const size = fs::file_size(path);
    auto const mib = igtcloud::cli::byte_size_text(static_cast<double>(size)); // "3.3 MiB"
    // the progress line, redrawn in place, its final state left on the screen, then the JSON line
    BOOST_TEST(run.transcript.find("\r\033[K") != std::string::npos, run.transcript);
    BOOST_TEST(run.transcript.find(mib + " / " + mib + "  100%  ") != std::string::npos, run.transcript);
    BOOST_TEST(run.transcript.find("/s  0:0") != std::string::npos, run.transcript);
    BOOST_TEST(run.transcript.find("\"bytes\": " + std::to_string(size)) != std::string::npos,
               run.transcript);
    BOOST_TEST(run.transcript.find(token) == std::string::npos, "the token shows on the terminal");
    BOOST_TEST((unzipped(path, dir) == stored(srv)));

    // "-" with stdout redirected: the progress on the terminal (stderr), the archive in the file only
    auto const out = dir.file("stdout.zip");
    auto const piped = run_on_tty(
        {"--url", srv.base_url(), "--jwt", token, "download-files", "--output", "-"}, {}, {}, {}, out);
    BOOST_TEST_REQUIRE(piped.code == 0, piped.transcript);
    BOOST_TEST(piped.transcript.find(mib + " / " + mib + "  100%  ") != std::string::npos, piped.transcript);
    BOOST_TEST(piped.transcript.find("PK") == std::string::npos, piped.transcript);
    BOOST_TEST(piped.transcript.find(token) == std::string::npos, "the token shows on the terminal");
    BOOST_TEST((file_bytes(out) == file_bytes(path)), "stdout is not the archive");
}

BOOST_AUTO_TEST_CASE(refuses_archive_to_terminal_on_output_dash)
{
    mock::server srv;
    add_files(srv);
    auto const run = run_on_tty(
        {"--url", srv.base_url(), "--jwt", srv.default_token(), "download-files", "--output", "-"}, {});
    BOOST_TEST(run.code == 2, run.transcript);
    BOOST_TEST(run.transcript.find("stdout is a terminal") != std::string::npos, run.transcript);
    BOOST_TEST(run.transcript.find("PK") == std::string::npos, run.transcript);
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
