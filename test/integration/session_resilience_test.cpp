// Resilience of a session: connections the server closed while idle (replayed once, never sent twice),
// retries of safe operations after 429/502/503/504 with backoff, Retry-After and a session-wide budget,
// refreshing credentials after a 401 (one refresh for any number of waiters), and the event hook (every
// attempt reported, no secret anywhere).
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"
#include "support/ten_operations.hpp"

namespace {

namespace asio = boost::asio;
namespace data = boost::unit_test::data;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using igtcloud::test::all_operations;
using igtcloud::test::answer_as_service;
using igtcloud::test::http_answer;
using igtcloud::test::op_result;
using igtcloud::test::record;
using igtcloud::test::reply;
using igtcloud::test::scripted_server;
using namespace igtcloud::test::kit;

/// A fast retry policy for tests (no waiting between attempts unless the server asks).
entities::retry_options quick_retries(unsigned attempts = 3)
{
    return entities::retry_options{.max_attempts = attempts, .initial_backoff = 0ms, .max_backoff = 0ms};
}

/// A scripted server whose first `failures` requests get `failure`, and every later one a success.
struct flaky_server {
    std::shared_ptr<std::atomic<int>> seen = std::make_shared<std::atomic<int>>(0);
    scripted_server server;
    flaky_server(int failures, std::string failure)
        : server([seen = seen, failures, failure](auto const& req, std::size_t, std::size_t) {
            return seen->fetch_add(1) < failures ? reply{failure} : answer_as_service(req);
        })
    {}
};

/// An HTTP date (IMF-fixdate) `ahead` from now.
std::string http_date(std::chrono::seconds ahead)
{
    auto const t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

/// Runs one GET /users/me against `server_url` with `retry`; returns its outcome and how long it took.
std::pair<outcome<entities::user_info>, std::chrono::milliseconds> timed_get_me(std::string server_url,
                                                                                entities::retry_options retry)
{
    asio::io_context ioc;
    auto opts = options_for(std::move(server_url));
    opts.retry = retry;
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    auto const start = clock_type::now();
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    return {o, std::chrono::duration_cast<std::chrono::milliseconds>(o.at - start)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_resilience)

// --- connections closed by the server while idle -------------------------------------------------------

BOOST_AUTO_TEST_CASE(creates_each_user_once_on_1000_sequential_creates_over_closing_connections)
{
    mock::server srv{mock::options{.close_after = 1}}; // closes after every answer, without Connection: close
    auto const before = srv.user_count();
    asio::io_context ioc;
    auto opts = options_for(srv.base_url(), 4);
    opts.retry.max_attempts = 1; // replays only: a retry would hide a replay that went wrong
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    int created = 0, failed = 0;
    for (int i = 0; i < 1000; ++i) {
        outcome<entities::created<entities::user_info>> o;
        auto const login = "seq-" + std::to_string(i);
        users.async_post_users(entities::user_create{.email = login + "@example.org", .login_id = login},
                               into(o));
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
        if (o.ok() && o.result->value().is_new)
            ++created;
        else
            ++failed;
    }
    BOOST_TEST(created == 1000);
    BOOST_TEST(failed == 0);
    BOOST_TEST(srv.user_count() == before + 1000);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == 1000u); // none sent twice
    // Each connection carried exactly one answer: stale ones were detected before reuse or replayed.
    BOOST_TEST(srv.stats().connections_accepted >= 1000u);
    BOOST_TEST(srv.stats().connections_accepted == s.stats().created);
}

BOOST_AUTO_TEST_CASE(creates_each_user_once_on_200_concurrent_creates_over_closing_connections)
{
    mock::server srv{mock::options{.close_after = 1}};
    auto const before = srv.user_count();
    asio::io_context ioc;
    auto opts = options_for(srv.base_url(), 8);
    opts.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    std::vector<outcome<entities::created<entities::user_info>>> results(200);
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto const login = "par-" + std::to_string(i);
        users.async_post_users(entities::user_create{.email = login + "@example.org", .login_id = login},
                               into(results[i]));
    }
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& o) { return o.done(); });
    }));
    auto const created = std::count_if(results.begin(), results.end(),
                                       [](auto const& o) { return o.ok() && o.result->value().is_new; });
    BOOST_TEST(created == 200);
    BOOST_TEST(srv.user_count() == before + 200);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == 200u);
    BOOST_TEST(srv.stats().connections_accepted <= 200u + s.stats().retried);
}

