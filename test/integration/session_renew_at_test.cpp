// token_source's renew_at rule against the mock (suite session_renew_at): tokens whose renew_at has passed
// are not sent; one provider call with credentials_reason::expiring however many operations wait, then the
// new tokens; tokens without renew_at (or with one ahead) are used as they are.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "support/session_kit.hpp"

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using igtcloud::test::run_until;
using igtcloud::test::kit::into;
using igtcloud::test::kit::outcome;
using namespace std::chrono_literals;

// A fake provider: "old-token" (with `first_renew_at`) first, "new-token" (no renew_at) on every later call;
// counts the calls by reason, answering from a timer as an identity service would.
struct fake_provider {
    asio::io_context& ioc;
    std::optional<std::chrono::system_clock::time_point> first_renew_at;
    std::atomic<int> initial{0}, expiring{0}, refresh{0};

    entities::credentials_provider get()
    {
        return [this](entities::credentials_reason why, entities::credentials_handler done) {
            auto& counter = why == entities::credentials_reason::initial    ? initial
                            : why == entities::credentials_reason::expiring ? expiring
                                                                            : refresh;
            counter.fetch_add(1);
            bool const first = why == entities::credentials_reason::initial;
            auto timer = std::make_shared<asio::steady_timer>(ioc, 20ms);
            timer->async_wait([this, timer, first, done = std::move(done)](auto) mutable {
                if (first)
                    std::move(done)(entities::access_tokens{.jwt = "old-token", .renew_at = first_renew_at});
                else
                    std::move(done)(entities::access_tokens{.jwt = "new-token"});
            });
        };
    }
};

mock::options both_tokens()
{
    return mock::options{.tokens = {{"old-token", "old@example.org"}, {"new-token", "new@example.org"}}};
}

std::vector<outcome<entities::user_info>> run_many(asio::io_context& ioc, entities::session& s, std::size_t n)
{
    std::vector<outcome<entities::user_info>> results(n);
    for (auto& o : results)
        s.users().async_get_me(into(o));
    BOOST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& o) { return o.done(); });
    }));
    return results;
}

entities::session session_on(asio::io_context& ioc, mock::server const& srv, fake_provider& p)
{
    return entities::session(ioc.get_executor(),
                             entities::session_options{.base_url = srv.base_url(), .credentials = p.get()});
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_renew_at)

BOOST_AUTO_TEST_CASE(tokens_past_renew_at_are_renewed_once_for_every_waiter)
{
    mock::server srv(both_tokens());
    asio::io_context ioc;
    fake_provider p{ioc, std::chrono::system_clock::now() + 300ms};
    auto s = session_on(ioc, srv, p);
    auto const before = run_many(ioc, s, 1);
    BOOST_REQUIRE(before[0].ok());
    BOOST_TEST(before[0].result->value().login_id.value_or("") == "old@example.org");
    std::this_thread::sleep_for(400ms); // renew_at has passed
    auto const after = run_many(ioc, s, 100);
    for (auto const& o : after) {
        BOOST_REQUIRE(o.ok());
        BOOST_TEST(o.result->value().login_id.value_or("") == "new@example.org"); // the old tokens were not sent
    }
    BOOST_TEST(p.initial.load() == 1);
    BOOST_TEST(p.expiring.load() == 1);
    BOOST_TEST(p.refresh.load() == 0);
}

BOOST_AUTO_TEST_CASE(tokens_without_or_before_renew_at_are_used_as_they_are)
{
    for (auto renew_at : {std::optional<std::chrono::system_clock::time_point>{},
                          std::optional(std::chrono::system_clock::now() + 1h)}) {
        mock::server srv(both_tokens());
        asio::io_context ioc;
        fake_provider p{ioc, renew_at};
        auto s = session_on(ioc, srv, p);
        for (auto const& o : run_many(ioc, s, 20)) {
            BOOST_REQUIRE(o.ok());
            BOOST_TEST(o.result->value().login_id.value_or("") == "old@example.org");
        }
        BOOST_TEST(p.initial.load() == 1);
        BOOST_TEST(p.expiring.load() == 0);
    }
}

BOOST_AUTO_TEST_CASE(a_provider_that_cannot_renew_is_asked_once_per_attempt_not_in_a_loop)
{
    mock::server srv(both_tokens());
    asio::io_context ioc;
    std::atomic<int> calls{0};
    auto const past = std::chrono::system_clock::now() - 1s;
    entities::session s(
        ioc.get_executor(),
        {.base_url = srv.base_url(),
         .credentials = [&](entities::credentials_reason, entities::credentials_handler done) {
             calls.fetch_add(1);
             std::move(done)(entities::access_tokens{.jwt = "old-token", .renew_at = past});
         }});
    auto const r = run_many(ioc, s, 1);
    BOOST_REQUIRE(r[0].ok()); // the tokens it gave are sent, whatever their renew_at
    BOOST_TEST(calls.load() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
