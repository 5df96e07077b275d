// Where entities::session completes: on the handler's bound strand or executor, also of another io_context
// run by another thread, for successes, errors and refusals before sending.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(session_executor)

BOOST_AUTO_TEST_CASE(completes_on_bound_strand_on_success_and_error)
{
    mock_client c;
    auto strand = asio::make_strand(c.ioc);
    int done = 0;
    bool ok_on_strand = false, error_on_strand = false, early_on_strand = false;
    c.users.async_get_me(asio::bind_executor(strand, [&](api_result<user_info> r) {
        ok_on_strand = strand.running_in_this_thread() && r.has_value();
        ++done;
    }));
    c.users.async_get_user("no-such-user", asio::bind_executor(strand, [&](api_result<user_info> r) {
                               error_on_strand = strand.running_in_this_thread() && !r.has_value();
                               ++done;
                           }));
    c.users.async_delete_user("",
                              asio::bind_executor(strand, [&](api_result<void> r) { // refused before sending
                                  early_on_strand = strand.running_in_this_thread() && !r.has_value();
                                  ++done;
                              }));
    BOOST_TEST_REQUIRE(test::run_until(c.ioc, [&] { return done == 3; }));
    BOOST_TEST(ok_on_strand);
    BOOST_TEST(error_on_strand);
    BOOST_TEST(early_on_strand);
}

BOOST_AUTO_TEST_CASE(completes_on_other_io_context_thread_on_bound_executor)
{
    mock_client c;
    asio::io_context other;
    auto work = asio::make_work_guard(other);
    std::thread runner([&] { other.run_for(20s); });
    struct seen {
        bool on_other_context{};
        std::thread::id thread{};
    };
    std::vector<seen> results(2);
    std::atomic<int> done{0};
    c.users.async_get_users(asio::bind_executor(other, [&](api_result<std::vector<user_info>> r) {
        results[0] = {other.get_executor().running_in_this_thread() && r.has_value(),
                      std::this_thread::get_id()};
        ++done;
    }));
    c.users.async_get_user(".", asio::bind_executor(other, [&](api_result<user_info> r) {
                               results[1] = {other.get_executor().running_in_this_thread() && !r.has_value(),
                                             std::this_thread::get_id()};
                               ++done;
                           }));
    bool const completed = test::run_until(c.ioc, [&] { return done.load() == 2; });
    work.reset();
    other.stop();
    runner.join();
    BOOST_TEST_REQUIRE(completed);
    for (auto const& s : results) {
        BOOST_TEST(s.on_other_context);
        BOOST_TEST((s.thread != std::this_thread::get_id()));
    }
}

BOOST_AUTO_TEST_SUITE_END()
