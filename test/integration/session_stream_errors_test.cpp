// GET /users streamed (DESIGN.md §8), its failures over real sockets against scripted peers: each a clear
// error, after the users already handed over (async_for_each_user) or with no partial list
// (async_get_users): invalid JSON after N good users, a user of the wrong shape, the top level not an array,
// a user over max_item_bytes, cancellation mid-list (from on_user and from outside), the deadline mid-list,
// an on_user that throws, an empty on_user.
#include <igtcloud/entities.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support/session_clients.hpp"
#include "support/stream_kit.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
namespace stream = igtcloud::test::stream;
using igtcloud::test::reply;

namespace session_stream_errors_test {

/// A peer answering every request 200 with `body` (chunked in pieces of 1000 bytes).
inline igtcloud::test::responder always(std::string body)
{
    return [body = std::move(body)](auto const&, std::size_t, std::size_t) {
        return reply{igtcloud::test::chunked_answer(body, 1000)};
    };
}

/// A bad list: its body, how many users come before the bad part, and the error's message start.
struct bad_list {
    char const* what;
    std::string body;
    std::size_t good;
    std::string message;
    entities::error code{entities::error::invalid_response};
    friend std::ostream& operator<<(std::ostream& os, bad_list const& b) { return os << b.what; }
};

inline std::vector<bad_list> bad_lists()
{
    return {
        {"invalid JSON after 1041 users", stream::list_head(1041) + R"(,{"loginId":"x",])", 1041,
         "malformed JSON: syntax error (at byte "},
        {"a wrong type in user 1041",
         stream::list_head(1041) + R"(,{"profile":{"contact":{"emailAddress":7}}}])", 1041,
         "[1041].profile.contact.emailAddress: expected a string, got a number (at byte "},
        {"a null user", stream::list_head(3) + ",null]", 3, "[3]: expected an object, got null (at byte "},
        {"an object at the top", R"({"users":[)" + stream::user_text(0) + "]}", 0,
         "JSON document: expected an array, got an object (at byte 0)"},
        {"junk after the array", stream::list_text(5) + " []", 5, "malformed JSON: extra data (at byte "},
        {"an array that does not close", stream::list_head(5), 5,
         "malformed JSON: incomplete JSON (at byte "},
    };
}

} // namespace session_stream_errors_test

using namespace session_stream_errors_test;

BOOST_AUTO_TEST_SUITE(session_stream_errors)

BOOST_DATA_TEST_CASE(a_bad_list_fails_after_its_good_users, data::make(bad_lists()), bad)
{
    scripted_client c({}, "/data", always(bad.body));
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == bad.code));
    BOOST_TEST((e.code == entities::condition::protocol_error));
    BOOST_TEST(e.status == 200u);
    BOOST_TEST(e.message.starts_with(bad.message), e.message);
    BOOST_TEST(seen.size() == bad.good); // the users before the bad part, each handed over once
    for (std::size_t i = 0; i < seen.size(); ++i)
        BOOST_TEST_REQUIRE(*seen[i].login_id == "user-" + std::to_string(i) + "@example.org");
    BOOST_TEST(c.peer.requests() == 1u); // not retried

    // async_get_users: the same error, no partial list.
    auto const listed =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    auto const le = error_of(listed);
    BOOST_TEST((le.code == bad.code));
    BOOST_TEST(le.status == 200u);
    BOOST_TEST(le.message.starts_with(bad.message), le.message);
}

BOOST_AUTO_TEST_CASE(a_user_over_max_item_bytes_ends_for_each_but_not_get_users)
{
    auto const big = R"({"loginId":"big","profile":{"givenName":")" + std::string(5000, 'g') + R"("}})";
    auto const body = stream::list_head(2) + "," + big + "]";
    entities::session_options o;
    o.max_item_bytes = 4096;
    scripted_client c(o, "/data", always(body));
    std::vector<user_info> seen;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(stream::collect_into(seen), std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::response_too_large));
    BOOST_TEST(e.message.starts_with("[2]: one element's JSON is over max_item_bytes (4096 bytes)"),
               e.message);
    BOOST_TEST(seen.size() == 2u);
    // async_get_users is bounded by max_response_bytes (its whole body), not max_item_bytes.
    auto const listed =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(listed.has_value(), (listed ? "" : listed.error().to_string()));
    BOOST_TEST(listed->at(2).profile->given_name->size() == 5000u);
}

BOOST_AUTO_TEST_CASE(get_users_over_max_response_bytes_as_it_grows)
{
    entities::session_options o;
    o.max_response_bytes = 50'000;
    scripted_client c(o, "/data", always(stream::list_text(1000))); // chunked: no Content-Length
    auto const r =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::response_too_large));
    BOOST_TEST(e.message == "the response body exceeds max_response_bytes (50000 bytes)");
}

