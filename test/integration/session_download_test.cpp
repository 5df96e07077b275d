// async_download_user_files (DESIGN.md §7): the zip streamed into a download_sink, against the in-process
// mock server and scripted peers over real sockets. A file sink's PATH holds the whole archive or is
// untouched (no PATH.part left); a callable sink sees the body in order; the retry rule (a file starts over,
// a callable with restart starts over, one without is not retried after bytes); error answers never reach the
// sink; max_download_bytes; sink failures; cancellation; bad sinks refused with nothing sent.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mock/zip_writer.hpp"
#include "support/session_clients.hpp"
#include "support/sha256.hpp"
#include "support/temp_dir.hpp"
#include <signal.h>
#include <sys/resource.h>

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
namespace fs = std::filesystem;
using entities::byte_chunk;
using entities::download_sink;
using igtcloud::test::sha256_of;
using igtcloud::test::sha256_of_file;
using igtcloud::test::temp_dir;
using error_code = boost::system::error_code;

namespace session_download_test {

/// The archive the mock sends for a user's files: its size and SHA-256 (built by the mock's own zip writer
/// from the stored files; `unzip -t` checks the writer itself in mock_2023_download).
struct archive {
    std::uint64_t size{};
    std::string sha{};
};

inline archive expected_archive(mock::server const& srv, std::string_view login)
{
    std::vector<mock::detail::zip_entry> entries;
    for (auto const& f : srv.files_of(login))
        entries.push_back({f.key, f.file_size, mock::detail::crc32(*f.bytes), f.bytes});
    auto zip = mock::detail::make_zip(entries);
    BOOST_TEST_REQUIRE(std::holds_alternative<mock::detail::zip_archive>(zip));
    auto const& parts = std::get<mock::detail::zip_archive>(zip);
    igtcloud::test::sha256 h;
    for (auto const& p : parts.parts)
        h.add(*p);
    return {parts.size, h.hex()};
}

inline std::string read_file(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A callable sink appending to `out`, with a restart that clears it (when `restartable`).
inline download_sink collecting(std::string& out, bool restartable, int* restarts = nullptr)
{
    auto write = [&out](byte_chunk chunk) {
        out.append(reinterpret_cast<char const*>(chunk.data()), chunk.size());
        return error_code{};
    };
    if (!restartable) return download_sink::callable(write);
    return download_sink::callable(write, [&out, restarts] {
        out.clear();
        if (restarts != nullptr) ++*restarts;
        return error_code{};
    });
}

/// A zip-like body for scripted peers: `n` reproducible bytes.
inline std::string body_of(std::size_t n)
{
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>((i * 131 + 7) % 251);
    return s;
}

inline std::string zip_answer(std::string_view body)
{
    return igtcloud::test::http_answer(200, body, {}, "application/zip");
}

/// The mock with the admin's files: empty, one byte, and 5,000 pseudo-random bytes.
inline void add_three_files(mock::server& srv)
{
    srv.add_file(admin_login, "empty.txt", "");
    srv.add_file(admin_login, "one.bin", "\x01");
    srv.add_file(admin_login, "cases/run 1.bin", body_of(5000));
}

inline void check_no_file(fs::path const& path)
{
    BOOST_TEST(!fs::exists(path), path << " exists");
    BOOST_TEST(!fs::exists(fs::path(path.string() + ".part")), path << ".part exists");
}

} // namespace session_download_test

using namespace session_download_test;

BOOST_AUTO_TEST_SUITE(session_download)

// --- success, every completion style
// ------------------------------------------------------------------------------

BOOST_DATA_TEST_CASE(writes_the_archive_to_a_path_on_200, data::make(all_token_kinds), kind)
{
    mock_client c;
    add_three_files(c.srv);
    auto const want = expected_archive(c.srv, admin_login);
    temp_dir dir;
    auto const path = dir / "files.zip";
    auto const r = c.run<std::uint64_t>(kind, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == want.size);
    BOOST_TEST(fs::file_size(path) == want.size);
    BOOST_TEST(sha256_of_file(path) == want.sha);
    BOOST_TEST(!fs::exists(dir / "files.zip.part"));
    BOOST_TEST(route_count(c.srv, "GET /users/download-files") == 1u);
}

BOOST_DATA_TEST_CASE(streams_the_archive_to_a_callable_on_200, data::make(all_token_kinds), kind)
{
    mock_client c;
    add_three_files(c.srv);
    auto const want = expected_archive(c.srv, admin_login);
    std::string got;
    std::vector<std::uint64_t> received;
    std::optional<std::uint64_t> total;
    auto sink = collecting(got, false).on_progress([&](std::uint64_t n, std::optional<std::uint64_t> t) {
        received.push_back(n);
        total = t;
    });
    auto const r = c.run<std::uint64_t>(
        kind, [&](auto tok) { return c.users.async_download_user_files(sink, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == want.size);
    BOOST_TEST(got.size() == want.size);
    BOOST_TEST(sha256_of(got) == want.sha);
    BOOST_TEST_REQUIRE(!received.empty());
    BOOST_TEST(received.front() == 0u); // at the head
    BOOST_TEST(received.back() == want.size);
    BOOST_TEST(std::is_sorted(received.begin(), received.end()));
    BOOST_TEST((total == std::optional<std::uint64_t>(want.size))); // the mock sends a Content-Length
}

BOOST_DATA_TEST_CASE(fails_with_401_and_touches_no_sink, data::make(all_token_kinds), kind)
{
    auto c = unknown_token_client();
    add_three_files(c.srv);
    temp_dir dir;
    auto const path = dir / "files.zip";
    auto const r = c.run<std::uint64_t>(kind, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
    check_no_file(path);
    bool called = false;
    auto const r2 = c.run<std::uint64_t>(kind, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::callable([&](byte_chunk) {
                                                     called = true;
                                                     return error_code{};
                                                 }),
                                                 std::move(tok));
    });
    BOOST_TEST(error_of(r2).status == 401u);
    BOOST_TEST(!called); // an error answer's body is its error text, never the sink's
}

// --- the wire, and exact bodies
// -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sends_a_get_that_accepts_zip)
{
    scripted_client c({.jwt = "t"}, "/data", [](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{zip_answer("PK")};
    });
    std::string got;
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(collecting(got, false), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    auto const req = c.last();
    BOOST_TEST(req.method_string() == "GET");
    BOOST_TEST(target_of(req) == "/data/users/download-files");
    BOOST_TEST(header(req, "Accept") == "application/zip");
    BOOST_TEST(header(req, "X-JWT") == "t");
    BOOST_TEST(req.body().empty());
    BOOST_TEST(!has_header(req, "Content-Length"));
    BOOST_TEST(got == "PK");
}

BOOST_DATA_TEST_CASE(writes_bodies_of_0_1_and_many_bytes_exactly,
                     data::make({0, 1, 2, 65535, 65536, 1000000}), size)
{
    auto const body = body_of(static_cast<std::size_t>(size));
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{zip_answer(body)};
    });
    temp_dir dir;
    auto const path = dir / "out.zip";
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == body.size());
    BOOST_TEST_REQUIRE(fs::exists(path)); // an empty body is an empty file, not none
    BOOST_TEST(fs::file_size(path) == body.size());
    BOOST_TEST(sha256_of_file(path) == sha256_of(body));
    BOOST_TEST(!fs::exists(dir / "out.zip.part"));
}

