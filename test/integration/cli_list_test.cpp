// igtcloud-users list [--jsonl] as a process (DESIGN.md §8): the users printed as they are decoded, the
// array byte for byte as the whole-document printer writes it (compact, and indented on a terminal), JSON
// Lines, and errors mid-list (the error line, the exit code, the lines already printed).
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "cli/output.hpp"
#include "support/cli_runner.hpp"
#include "support/run_until.hpp"
#include "support/scripted_server.hpp"
#include "support/stream_kit.hpp"
#include "support/tty_runner.hpp"

using namespace igtcloud::test::cli;
namespace entities = igtcloud::entities;
namespace stream = igtcloud::test::stream;

namespace cli_list_test {

/// The mock's users as async_get_users returns them.
inline std::vector<entities::user_info> users_of(mock::server const& srv)
{
    boost::asio::io_context ioc;
    entities::session s(ioc.get_executor(), {.base_url = srv.base_url(), .jwt = srv.default_token()});
    std::optional<entities::api_result<std::vector<entities::user_info>>> r;
    s.users().async_get_users([&](auto x) { r = std::move(x); });
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(ioc, [&] { return r.has_value(); }));
    BOOST_TEST_REQUIRE(r->has_value());
    return std::move(**r);
}

/// What the buffered `list` printed: the whole array through the CLI's printer, and a newline.
inline std::string whole_list_text(std::vector<entities::user_info> const& users, bool indented)
{
    return igtcloud::cli::to_text(json::value_from(users), indented) + "\n";
}

inline mock::server server_with_users(std::size_t n)
{
    return mock::server{mock::options{.seed_users = n, .seed = 3}};
}

inline std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        auto const end = text.find('\n', at);
        out.push_back(text.substr(at, end - at));
        at = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

/// A peer answering GET /users with `body` (chunked).
inline igtcloud::test::scripted_server bad_list_peer(std::string body)
{
    return igtcloud::test::scripted_server([body = std::move(body)](auto const&, std::size_t, std::size_t) {
        return igtcloud::test::reply{igtcloud::test::chunked_answer(body, 500)};
    });
}

inline std::vector<std::string> against_peer(igtcloud::test::scripted_server const& peer,
                                             std::vector<std::string> args)
{
    std::vector<std::string> all{"--url", peer.base_url(), "--jwt", "cli-list-token", "--retries", "0"};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

} // namespace cli_list_test

using namespace cli_list_test;

BOOST_AUTO_TEST_SUITE(cli_list)

BOOST_AUTO_TEST_CASE(list_prints_the_array_byte_for_byte)
{
    auto srv = server_with_users(300);
    auto const users = users_of(srv);
    auto const r = run_cli(against(srv, {"list"}));
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out == whole_list_text(users, false));
    BOOST_TEST(json::parse(r.out).as_array().size() == 301u);
    BOOST_TEST(r.err.empty());
}

BOOST_AUTO_TEST_CASE(list_on_a_terminal_is_indented_as_before)
{
    auto srv = server_with_users(20);
    auto const users = users_of(srv);
    auto const run = run_on_tty(against(srv, {"list"}), {});
    BOOST_TEST_REQUIRE(run.code == 0, run.transcript);
    auto text = run.transcript; // the terminal writes \r\n for \n
    for (auto at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at + 1))
        text.replace(at, 2, "\n");
    BOOST_TEST(text == whole_list_text(users, true));
}

BOOST_AUTO_TEST_CASE(an_empty_list_prints_an_empty_array)
{
    auto peer = bad_list_peer("[]");
    auto const r = run_cli(against_peer(peer, {"list"}));
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out == "[]\n");
    auto const jsonl = run_cli(against_peer(peer, {"list", "--jsonl"}));
    BOOST_TEST_REQUIRE(jsonl.code == 0, jsonl.err);
    BOOST_TEST(jsonl.out.empty());
}

BOOST_AUTO_TEST_CASE(list_jsonl_prints_one_compact_user_per_line)
{
    auto srv = server_with_users(250);
    auto const users = users_of(srv);
    auto const r = run_cli(against(srv, {"list", "--jsonl"}));
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    auto const lines = lines_of(r.out);
    BOOST_TEST_REQUIRE(lines.size() == users.size());
    BOOST_TEST(r.out.back() == '\n');
    for (std::size_t i = 0; i < users.size(); ++i)
        BOOST_TEST_REQUIRE(lines[i] == json::serialize(json::value_from(users[i])), "line " << i);
    // With --fields, as any command.
    auto const masked = run_cli(against(srv, {"--fields", "{loginId}", "list", "--jsonl"}));
    BOOST_TEST_REQUIRE(masked.code == 0, masked.err);
    BOOST_TEST(lines_of(masked.out).front().starts_with(R"({"loginId":)"));
    BOOST_TEST(lines_of(masked.out).front().find("userUUID") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_error_mid_list_keeps_the_lines_printed)
{
    auto peer = bad_list_peer(stream::list_head(7) + R"(,{"loginId":false}])");
    auto const r = run_cli(against_peer(peer, {"list", "--jsonl"}));
    BOOST_TEST(r.code == igtcloud::cli::exit_transport, r.err);
    auto const lines = lines_of(r.out);
    BOOST_TEST_REQUIRE(lines.size() == 7u);
    for (std::size_t i = 0; i < lines.size(); ++i)
        BOOST_TEST(str(json::parse(lines[i]).as_object(), "loginId") ==
                   "user-" + std::to_string(i) + "@example.org");
    auto const e = error_line(r);
    BOOST_TEST(str(e, "message").find("[7].loginId: expected a string, got a boolean") != std::string::npos,
               str(e, "message"));

    // The array: printed so far, left open (no JSON reader takes it for the whole list).
    auto const array = run_cli(against_peer(peer, {"list"}));
    BOOST_TEST(array.code == igtcloud::cli::exit_transport, array.err);
    BOOST_TEST(array.out.starts_with(R"([{"loginId":"user-0@example.org")"));
    boost::system::error_code ec;
    (void)json::parse(array.out, ec);
    BOOST_TEST(!!ec);
}

BOOST_AUTO_TEST_CASE(an_api_error_prints_nothing_on_stdout)
{
    mock::server srv{mock::options{}};
    auto const r = run_cli({"--url", srv.base_url(), "--jwt", "not-a-token", "list", "--jsonl"});
    check_error(r, 1, 401, "list --jsonl with a bad token");
}

BOOST_AUTO_TEST_CASE(list_help_names_jsonl)
{
    auto const r = run_cli({"list", "--help"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.find("--jsonl") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