// A 304 ends with its head whatever its Content-Length says (RFC 9110 §8.6): the answer is its status, not a
// body over the limit (the fuzz target http_answer found the list's sink refusing such a length).
BOOST_AUTO_TEST_CASE(a_bodiless_answer_with_a_large_content_length_is_its_status)
{
    entities::session_options o;
    o.max_response_bytes = 1000;
    scripted_client c(o, "/data", [](auto const&, std::size_t, std::size_t) {
        return reply{"HTTP/1.1 304 Not Modified\r\nContent-Length: 1000000\r\n\r\n"};
    });
    auto const r =
        c.run<std::vector<user_info>>([&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    auto const e = error_of(r);
    BOOST_TEST((e.code == entities::error::unexpected_status));
    BOOST_TEST(e.status == 304u);
}

BOOST_AUTO_TEST_CASE(cancelling_from_on_user_stops_at_once)
{
    scripted_client c({}, "/data", always(stream::list_text(5000)));
    boost::asio::cancellation_signal cancel;
    std::vector<user_info> seen;
    std::optional<api_result<std::size_t>> r;
    c.users.async_for_each_user(
        [&](user_info u) {
            seen.push_back(std::move(u));
            if (seen.size() == 10) cancel.emit(boost::asio::cancellation_type::terminal);
        },
        boost::asio::bind_cancellation_slot(cancel.slot(), [&](api_result<std::size_t> x) { r = x; }));
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(c.ioc, [&] { return r.has_value(); }));
    BOOST_TEST((error_of(*r).code == boost::asio::error::operation_aborted));
    BOOST_TEST(seen.size() == 10u); // not one more, though the read buffer held more
    BOOST_TEST(c.peer.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(cancelling_mid_list_from_outside_keeps_the_users_handed_over)
{
    // The head, 3 users, then a space every 20 ms: a list that never ends.
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t) {
        reply r{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n" +
                stream::list_head(3) + ","};
        r.drip = std::chrono::milliseconds(20);
        r.drip_byte = ' ';
        return r;
    });
    boost::asio::cancellation_signal cancel;
    std::vector<user_info> seen;
    std::optional<api_result<std::size_t>> r;
    c.users.async_for_each_user(
        stream::collect_into(seen),
        boost::asio::bind_cancellation_slot(cancel.slot(), [&](api_result<std::size_t> x) { r = x; }));
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(c.ioc, [&] { return seen.size() == 3u; }));
    cancel.emit(boost::asio::cancellation_type::terminal);
    BOOST_TEST_REQUIRE(igtcloud::test::run_until(c.ioc, [&] { return r.has_value(); }));
    BOOST_TEST((error_of(*r).code == boost::asio::error::operation_aborted));
    BOOST_TEST(seen.size() == 3u);
}

BOOST_AUTO_TEST_CASE(the_deadline_mid_list_is_a_timeout_after_the_users)
{
    scripted_client c({}, "/data", [](auto const&, std::size_t, std::size_t) {
        reply r{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n" +
                stream::list_head(2) + ","};
        r.drip = std::chrono::milliseconds(50);
        r.drip_byte = ' ';
        return r;
    });
    std::vector<user_info> seen;
    entities::request_options const opts{.timeout = std::chrono::milliseconds(400)};
    auto const r = c.run<std::size_t>([&](auto tok) {
        return c.users.async_for_each_user(opts, stream::collect_into(seen), std::move(tok));
    });
    BOOST_TEST((error_of(r).code == entities::error::timeout));
    BOOST_TEST(seen.size() == 2u);
    BOOST_TEST(c.peer.requests() == 1u);
}

BOOST_DATA_TEST_CASE(an_on_user_that_throws_ends_it_unretried, data::make({1u, 4u}), throw_at)
{
    scripted_client c({}, "/data", always(stream::list_text(10)));
    std::size_t calls = 0;
    auto const r = c.run<std::size_t>([&](auto tok) {
        return c.users.async_for_each_user(
            [&](user_info) {
                if (++calls == throw_at) throw std::runtime_error("the database is full");
            },
            std::move(tok));
    });
    auto const e = error_of(r);
    BOOST_TEST((e.code == boost::system::errc::io_error));
    BOOST_TEST(e.message.find("the database is full") != std::string::npos, e.message);
    BOOST_TEST(calls == throw_at); // never called again
    BOOST_TEST(c.peer.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(an_empty_on_user_is_refused_with_nothing_sent)
{
    scripted_client c;
    auto const r = c.run<std::size_t>(
        [&](auto tok) { return c.users.async_for_each_user(entities::user_callback{}, std::move(tok)); });
    check_invalid_argument(error_of(r));
    BOOST_TEST(c.peer.requests() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