BOOST_AUTO_TEST_CASE(writes_a_chunked_body_exactly)
{
    std::string const body = body_of(100'000);
    auto const wire = igtcloud::test::chunked_answer(body, 7777, {}, "application/zip");
    scripted_client c({}, "/data",
                      [&](auto const&, std::size_t, std::size_t) { return igtcloud::test::reply{wire}; });
    std::string got;
    std::optional<std::uint64_t> total{42};
    auto sink =
        collecting(got, false).on_progress([&](std::uint64_t, std::optional<std::uint64_t> t) { total = t; });
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(sink, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == body.size());
    BOOST_TEST(sha256_of(got) == sha256_of(body));
    BOOST_TEST(!total.has_value()); // no Content-Length: no total
}

BOOST_AUTO_TEST_CASE(downloads_300_mib_with_its_sha256)
{
    // Three seeded files of 100 MiB (one shared buffer in the mock). Peak memory of such a download is a
    // benchmark's (bench/download_rss), not this test's.
    mock::options o;
    o.files_per_user = 3;
    o.file_bytes = 100u << 20;
    mock_client c(o);
    auto const want = expected_archive(c.srv, admin_login);
    BOOST_TEST_REQUIRE(want.size > 300u << 20);
    temp_dir dir;
    auto const path = dir / "files.zip";
    entities::request_options opts;
    opts.timeout = std::chrono::minutes(5);
    auto const r = c.run<std::uint64_t>(token_kind::callback, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), opts, std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == want.size);
    BOOST_TEST(fs::file_size(path) == want.size);
    BOOST_TEST(sha256_of_file(path) == want.sha);
}