BOOST_AUTO_TEST_CASE(replays_get_once_on_fresh_connection_when_reused_one_was_closed_at_send)
{
    // The server answers the first request, then closes that connection just after the client wrote the
    // next one on it (no FIN before the write: the readability check cannot see it): the answer never starts.
    scripted_server server{[](auto const& req, std::size_t connection, std::size_t index) {
        if (connection == 0 && index == 1) return reply{"", true}; // read the request, then close silently
        return answer_as_service(req);
    }};
    asio::io_context ioc;
    auto opts = options_for(server.base_url(), 1);
    opts.retry.max_attempts = 1;
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> first, second;
    s.users().async_get_me(into(first));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done(); }));
    s.users().async_get_me(into(second));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return second.done(); }));
    BOOST_TEST(first.ok());
    BOOST_TEST(second.ok());
    BOOST_TEST(server.connections() == 2u); // the replay went on a fresh connection
    BOOST_TEST(server.requests() == 3u);
    BOOST_TEST(s.stats().retried == 1u);
}

BOOST_AUTO_TEST_CASE(returns_error_without_replay_on_unsafe_post_sent_whole_on_closed_connection)
{
    scripted_server server{[](auto const& req, std::size_t connection, std::size_t index) {
        if (connection == 0 && index == 1) return reply{"", true};
        return answer_as_service(req);
    }};
    asio::io_context ioc;
    auto opts = options_for(server.base_url(), 1);
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> first;
    outcome<void> profile;
    s.users().async_get_me(into(first));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return first.done(); }));
    s.users().async_post_user_profile(into(profile)); // may have reached the server: never sent twice
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return profile.done(); }));
    BOOST_TEST(!profile.ok());
    BOOST_TEST(profile.error().status == 0u); // no answer: the connection's failure
    BOOST_TEST(server.requests() == 2u);
    BOOST_TEST(s.stats().retried == 0u);
}

// --- retries ----------------------------------------------------------------------------------------------

/// The first answer of a flaky server: status and extra headers.
struct first_answer {
    unsigned status;
    char const* headers;
    friend std::ostream& operator<<(std::ostream& os, first_answer const& a) { return os << a.status; }
};
first_answer const busy_answers[] = {{503, ""}, {429, "Retry-After: 0\r\n"}};

BOOST_DATA_TEST_CASE(retries_only_safe_operations, data::make(all_operations) * data::make(busy_answers), op,
                     answer)
{
    flaky_server flaky(1, http_answer(answer.status, R"({"message":"busy"})", answer.headers));
    asio::io_context ioc;
    auto opts = options_for(flaky.server.base_url());
    opts.retry = quick_retries();
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    op_result r;
    op.start(users, {}, r);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return r.done; }));
    BOOST_TEST(r.ok == op.safe);
    BOOST_TEST(flaky.server.requests() == (op.safe ? 2u : 1u));
    BOOST_TEST(s.stats().retried == (op.safe ? 1u : 0u));
    if (!op.safe) BOOST_TEST(r.status == answer.status);
}

BOOST_DATA_TEST_CASE(retries_get_on_each_retryable_status, data::make({502u, 503u, 504u, 429u}), status)
{
    flaky_server flaky(2, http_answer(status, ""));
    auto [o, took] = timed_get_me(flaky.server.base_url(), quick_retries(3));
    BOOST_TEST(o.ok());
    BOOST_TEST(flaky.server.requests() == 3u);
}

BOOST_DATA_TEST_CASE(returns_last_answer_after_max_attempts, data::make({1u, 2u, 4u}), attempts)
{
    flaky_server flaky(100, http_answer(503, R"({"message":"down"})"));
    auto [o, took] = timed_get_me(flaky.server.base_url(), quick_retries(attempts));
    BOOST_TEST(!o.ok());
    BOOST_TEST(o.error().status == 503u);
    BOOST_TEST(o.error().message == "down");
    BOOST_TEST(flaky.server.requests() == attempts);
}

