// The mock server's GET /users/download-files over real sockets: the bytes saved and checked by the `unzip`
// binary (as a process: unzip -t, then extracted and compared with the store) for 0, 1 empty, 1 one-byte,
// several and 5 MiB files; truncation, injected failures and latency on the download.
#include <igtcloud/mock/server.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "integration/mock_2023_kit.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"
#include "support/unzip.hpp"

namespace {

namespace fs = std::filesystem;
namespace mock = igtcloud::mock;
using igtcloud::test::raw_client;
using namespace mock_2023;
using namespace std::chrono_literals;

using igtcloud::test::run_unzip;
using igtcloud::test::temp_dir;
using igtcloud::test::tree_of;

/// Downloads the caller's zip, checks its head, has `unzip -t` test it and extracts it: the entries by name.
/// An empty archive: unzip says "zipfile is empty" and exits 1 (a warning), so the 22-byte end record is
/// checked byte by byte instead.
std::map<std::string, std::string> download_and_unzip(mock::server& srv)
{
    raw_client c(srv.port());
    auto r = c.send(call("GET", "/users/download-files"));
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(r.header("Content-Type").value_or("") == "application/zip");
    BOOST_TEST(r.header("Content-Length").value_or("") == std::to_string(r.body.size()));
    temp_dir dir;
    auto const zip = dir.path / "files.zip";
    std::ofstream(zip, std::ios::binary) << r.body;
    std::string out;
    auto const tested = run_unzip({"-t", zip.string()}, out);
    if (srv.files_of(admin).empty()) {
        BOOST_TEST(tested == 1);
        BOOST_TEST(out.find("zipfile is empty") != std::string::npos, out);
        BOOST_TEST(r.body == std::string("PK\x05\x06", 4) + std::string(18, '\0'));
        return {};
    }
    BOOST_TEST_REQUIRE(tested == 0, out);
    BOOST_TEST(out.find("No errors detected") != std::string::npos, out);
    BOOST_TEST_REQUIRE(run_unzip({"-qq", zip.string(), "-d", (dir.path / "x").string()}, out) == 0, out);
    return tree_of(dir.path / "x");
}

/// The stored files of the admin, by key.
std::map<std::string, std::string> stored(mock::server const& srv)
{
    std::map<std::string, std::string> out;
    for (auto const& f : srv.files_of(admin))
        out[f.key] = *f.bytes;
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_2023_download)

BOOST_AUTO_TEST_CASE(gives_a_valid_empty_zip_for_no_files)
{
    mock::server srv;
    BOOST_TEST(download_and_unzip(srv).empty());
    BOOST_TEST(srv.stats().requests_by_route.at("GET /users/download-files") == 1u);
}

BOOST_AUTO_TEST_CASE(zips_one_empty_file)
{
    mock::server srv;
    srv.add_file(admin, "empty.txt", "");
    auto const entries = download_and_unzip(srv);
    BOOST_TEST(entries == stored(srv));
    BOOST_TEST(entries.at("empty.txt").empty());
}

BOOST_AUTO_TEST_CASE(zips_one_byte)
{
    mock::server srv;
    srv.add_file(admin, "one", "\x7f");
    BOOST_TEST(download_and_unzip(srv) == stored(srv));
}

BOOST_AUTO_TEST_CASE(zips_several_files_with_awkward_names)
{
    mock::server srv;
    srv.add_file(admin, "with space.txt", "spaces");
    srv.add_file(admin, "a&b.csv", "x,y\n1,2\n");
    srv.add_file(admin, "dir/sub/deep.bin", random_bytes(4096, 1));
    srv.add_file(admin, "caf\xC3\xA9-\xE2\x82\xAC.txt", "utf-8 name");
    srv.add_file(admin, "zeros", std::string(70'000, '\0'));
    auto const entries = download_and_unzip(srv);
    BOOST_TEST(entries.size() == 5u);
    BOOST_TEST(entries == stored(srv));
}

BOOST_AUTO_TEST_CASE(zips_a_5_mib_file)
{
    mock::server srv;
    srv.add_file(admin, "big/scan.dcm", random_bytes(5u << 20, 2));
    srv.add_file(admin, "small", "s");
    auto const entries = download_and_unzip(srv);
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    BOOST_TEST(entries.at("big/scan.dcm").size() == 5u << 20);
    BOOST_TEST(entries == stored(srv));
}

BOOST_AUTO_TEST_CASE(zips_the_seeded_files)
{
    mock::server srv{mock::options{.files_per_user = 3, .file_bytes = 1000}};
    auto const files = srv.files_of(admin);
    BOOST_TEST_REQUIRE(files.size() == 3u);
    BOOST_TEST(files[0].key == "seed/file-00001.bin");
    BOOST_TEST(files[2].file_size == 1000u);
    auto const entries = download_and_unzip(srv);
    BOOST_TEST(entries == stored(srv));
}

BOOST_AUTO_TEST_CASE(cuts_the_zip_short_then_closes_on_truncation)
{
    mock::server srv{mock::options{.truncate_rate = 1.0, .seed = 5}};
    srv.add_file(admin, "f", random_bytes(100'000, 3));
    raw_client c(srv.port());
    c.send_raw("GET /data/users/download-files HTTP/1.1\r\nHost: x\r\nX-JWT: mock-token\r\n\r\n");
    response r;
    auto const ec = c.read_response(r);
    BOOST_TEST(ec.failed()); // the body ends before its Content-Length
    BOOST_TEST(r.status == 200u);
    auto const length = std::stoull(r.header("Content-Length").value_or("0"));
    BOOST_TEST(length > 100'000u);
    BOOST_TEST(r.body.size() < length);
    BOOST_TEST(r.body.size() == length / 2);
    BOOST_TEST(c.closed_by_peer());
}

BOOST_AUTO_TEST_CASE(answers_the_injected_status_instead_of_the_zip)
{
    mock::server srv{mock::options{.fail_rate = 1.0, .fail_status = 429}};
    srv.add_file(admin, "f", "x");
    raw_client c(srv.port());
    auto r = c.send(call("GET", "/users/download-files"));
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.header("Retry-After").value_or("") == "1");
    BOOST_TEST(r.header("Content-Type").value_or("") == "application/json");
}

BOOST_AUTO_TEST_CASE(adds_the_latency_to_the_download)
{
    mock::server srv{mock::options{.latency = 150ms}};
    srv.add_file(admin, "f", "x");
    raw_client c(srv.port());
    auto const start = std::chrono::steady_clock::now();
    auto r = c.send(call("GET", "/users/download-files"));
    BOOST_TEST(r.status == 200u);
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 150ms));
}

BOOST_AUTO_TEST_CASE(serves_the_same_zip_to_each_request_on_one_connection)
{
    mock::server srv;
    srv.add_file(admin, "f", random_bytes(10'000, 4));
    raw_client c(srv.port());
    auto const a = c.send(call("GET", "/users/download-files"));
    auto const b = c.send(call("GET", "/users/download-files")); // keep-alive: the pieces were all written
    BOOST_TEST(a.status == 200u);
    BOOST_TEST(a.body == b.body);
    BOOST_TEST(c.send(call("GET", "/users/files")).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