BOOST_AUTO_TEST_CASE(replaces_an_existing_file_only_when_complete)
{
    mock_client c;
    add_three_files(c.srv);
    temp_dir dir;
    auto const path = dir.write("files.zip", "the old archive");
    auto const r = c.run<std::uint64_t>(token_kind::callback, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(sha256_of_file(path) == expected_archive(c.srv, admin_login).sha);
}

// --- cut off, retried, error answers
// ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_cut_off_download_leaves_the_path_as_it_was)
{
    mock::options o;
    o.truncate_rate = 1.0; // every body is cut short, then the connection closes
    mock_client c(o);
    c.srv.add_file(admin_login, "big.bin", body_of(200'000));
    temp_dir dir;
    auto const path = dir.write("files.zip", "the old archive");
    int attempts = 0;
    entities::session s(
        c.ioc.get_executor(),
        {.base_url = c.srv.base_url(), .jwt = "mock-token", .on_event = [&](entities::event const& e) {
             if (e.kind == entities::event_kind::attempt) ++attempts;
         }});
    auto const r = c.run<std::uint64_t>(token_kind::callback, [&](auto tok) {
        return s.users().async_download_user_files(download_sink::file(path), std::move(tok));
    });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::beast::http::error::partial_message), e.to_string());
    BOOST_TEST(attempts == 3); // a file sink starts over, so the GET is retried as any other
    BOOST_TEST(read_file(path) == "the old archive");
    BOOST_TEST(!fs::exists(path + ".part"));
}

/// A peer whose first answer is cut off after half of `body` (the connection then closes); later ones whole.
struct cut_once_peer {
    std::string body;
    std::string wire() const { return zip_answer(body); }
    igtcloud::test::reply operator()(igtcloud::test::request const&, std::size_t connection,
                                     std::size_t) const
    {
        if (connection == 0) return {wire().substr(0, wire().size() - body.size() / 2), true};
        return {wire()};
    }
};

BOOST_AUTO_TEST_CASE(a_retry_starts_a_file_over)
{
    cut_once_peer const peer{body_of(300'000)};
    scripted_client c({}, "/data", peer);
    temp_dir dir;
    auto const path = dir / "out.zip";
    std::vector<std::uint64_t> received;
    auto sink = download_sink::file(path).on_progress(
        [&](std::uint64_t n, std::optional<std::uint64_t>) { received.push_back(n); });
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(sink, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(c.peer.requests() == 2u);
    BOOST_TEST(*r == peer.body.size());
    BOOST_TEST(sha256_of_file(path) == sha256_of(peer.body));          // not the first half twice
    BOOST_TEST(std::count(received.begin(), received.end(), 0u) == 2); // progress starts over
}

BOOST_AUTO_TEST_CASE(a_retry_restarts_a_callable_that_can_start_over)
{
    cut_once_peer const peer{body_of(300'000)};
    scripted_client c({}, "/data", peer);
    std::string got;
    int restarts = 0;
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(collecting(got, true, &restarts), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(restarts == 1);
    BOOST_TEST(c.peer.requests() == 2u);
    BOOST_TEST(sha256_of(got) == sha256_of(peer.body));
}

BOOST_AUTO_TEST_CASE(a_callable_without_restart_is_not_retried_after_bytes)
{
    cut_once_peer const peer{body_of(300'000)};
    scripted_client c({}, "/data", peer);
    std::string got;
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(collecting(got, false), std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::beast::http::error::partial_message), e.to_string());
    BOOST_TEST(c.peer.requests() == 1u);
    // What the sink saw: a prefix of the body, the bytes that arrived before the cut.
    BOOST_TEST_REQUIRE(!got.empty());
    BOOST_TEST(got.size() < peer.body.size());
    BOOST_TEST((got == peer.body.substr(0, got.size())));
}

BOOST_AUTO_TEST_CASE(a_callable_without_restart_is_retried_before_any_byte)
{
    // A 503 is an error answer: its body is not the sink's, so the GET is retried as any other.
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t index) {
        if (index == 0)
            return igtcloud::test::reply{
                igtcloud::test::http_answer(503, "busy", "Retry-After: 0\r\n", "text/plain")};
        return igtcloud::test::reply{zip_answer("PK\x05\x06")};
    });
    std::string got;
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(collecting(got, false), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(c.peer.requests() == 2u);
    BOOST_TEST(got == "PK\x05\x06");
}

BOOST_AUTO_TEST_CASE(a_500_is_an_error_and_leaves_no_file)
{
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{igtcloud::test::http_answer(500, R"({"message":"zip failed"})")};
    });
    temp_dir dir;
    auto const path = dir / "out.zip";
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    auto const e = error_of(r);
    BOOST_TEST(e.status == 500u);
    BOOST_TEST((e.code == entities::condition::server_error));
    BOOST_TEST(e.message == "zip failed");
    check_no_file(path);
}

BOOST_AUTO_TEST_CASE(an_error_answer_stays_under_max_response_bytes)
{
    scripted_client c({.max_response_bytes = 1000}, "/data", [](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{
            igtcloud::test::http_answer(500, std::string(5000, 'x'), {}, "text/plain")};
    });
    std::string got;
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(collecting(got, false), std::move(tok)); });
    BOOST_TEST((error_of(r).code == entities::error::response_too_large));
    BOOST_TEST(got.empty());
}

// --- limits, sink failures, cancellation
// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(max_download_bytes_refuses_an_announced_size_before_any_file)
{
    auto const body = body_of(10'000);
    scripted_client c({.max_download_bytes = 9'999}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{zip_answer(body)};
    });
    temp_dir dir;
    auto const path = dir / "out.zip";
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::response_too_large));
    BOOST_TEST(e.message.find("max_download_bytes (9999 bytes)") != std::string::npos, e.message);
    check_no_file(path);
    BOOST_TEST(c.peer.requests() == 1u); // not retried
}

BOOST_AUTO_TEST_CASE(max_download_bytes_stops_a_chunked_body_as_it_grows)
{
    std::string const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "1000\r\n" +
                             std::string(4096, 'a') + "\r\n1000\r\n" + std::string(4096, 'b') +
                             "\r\n0\r\n\r\n";
    scripted_client c({.max_download_bytes = 5000}, "/data",
                      [&](auto const&, std::size_t, std::size_t) { return igtcloud::test::reply{wire}; });
    temp_dir dir;
    auto const path = dir / "out.zip";
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    BOOST_TEST((error_of(r).code == entities::error::response_too_large));
    check_no_file(path);
    // The exact limit passes.
    scripted_client exact({.max_download_bytes = 8192}, "/data",
                          [&](auto const&, std::size_t, std::size_t) { return igtcloud::test::reply{wire}; });
    auto const ok = exact.run<std::uint64_t>([&](auto tok) {
        return exact.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST(*ok == 8192u);
}

BOOST_AUTO_TEST_CASE(a_failing_callable_ends_the_download_unretried)
{
    auto const body = body_of(500'000);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{zip_answer(body)};
    });
    int calls = 0;
    auto sink = download_sink::callable(
        [&](byte_chunk) {
            ++calls;
            return make_error_code(boost::system::errc::no_space_on_device);
        },
        [] { return error_code{}; });
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(sink, std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::system::errc::no_space_on_device), e.to_string());
    BOOST_TEST(e.message.find("the download sink failed") != std::string::npos, e.message);
    BOOST_TEST(calls == 1); // not called again
    BOOST_TEST(c.peer.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(a_throwing_callable_ends_the_download)
{
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{zip_answer("PK")};
    });
    auto sink =
        download_sink::callable([](byte_chunk) -> error_code { throw std::runtime_error("sink exploded"); });
    auto const r = c.run<std::uint64_t>(
        [&](auto tok) { return c.users.async_download_user_files(sink, std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::system::errc::io_error));
    BOOST_TEST(e.message.find("sink exploded") != std::string::npos, e.message);
}

BOOST_AUTO_TEST_CASE(a_full_disk_leaves_no_file)
{
    // The file size limit makes write() fail with EFBIG at 64 KiB, as a full disk fails it with ENOSPC.
    mock_client c;
    c.srv.add_file(admin_login, "big.bin", body_of(1'000'000));
    temp_dir dir;
    auto const path = dir / "files.zip";
    rlimit const before = [] {
        rlimit r{};
        ::getrlimit(RLIMIT_FSIZE, &r);
        return r;
    }();
    auto const old_handler = ::signal(SIGXFSZ, SIG_IGN);
    rlimit small = before;
    small.rlim_cur = 64 * 1024;
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    auto const r = c.run<std::uint64_t>(token_kind::callback, [&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), std::move(tok));
    });
    ::setrlimit(RLIMIT_FSIZE, &before);
    ::signal(SIGXFSZ, old_handler);
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::system::errc::file_too_large), e.to_string());
    BOOST_TEST(e.message.find("files.zip.part") != std::string::npos, e.message);
    check_no_file(path);
    BOOST_TEST(route_count(c.srv, "GET /users/download-files") == 1u); // a sink failure is not retried
}