BOOST_DATA_TEST_CASE(does_not_retry_other_statuses, data::make({400u, 404u, 409u, 500u, 501u}), status)
{
    flaky_server flaky(1, http_answer(status, R"({"message":"no"})"));
    auto [o, took] = timed_get_me(flaky.server.base_url(), quick_retries(3));
    BOOST_TEST(!o.ok());
    BOOST_TEST(o.error().status == status);
    BOOST_TEST(flaky.server.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(retries_get_on_connection_closed_without_answer)
{
    scripted_server server{[n = std::make_shared<std::atomic<int>>(0)](auto const& req, std::size_t,
                                                                       std::size_t) {
        return n->fetch_add(1) == 0 ? reply{"", true} : answer_as_service(req); // a fresh connection, closed
    }};
    auto [o, took] = timed_get_me(server.base_url(), quick_retries(3));
    BOOST_TEST(o.ok());
    BOOST_TEST(server.requests() == 2u);
}

BOOST_AUTO_TEST_CASE(waits_retry_after_seconds)
{
    flaky_server flaky(1, http_answer(503, "", "Retry-After: 1\r\n"));
    auto retry = quick_retries();
    retry.max_retry_after = 5s;
    auto [o, took] = timed_get_me(flaky.server.base_url(), retry);
    BOOST_TEST(o.ok());
    BOOST_TEST(flaky.server.requests() == 2u);
    BOOST_TEST(took.count() >= 950);
    BOOST_TEST(took.count() < 5000);
}

BOOST_AUTO_TEST_CASE(waits_retry_after_http_date)
{
    flaky_server flaky(1, http_answer(429, "", "Retry-After: " + http_date(2s) + "\r\n"));
    auto retry = quick_retries();
    retry.max_retry_after = 5s;
    auto [o, took] = timed_get_me(flaky.server.base_url(), retry);
    BOOST_TEST(o.ok());
    BOOST_TEST(flaky.server.requests() == 2u);
    BOOST_TEST(took.count() >= 900); // a date has whole seconds: between 1 and 2 s from now
    BOOST_TEST(took.count() < 5000);
}

BOOST_AUTO_TEST_CASE(returns_answer_at_once_on_retry_after_over_cap)
{
    flaky_server flaky(1, http_answer(503, R"({"message":"maintenance"})", "Retry-After: 120\r\n"));
    auto retry = quick_retries();
    retry.max_retry_after = 2s;
    auto [o, took] = timed_get_me(flaky.server.base_url(), retry);
    BOOST_TEST(!o.ok());
    BOOST_TEST(o.error().status == 503u);
    BOOST_TEST(flaky.server.requests() == 1u);
    BOOST_TEST(took.count() < 1000);
}

BOOST_AUTO_TEST_CASE(returns_answer_at_once_on_retry_after_past_deadline)
{
    flaky_server flaky(1, http_answer(503, "", "Retry-After: 3\r\n"));
    asio::io_context ioc;
    auto opts = options_for(flaky.server.base_url());
    opts.retry = quick_retries();
    opts.request_timeout = 1s;
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    auto const start = clock_type::now();
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    BOOST_TEST(o.error().status == 503u);
    BOOST_TEST((o.at - start < 900ms));
    BOOST_TEST(flaky.server.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(spreads_backoff_with_jitter_within_cap)
{
    flaky_server flaky(2, http_answer(503, ""));
    entities::retry_options retry{.max_attempts = 3, .initial_backoff = 200ms, .max_backoff = 300ms};
    auto [o, took] = timed_get_me(flaky.server.base_url(), retry);
    BOOST_TEST(o.ok());
    BOOST_TEST(flaky.server.requests() == 3u);
    BOOST_TEST(took.count() < 200 + 300 + 400); // two waits: at most 200 ms, then at most 300 ms
}

BOOST_AUTO_TEST_CASE(stops_retrying_when_budget_is_spent)
{
    flaky_server flaky(1'000'000, http_answer(503, ""));
    asio::io_context ioc;
    auto opts = options_for(flaky.server.base_url(), 2);
    opts.retry = quick_retries(3);
    opts.retry.budget_burst = 5;
    opts.retry.budget_ratio = 0.1;
    entities::session s{ioc.get_executor(), opts};
    int failed = 0;
    for (int i = 0; i < 100; ++i) {
        outcome<entities::user_info> o;
        s.users().async_get_me(into(o));
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
        failed += o.error().status == 503u;
    }
    BOOST_TEST(failed == 100);
    auto const retries = flaky.server.requests() - 100;
    // Without a budget: 200 retries. With it: the burst of 5, then about one per 10 operations.
    BOOST_TEST(retries >= 5u + 8u);
    BOOST_TEST(retries <= 5u + 10u);
    BOOST_TEST(s.stats().retried == retries);
}

// --- credentials provider ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(refreshes_once_on_200_concurrent_401s)
{
    mock::server srv{mock::options{.tokens = {{"fresh-token", "admin@example.org"}}}};
    asio::io_context ioc;
    std::atomic<int> initial{0}, refresh{0};
    auto opts = options_for(srv.base_url(), 8);
    opts.jwt.clear();
    opts.credentials = [&](entities::credentials_reason why, entities::credentials_handler done) {
        auto const first = why == entities::credentials_reason::initial;
        (first ? initial : refresh).fetch_add(1);
        // Answer a little later, from a timer, as a real identity service would.
        auto timer = std::make_shared<asio::steady_timer>(ioc, 20ms);
        timer->async_wait([timer, first, done = std::move(done)](auto) mutable {
            std::move(done)(entities::access_tokens{.jwt = first ? "expired-token" : "fresh-token"});
        });
    };
    entities::session s{ioc.get_executor(), opts};
    std::vector<outcome<entities::user_info>> results(200);
    for (auto& o : results)
        s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& o) { return o.done(); });
    }));
    BOOST_TEST(std::all_of(results.begin(), results.end(), [](auto const& o) {
        return o.ok() && o.result->value().login_id == "admin@example.org";
    }));
    BOOST_TEST(initial.load() == 1);
    BOOST_TEST(refresh.load() == 1);
}

