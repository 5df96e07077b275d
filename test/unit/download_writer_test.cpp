// download_writer: a download_sink as the answer parser's body sink, driven directly (no sockets): which
// answers it takes, the limits, the start over of a retry, the retry rule's fact, the file's .part and
// commit, the caller's functions failing or throwing.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "entities/download/download_writer.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace entities = igtcloud::entities;
using entities::byte_chunk;
using entities::download_sink;
using entities::detail::download_writer;
using error_code = boost::system::error_code;

std::unique_ptr<download_writer> writer_of(download_sink sink, std::optional<std::uint64_t> max = {})
{
    auto w = download_writer::make(std::move(sink), {200}, max);
    BOOST_TEST_REQUIRE(w.has_value(), (w ? "" : w.error().message));
    return std::move(*w);
}

std::string read_file(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct recorded {
    std::string bytes;
    int restarts = 0;
    std::vector<std::pair<std::uint64_t, std::optional<std::uint64_t>>> progress;

    download_sink sink(bool restartable)
    {
        auto write = [this](byte_chunk c) {
            bytes.append(reinterpret_cast<char const*>(c.data()), c.size());
            return error_code{};
        };
        auto s = restartable ? download_sink::callable(write,
                                                       [this] {
                                                           ++restarts;
                                                           bytes.clear();
                                                           return error_code{};
                                                       })
                             : download_sink::callable(write);
        return std::move(s).on_progress(
            [this](std::uint64_t n, std::optional<std::uint64_t> t) { progress.emplace_back(n, t); });
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(download_writer_unit)

BOOST_AUTO_TEST_CASE(takes_only_the_success_statuses)
{
    recorded r;
    auto w = writer_of(r.sink(false));
    BOOST_TEST(w->takes(200));
    BOOST_TEST(!w->takes(201));
    BOOST_TEST(!w->takes(206));
    BOOST_TEST(!w->takes(500));
}

BOOST_AUTO_TEST_CASE(hands_bytes_on_in_order_with_progress)
{
    recorded r;
    auto w = writer_of(r.sink(false));
    BOOST_TEST(!w->begin(std::uint64_t{6}));
    BOOST_TEST(!w->write("abc"));
    BOOST_TEST(!w->write("def"));
    BOOST_TEST(!w->complete());
    BOOST_TEST(r.bytes == "abcdef");
    BOOST_TEST(w->delivered() == 6u);
    BOOST_TEST_REQUIRE(r.progress.size() == 3u);
    BOOST_TEST(r.progress[0].first == 0u);
    BOOST_TEST(r.progress[2].first == 6u);
    BOOST_TEST((r.progress[2].second == std::optional<std::uint64_t>(6)));
}

BOOST_AUTO_TEST_CASE(a_callable_without_restart_may_repeat_only_before_its_first_byte)
{
    recorded r;
    auto w = writer_of(r.sink(false));
    BOOST_TEST(w->may_repeat());
    BOOST_TEST(!w->begin(std::nullopt)); // a head, no byte yet
    BOOST_TEST(w->may_repeat());
    BOOST_TEST(!w->write("x"));
    BOOST_TEST(!w->may_repeat());
}

BOOST_AUTO_TEST_CASE(a_callable_with_restart_starts_over_at_the_next_answer)
{
    recorded r;
    auto w = writer_of(r.sink(true));
    BOOST_TEST(!w->begin(std::uint64_t{4}));
    BOOST_TEST(!w->write("ab"));
    BOOST_TEST(w->may_repeat());
    BOOST_TEST(r.restarts == 0);
    BOOST_TEST(!w->begin(std::uint64_t{4})); // the retry's answer
    BOOST_TEST(r.restarts == 1);
    BOOST_TEST(!w->write("abcd"));
    BOOST_TEST(!w->complete());
    BOOST_TEST(r.bytes == "abcd");
    BOOST_TEST(w->delivered() == 4u);
    // A retry whose earlier answer brought no byte does not restart.
    recorded q;
    auto v = writer_of(q.sink(true));
    BOOST_TEST(!v->begin(std::nullopt));
    BOOST_TEST(!v->begin(std::nullopt));
    BOOST_TEST(q.restarts == 0);
}

BOOST_AUTO_TEST_CASE(refuses_an_announced_size_over_the_limit)
{
    recorded r;
    auto w = writer_of(r.sink(false), 10);
    auto const ec = w->begin(std::uint64_t{11});
    BOOST_TEST((ec == entities::error::response_too_large));
    BOOST_TEST_REQUIRE(w->failure().has_value());
    BOOST_TEST(w->failure()->message ==
               "the download (11 bytes announced) exceeds max_download_bytes (10 bytes)");
    BOOST_TEST(!w->may_repeat());
    BOOST_TEST(r.progress.empty());
}

BOOST_AUTO_TEST_CASE(stops_a_body_that_grows_past_the_limit)
{
    recorded r;
    auto w = writer_of(r.sink(true), 10);
    BOOST_TEST(!w->begin(std::nullopt));
    BOOST_TEST(!w->write("0123456789")); // the exact limit passes
    auto const ec = w->write("a");
    BOOST_TEST((ec == entities::error::response_too_large));
    BOOST_TEST(r.bytes == "0123456789"); // the byte past the limit never reached the sink
}

BOOST_AUTO_TEST_CASE(a_failing_write_is_kept_with_its_code)
{
    auto w = writer_of(download_sink::callable(
        [](byte_chunk) { return make_error_code(boost::system::errc::no_space_on_device); }));
    BOOST_TEST(!w->begin(std::nullopt));
    auto const ec = w->write("x");
    BOOST_TEST((ec == boost::system::errc::no_space_on_device));
    BOOST_TEST_REQUIRE(w->failure().has_value());
    BOOST_TEST(w->failure()->message.find("the download sink failed") == 0u);
    BOOST_TEST(!w->may_repeat());
}

BOOST_AUTO_TEST_CASE(an_exception_from_a_callable_becomes_io_error)
{
    auto w = writer_of(
        download_sink::callable([](byte_chunk) -> error_code { throw std::runtime_error("boom"); }));
    BOOST_TEST(!w->begin(std::nullopt));
    BOOST_TEST((w->write("x") == boost::system::errc::io_error));
    BOOST_TEST(w->failure()->message == "the download sink failed: boom");

    auto p = writer_of(download_sink::callable([](byte_chunk) {
                           return error_code{};
                       }).on_progress([](std::uint64_t, std::optional<std::uint64_t>) { throw 42; }));
    BOOST_TEST((p->begin(std::nullopt) == boost::system::errc::io_error));
    BOOST_TEST(p->failure()->message == "the download's progress hook threw: an exception");
}

BOOST_AUTO_TEST_CASE(a_file_is_written_to_part_and_renamed_when_complete)
{
    igtcloud::test::temp_dir dir;
    auto const path = dir / "a.zip";
    auto const part = dir / "a.zip.part";
    auto w = writer_of(download_sink::file(path));
    BOOST_TEST(!fs::exists(part)); // nothing before an answer
    BOOST_TEST(!w->begin(std::uint64_t{5}));
    BOOST_TEST(fs::exists(part));
    BOOST_TEST(!w->write("hello"));
    BOOST_TEST(!fs::exists(path));
    BOOST_TEST(!w->complete());
    BOOST_TEST(!fs::exists(part));
    BOOST_TEST(read_file(path) == "hello");
    w.reset();
    BOOST_TEST(read_file(path) == "hello"); // a committed file stays
}

BOOST_AUTO_TEST_CASE(a_file_starts_over_and_an_unfinished_one_is_removed)
{
    igtcloud::test::temp_dir dir;
    auto const path = dir.write("a.zip", "old");
    auto w = writer_of(download_sink::file(path));
    BOOST_TEST(w->may_repeat());
    BOOST_TEST(!w->begin(std::nullopt));
    BOOST_TEST(!w->write("first attempt, cut"));
    BOOST_TEST(w->may_repeat()); // a file can always start over
    BOOST_TEST(!w->begin(std::nullopt));
    BOOST_TEST(!w->write("second"));
    BOOST_TEST(read_file(path + ".part") == "second");
    w.reset(); // never completed: the operation failed
    BOOST_TEST(!fs::exists(path + ".part"));
    BOOST_TEST(read_file(path) == "old");
}

BOOST_AUTO_TEST_CASE(refuses_sinks_that_cannot_be_used)
{
    igtcloud::test::temp_dir dir;
    for (auto const& sink : {download_sink{}, download_sink::file(""), download_sink::file(dir.path),
                             download_sink::file(dir / "missing" / "a.zip"), download_sink::callable({})}) {
        auto const w = download_writer::make(sink, {200}, std::nullopt);
        BOOST_TEST_REQUIRE(!w.has_value());
        BOOST_TEST((w.error().code == entities::error::invalid_argument));
        BOOST_TEST(!w.error().message.empty());
    }
    // A relative path in the current directory is fine.
    BOOST_TEST(download_writer::make(download_sink::file("relative.zip"), {200}, std::nullopt).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