BOOST_AUTO_TEST_CASE(cancellation_mid_body_removes_the_part_file)
{
    // A body that never ends: 1 MiB writes of 'x' until the client goes.
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t) {
        igtcloud::test::reply r{"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n"};
        r.filler = 1'000'000'000;
        return r;
    });
    temp_dir dir;
    auto const path = dir / "out.zip";
    boost::asio::cancellation_signal cancel;
    bool part_seen = false;
    auto sink = download_sink::file(path).on_progress([&](std::uint64_t n, std::optional<std::uint64_t>) {
        if (n < 3'000'000) return;
        part_seen = fs::exists(path.string() + ".part");
        cancel.emit(boost::asio::cancellation_type::terminal);
    });
    std::optional<api_result<std::uint64_t>> r;
    c.users.async_download_user_files(sink, boost::asio::bind_cancellation_slot(
                                                cancel.slot(), [&](api_result<std::uint64_t> x) { r = x; }));
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(c.ioc, [&] { return r.has_value(); }));
    BOOST_TEST((error_of(*r).code == boost::asio::error::operation_aborted));
    BOOST_TEST(part_seen);
    check_no_file(path);
}

BOOST_AUTO_TEST_CASE(a_deadline_mid_body_removes_the_part_file)
{
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t) {
        igtcloud::test::reply r{"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nPK"};
        r.drip = std::chrono::milliseconds(50); // one byte every 50 ms: never done within the deadline
        return r;
    });
    temp_dir dir;
    auto const path = dir / "out.zip";
    entities::request_options opts;
    opts.timeout = std::chrono::milliseconds(300);
    auto const r = c.run<std::uint64_t>([&](auto tok) {
        return c.users.async_download_user_files(download_sink::file(path), opts, std::move(tok));
    });
    BOOST_TEST((error_of(r).code == entities::error::timeout));
    check_no_file(path);
}

// --- bad sinks
// --------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(refuses_bad_sinks_with_nothing_sent)
{
    mock_client c;
    temp_dir dir;
    std::vector<std::pair<char const*, download_sink>> const bad{
        {"default", download_sink{}},
        {"empty path", download_sink::file("")},
        {"a directory", download_sink::file(dir.path)},
        {"no such directory", download_sink::file(dir / "no/such/dir/out.zip")},
        {"empty write", download_sink::callable({})},
    };
    for (auto const& [what, sink] : bad) {
        BOOST_TEST_CONTEXT(what)
        {
            auto const r = c.run<std::uint64_t>(token_kind::callback, [&](auto tok) {
                return c.users.async_download_user_files(sink, std::move(tok));
            });
            check_invalid_argument(error_of(r));
        }
    }
    BOOST_TEST(c.served() == 0u);
    BOOST_TEST(c.srv.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