BOOST_AUTO_TEST_CASE(returns_401_after_one_refresh_still_rejected)
{
    mock::server srv;
    asio::io_context ioc;
    int calls = 0;
    auto opts = options_for(srv.base_url());
    opts.jwt.clear();
    opts.credentials = [&](entities::credentials_reason, entities::credentials_handler done) {
        ++calls;
        std::move(done)(entities::access_tokens{.jwt = "never-valid"}); // inline completion is fine
    };
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    BOOST_TEST(o.error().status == 401u);
    BOOST_TEST(calls == 2); // initial + one refresh, then the 401 is the answer
    BOOST_TEST(srv.stats().requests_served == 2u);
}

BOOST_AUTO_TEST_CASE(fails_every_waiter_with_provider_error)
{
    mock::server srv;
    asio::io_context ioc;
    auto opts = options_for(srv.base_url());
    opts.jwt.clear();
    opts.credentials = [&](entities::credentials_reason, entities::credentials_handler done) {
        asio::post(ioc, [done = std::move(done)]() mutable {
            std::move(done)(entities::api_error{make_error_code(entities::error::invalid_argument), 0,
                                                "identity service unavailable"});
        });
    };
    entities::session s{ioc.get_executor(), opts};
    std::vector<outcome<entities::user_info>> results(5);
    for (auto& o : results)
        s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& o) { return o.done(); });
    }));
    for (auto const& o : results)
        BOOST_TEST(o.error().message == "identity service unavailable");
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_with_invalid_argument_on_provider_token_with_newline)
{
    mock::server srv;
    asio::io_context ioc;
    auto opts = options_for(srv.base_url());
    opts.jwt.clear();
    opts.credentials = [](entities::credentials_reason, entities::credentials_handler done) {
        std::move(done)(entities::access_tokens{.jwt = "abc\r\nX-Evil: 1"});
    };
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    BOOST_TEST((o.error().code == entities::error::invalid_argument));
    BOOST_TEST(o.error().message.find("abc") == std::string::npos);
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_waiters_on_provider_dropping_its_handler)
{
    mock::server srv;
    asio::io_context ioc;
    auto opts = options_for(srv.base_url());
    opts.jwt.clear();
    opts.credentials = [](entities::credentials_reason, entities::credentials_handler) {}; // dropped
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    auto const start = clock_type::now();
    s.users().async_get_me(into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    BOOST_TEST(!o.ok());
    BOOST_TEST((o.at - start < 5s)); // not left hanging until the deadline
}

BOOST_AUTO_TEST_CASE(refuses_both_static_tokens_and_provider)
{
    asio::io_context ioc;
    auto opts = options_for("http://127.0.0.1:1/data");
    opts.credentials = [](entities::credentials_reason, entities::credentials_handler) {};
    BOOST_CHECK_THROW((entities::session{ioc.get_executor(), opts}), std::invalid_argument);
}

// --- events and secrets ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(reports_every_attempt_without_secrets)
{
    std::string const jwt = "jwt-SECRET-1f2e3d";
    std::string const csrf = "csrf-SECRET-9a8b7c";
    mock::server srv{mock::options{.tokens = {{jwt, "admin@example.org"}}}};
    asio::io_context ioc;
    std::mutex mutex;
    std::vector<entities::event> attempts;
    std::vector<std::string> texts; // everything an event, error or exception says
    auto opts = options_for(srv.base_url(), 2);
    opts.jwt = jwt;
    opts.csrf_token = csrf;
    opts.on_event = [&](entities::event const& e) {
        std::lock_guard lock(mutex);
        texts.push_back(std::string(e.operation) + " " + std::string(e.method) + " " + std::string(e.target) +
                        " " + std::to_string(e.status) + " " + e.error.message() + " " + e.error.to_string());
        if (e.kind == entities::event_kind::attempt) {
            attempts.push_back(e);
            attempts.back().operation = {};
            attempts.back().method = {};
            attempts.back().target = {}; // views die with the call
        }
    };
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    std::vector<std::string> secrets{jwt, csrf};
    auto const admin = srv.find_user_by_login("admin@example.org");
    BOOST_TEST_REQUIRE(admin.has_value());

    outcome<entities::storage> storage;
    users.async_get_user_storage("us-east-1", into(storage));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return storage.done(); }));
    BOOST_TEST_REQUIRE(storage.ok());
    auto const& c = *storage.result->value().credentials;
    for (auto const* v : {&c.secret, &c.session_token, &c.access_key})
        if (v->has_value() && !(*v)->empty()) secrets.push_back(**v);
    BOOST_TEST(secrets.size() == 5u);

    std::vector<op_result> results(std::size(all_operations) + 1);
    for (std::size_t i = 0; i < std::size(all_operations); ++i)
        all_operations[i].start(users, {}, results[i]);
    users.async_get_user("no-such-user", record<entities::user_info>(results.back()));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& r) { return r.done; });
    }));
    BOOST_TEST(results.back().status == 404u);

    // Errors and exceptions of failing calls: 404, 400, and 401 with a wrong token.
    auto bad_opts = options_for(srv.base_url());
    bad_opts.jwt = "bad-SECRET-5566";
    secrets.push_back(bad_opts.jwt);
    entities::session bad{ioc.get_executor(), bad_opts};
    outcome<entities::user_info> unauthorized, missing;
    bad.users().async_get_me(into(unauthorized));
    users.async_get_user("nobody", into(missing));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return unauthorized.done() && missing.done(); }));
    BOOST_TEST(unauthorized.error().status == 401u);
    for (auto const* o : {&unauthorized, &missing}) {
        texts.push_back(o->error().message);
        texts.push_back(o->error().to_string());
        try {
            (void)o->result->value();
        } catch (std::exception const& e) {
            texts.push_back(e.what());
        }
    }

    std::lock_guard lock(mutex);
    BOOST_TEST(attempts.size() >= std::size(all_operations) + 2);
    for (auto const& e : attempts) {
        BOOST_TEST(e.attempt >= 1u);
        BOOST_TEST((e.status != 0 || e.error));
    }
    for (auto const& text : texts)
        for (auto const& secret : secrets)
            BOOST_TEST(text.find(secret) == std::string::npos, "a secret in: " << text.substr(0, 80));
}

BOOST_AUTO_TEST_CASE(reports_attempt_numbers_and_fields_on_retried_get)
{
    flaky_server flaky(1, http_answer(503, ""));
    asio::io_context ioc;
    std::vector<std::tuple<std::string, std::string, std::string, unsigned, unsigned, bool>> seen;
    auto opts = options_for(flaky.server.base_url());
    opts.retry = quick_retries();
    opts.on_event = [&](entities::event const& e) {
        if (e.kind == entities::event_kind::attempt)
            seen.emplace_back(e.operation, e.method, e.target, e.status, e.attempt, e.reused_connection);
    };
    entities::session s{ioc.get_executor(), opts};
    outcome<entities::user_info> o;
    s.users().async_get_user("u-1", into(o));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return o.done(); }));
    BOOST_TEST(o.ok());
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST((seen[0] == std::tuple<std::string, std::string, std::string, unsigned, unsigned, bool>{
                               "get_user", "GET", "/data/users/u-1", 503u, 1u, false}));
    BOOST_TEST((seen[1] == std::tuple<std::string, std::string, std::string, unsigned, unsigned, bool>{
                               "get_user", "GET", "/data/users/u-1", 200u, 2u, true}));
}

BOOST_AUTO_TEST_SUITE_END()
