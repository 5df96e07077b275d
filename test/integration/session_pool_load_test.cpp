// The session's connection pool under load: 10,000 concurrent operations within the connection limit, and
// operations started from foreign threads and io_context threads on a four-thread io_context.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/session_kit.hpp"

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::api_result;
using entities::user_info;
using namespace std::chrono_literals;

using namespace igtcloud::test::kit;

} // namespace

BOOST_AUTO_TEST_SUITE(session_pool_load)

BOOST_AUTO_TEST_CASE(stays_within_limit_on_10000_concurrent_operations)
{
    mock::server srv{mock::options{.threads = 2}};
    auto const known =
        srv.add_user(entities::user_create{.email = "known@example.org", .login_id = "known@example.org"});
    BOOST_TEST_REQUIRE(known.user_uuid.has_value());
    auto const users_before = srv.user_count();

    asio::io_context ioc;
    auto opts = options_for(srv.base_url(), 8);
    opts.request_timeout = 120s; // the whole batch queues behind 8 connections, sanitizers included
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();

    constexpr int total = 10'000;
    int done = 0, correct = 0, posts = 0;
    std::vector<std::string> failures;
    auto check = [&](bool good, std::string what) {
        ++done;
        if (good)
            ++correct;
        else if (failures.size() < 10)
            failures.push_back(std::move(what));
    };
    for (int i = 0; i < total; ++i) {
        switch (i % 3) {
        case 0:
            users.async_get_me([&](api_result<user_info> r) {
                check(r && r->login_id == admin_login,
                      r ? "get_me: wrong user" : "get_me: " + r.error().to_string());
            });
            break;
        case 1:
            users.async_get_user(*known.user_uuid, [&](api_result<user_info> r) {
                check(r && r->user_uuid == known.user_uuid && r->login_id == known.login_id,
                      r ? "get_user: wrong user" : "get_user: " + r.error().to_string());
            });
            break;
        default: {
            ++posts;
            auto login = "bulk-" + std::to_string(i) + "@example.org";
            entities::user_create body{.email = login, .login_id = login};
            users.async_post_users(std::move(body), [&, login](api_result<entities::created<user_info>> r) {
                check(r && r->is_new && r->value.login_id == login && r->value.user_uuid.has_value(),
                      r ? "post_users: wrong answer for " + login : "post_users: " + r.error().to_string());
            });
        }
        }
    }
    BOOST_TEST_REQUIRE(run_until(
        ioc, [&] { return done == total; }, 90s));
    settle(ioc);
    BOOST_TEST(done == total); // no handler ran twice
    BOOST_TEST(correct == total);
    for (auto const& f : failures)
        BOOST_TEST_MESSAGE("failure: " << f);
    BOOST_TEST(srv.user_count() == users_before + static_cast<std::size_t>(posts));

    auto const server = srv.stats();
    BOOST_TEST(server.connections_accepted <= 8u);
    BOOST_TEST(server.requests_served == static_cast<std::uint64_t>(total));
    auto const st = s.stats();
    BOOST_TEST(st.open <= 8u);
    BOOST_TEST(st.queued == 0u);
    BOOST_TEST(st.in_use == 0u);
    BOOST_TEST(st.connecting == 0u);
    BOOST_TEST(st.reused > 0u);
    BOOST_TEST(st.created == server.connections_accepted);
    BOOST_TEST(st.created + st.reused == static_cast<std::uint64_t>(total)); // one grant per operation
}

BOOST_AUTO_TEST_CASE(serves_all_results_on_four_thread_io_context)
{
    mock::server srv{mock::options{.threads = 2}};
    auto const known =
        srv.add_user(entities::user_create{.email = "known@example.org", .login_id = "known@example.org"});
    BOOST_TEST_REQUIRE(known.user_uuid.has_value());

    asio::io_context ioc{4};
    auto work = asio::make_work_guard(ioc);
    auto opts = options_for(srv.base_url(), 8);
    opts.request_timeout = 60s;
    std::optional<entities::session> s;
    s.emplace(ioc.get_executor(), opts);
    auto const users = s->users();

    constexpr int posters = 4, per_poster = 600, total = posters * per_poster;
    std::atomic<int> done{0}, correct{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    std::promise<void> all_done;
    auto finish = [&](bool good, std::string const& what) {
        if (good) {
            correct.fetch_add(1);
        } else {
            std::lock_guard lock(failures_mutex);
            if (failures.size() < 10) failures.push_back(what);
        }
        if (done.fetch_add(1) + 1 == total) all_done.set_value();
    };
    auto start = [&finish, &known](entities::users_api u, int poster, int i) {
        switch (i % 3) {
        case 0:
            u.async_get_me([&finish](api_result<user_info> r) {
                finish(r && r->login_id == admin_login, r ? "get_me: wrong user" : r.error().to_string());
            });
            break;
        case 1:
            u.async_get_user(*known.user_uuid, [&finish, &known](api_result<user_info> r) {
                finish(r && r->user_uuid == known.user_uuid,
                       r ? "get_user: wrong user" : r.error().to_string());
            });
            break;
        default: {
            auto login = "mt-" + std::to_string(poster) + "-" + std::to_string(i) + "@example.org";
            entities::user_create body{.email = login, .login_id = login};
            u.async_post_users(std::move(body), [&finish, login](api_result<entities::created<user_info>> r) {
                finish(r && r->is_new && r->value.login_id == login,
                       r ? "post_users: wrong answer" : r.error().to_string());
            });
        }
        }
    };

    std::vector<std::thread> runners, starters;
    struct joiner { // stops and joins whatever happens to the assertions
        asio::io_context& ioc;
        std::vector<std::thread>& a;
        std::vector<std::thread>& b;
        ~joiner()
        {
            for (auto& t : b)
                if (t.joinable()) t.join();
            ioc.stop();
            for (auto& t : a)
                if (t.joinable()) t.join();
        }
    } join_all{ioc, runners, starters};
    for (int i = 0; i < 4; ++i)
        runners.emplace_back([&ioc] { ioc.run(); });
    for (int p = 0; p < posters; ++p) {
        starters.emplace_back([&, p] {
            for (int i = 0; i < per_poster; ++i) {
                if (i % 2 == 0)
                    start(users, p, i); // from a foreign thread
                else
                    asio::post(ioc,
                               [&start, users, p, i] { start(users, p, i); }); // from an io_context thread
            }
        });
    }
    auto const finished = all_done.get_future().wait_for(60s) == std::future_status::ready;
    BOOST_TEST_REQUIRE(finished);
    BOOST_TEST(correct.load() == total);
    {
        std::lock_guard lock(failures_mutex);
        for (auto const& f : failures)
            BOOST_TEST_MESSAGE("failure: " << f);
    }
    auto const st = s->stats();
    BOOST_TEST(st.open <= 8u);
    BOOST_TEST(st.queued == 0u);
    BOOST_TEST(st.in_use == 0u);
    BOOST_TEST(st.created + st.reused == static_cast<std::uint64_t>(total));
    BOOST_TEST(srv.stats().connections_accepted <= 8u);
    s.reset(); // shut down while the io_context still runs
    work.reset();
}

BOOST_AUTO_TEST_SUITE_END()
