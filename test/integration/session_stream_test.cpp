// GET /users decoded as the bytes arrive (DESIGN.md §8), over real sockets against the in-process mock and
// scripted peers: async_for_each_user for every completion token, a 100,000-user list in users equal to
// async_get_users', the mock's --gzip, chunk boundaries on the wire, max_response_bytes not applying to it,
// and the retry rule (retried before the first user, never after). Failures: session_stream_errors.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support/session_clients.hpp"
#include "support/stream_kit.hpp"
#include "support/zlib_compress.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
namespace stream = igtcloud::test::stream;
using igtcloud::test::reply;

namespace session_stream_test {

/// Runs an operation started with a callback, allowing it 5 minutes (a 100,000-user list under ASan takes
/// longer than run_as's 30 s).
template <class T, class Start>
api_result<T> run_long(asio::io_context& ioc, Start start)
{
    std::optional<api_result<T>> r;
    start([&](api_result<T> x) { r = std::move(x); });
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(
        ioc, [&] { return r.has_value(); }, std::chrono::minutes(5)));
    return std::move(*r);
}

} // namespace session_stream_test

using session_stream_test::run_long;

BOOST_AUTO_TEST_SUITE(session_stream)

BOOST_DATA_TEST_CASE(for_each_user_hands_over_every_user_on_200, data::make(all_token_kinds), kind)
{
    mock_client c;
    for (int i = 0; i < 30; ++i)
        add_user(c.srv, "user" + std::to_string(i), "user" + std::to_string(i) + "@example.org");
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(kind, [&](auto tok) {
        return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    auto const all = c.run<std::vector<user_info>>(
        token_kind::callback, [&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(all.has_value());
    BOOST_TEST(*r == all->size());
    BOOST_TEST(all->size() == 31u); // and the admin
    BOOST_TEST((seen == *all));     // every member, in order
    BOOST_TEST(route_count(c.srv, "GET /users") == 2u);
}

BOOST_AUTO_TEST_CASE(for_each_user_sends_the_fields_mask_and_takes_options)
{
    mock_client c;
    add_user(c.srv, "ada", "ada@example.org");
    std::vector<user_info> seen;
    entities::request_options const opts{.fields = "{loginId}"};
    auto const r = c.run<std::size_t>(token_kind::callback, [&](auto tok) {
        return c.users.async_for_each_user(opts, stream::collect_into(seen), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    for (auto const& u : seen) {
        BOOST_TEST(u.login_id.has_value());
        BOOST_TEST(!u.user_uuid.has_value()); // masked out by the server
    }
}

BOOST_AUTO_TEST_CASE(a_100000_user_list_streams_whatever_max_response_bytes_says)
{
    mock::options o;
    o.seed_users = 100'000;
    o.seed = 16;
    o.read_timeout = std::chrono::minutes(5); // the mock writes each 110 MB answer within this (ASan: slow)
    mock_client c(o);
    // One session whose max_response_bytes is far below the list's size: it does not apply to the stream.
    entities::session small(
        c.ioc.get_executor(),
        {.base_url = c.srv.base_url(), .jwt = "mock-token", .max_response_bytes = 1u << 20});
    std::size_t calls = 0;
    std::vector<user_info> sample; // every 997th user
    auto const r = run_long<std::size_t>(c.ioc, [&](auto tok) {
        small.users().async_for_each_user(
            entities::request_options{.timeout = std::chrono::minutes(5)},
            [&](user_info u) {
                if (calls++ % 997 == 0) sample.push_back(std::move(u));
            },
            std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == 100'001u); // the seeded users and the admin
    BOOST_TEST(calls == *r);
    // The same list through async_get_users (its body, about 105 MiB, over the default 64 MiB: a larger
    // limit).
    entities::session large(
        c.ioc.get_executor(),
        {.base_url = c.srv.base_url(), .jwt = "mock-token", .max_response_bytes = 1u << 30});
    auto const opts = entities::request_options{.timeout = std::chrono::minutes(5)};
    auto const all = run_long<std::vector<user_info>>(
        c.ioc, [&](auto tok) { large.users().async_get_users(opts, std::move(tok)); });
    BOOST_TEST_REQUIRE(all.has_value(), (all ? "" : all.error().to_string()));
    BOOST_TEST_REQUIRE(all->size() == *r);
    for (std::size_t i = 0; i < sample.size(); ++i)
        BOOST_TEST((sample[i] == (*all)[i * 997]), "user " << i * 997);
    // ... and with the small limit, async_get_users refuses it.
    auto const refused = run_long<std::vector<user_info>>(
        c.ioc, [&](auto tok) { small.users().async_get_users(opts, std::move(tok)); });
    BOOST_TEST((error_of(refused).code == entities::error::response_too_large));
}

BOOST_AUTO_TEST_CASE(the_mocks_gzip_list_streams_to_the_identity_users)
{
    mock::options o;
    o.seed_users = 2000;
    o.gzip = true;
    o.seed = 5;
    mock_client c(o);
    std::vector<user_info> gz;
    auto const r = c.run<std::size_t>(token_kind::callback, [&](auto tok) {
        return c.users.async_for_each_user(stream::collect_into(gz), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(c.srv.stats().requests_served >= 1u);
    entities::session plain(c.ioc.get_executor(),
                            {.base_url = c.srv.base_url(), .jwt = "mock-token", .accept_encoding = false});
    std::vector<user_info> identity;
    auto const r2 = c.run<std::size_t>(token_kind::callback, [&](auto tok) {
        return plain.users().async_for_each_user(stream::collect_into(identity), std::move(tok));
    });
    BOOST_TEST_REQUIRE(r2.has_value());
    BOOST_TEST(gz.size() == 2001u);
    BOOST_TEST((gz == identity));
    auto const listed = c.run<std::vector<user_info>>(
        token_kind::callback, [&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(listed.has_value());
    BOOST_TEST((*listed == identity));
}

BOOST_DATA_TEST_CASE(any_chunking_on_the_wire_gives_the_same_users, data::make({1u, 7u, 333u, 70'000u}),
                     chunk)
{
    auto const body = stream::list_text(300);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{igtcloud::test::chunked_answer(body, chunk)};
    });
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    auto const whole = entities::decode<std::vector<user_info>>(body);
    BOOST_TEST_REQUIRE(whole.has_value());
    BOOST_TEST((seen == *whole));
    auto const listed =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(listed.has_value());
    BOOST_TEST((*listed == *whole));
}

BOOST_AUTO_TEST_CASE(a_gzip_body_one_byte_per_chunk_gives_the_same_users)
{
    auto const body = stream::list_text(50);
    auto const gz = igtcloud::test::compress(body, igtcloud::test::format::gzip);
    scripted_client c({}, "/data", [&](auto const&, std::size_t, std::size_t) {
        return reply{igtcloud::test::chunked_answer(gz, 1, "Content-Encoding: gzip\r\n")};
    });
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST((seen == *entities::decode<std::vector<user_info>>(body)));
}

BOOST_AUTO_TEST_CASE(a_list_cut_before_the_first_user_is_retried_once_whole)
{
    stream::cut_once_peer const peer{stream::list_text(40), 30}; // the first user is not complete
    scripted_client c({}, "/data", peer);
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(c.peer.requests() == 2u);
    BOOST_TEST(*r == 40u);
    BOOST_TEST(stream::logins_of(seen) ==
                   stream::logins_of(*entities::decode<std::vector<user_info>>(peer.body)),
               boost::test_tools::per_element()); // no user twice
}

BOOST_AUTO_TEST_CASE(a_list_cut_after_users_fails_unretried_keeping_them)
{
    auto const body = stream::list_text(40);
    stream::cut_once_peer const peer{body, body.size() / 2};
    scripted_client c({}, "/data", peer);
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::beast::http::error::partial_message), e.to_string());
    BOOST_TEST(c.peer.requests() == 1u); // a retry would hand the first users over again
    BOOST_TEST_REQUIRE(!seen.empty());
    BOOST_TEST(seen.size() < 40u);
    for (std::size_t i = 0; i < seen.size(); ++i)
        BOOST_TEST(*seen[i].login_id == "user-" + std::to_string(i) + "@example.org");
}

BOOST_AUTO_TEST_CASE(get_users_cut_mid_list_is_retried_whole)
{
    auto const body = stream::list_text(40);
    stream::cut_once_peer const peer{body, body.size() / 2};
    scripted_client c({}, "/data", peer);
    auto const r =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(c.peer.requests() == 2u);
    BOOST_TEST(r->size() == 40u); // the first attempt's users are not kept
}

BOOST_AUTO_TEST_CASE(an_error_answer_reaches_no_callable_and_a_503_is_retried)
{
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t index) {
        if (index == 0)
            return reply{igtcloud::test::http_answer(503, stream::list_text(3), "Retry-After: 0\r\n")};
        return reply{igtcloud::test::http_answer(200, stream::list_text(5))};
    });
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(*r == 5u);
    BOOST_TEST(seen.size() == 5u);
    BOOST_TEST(c.peer.requests() == 2u);

    auto bad = unknown_token_client();
    std::size_t calls = 0;
    auto const unauthorized = bad.run<std::size_t>(token_kind::callback, [&](auto tok) {
        return bad.users.async_for_each_user([&](user_info) { ++calls; }, std::move(tok));
    });
    check_client_error(error_of(unauthorized), entities::http_status::unauthorized, unknown_token_message);
    BOOST_TEST(calls == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
