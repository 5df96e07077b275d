// Batch provisioning at scale against the mock server (DESIGN.md §9): refused options complete at once and
// send nothing (a sync's too), shards and the skip hook pass items over (counted, not reported), and a
// cancellation wakes the workers waiting for a token of the rate at once.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "support/session_kit.hpp"

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::provision_outcome;
using namespace igtcloud::test::kit;

/// A source of `n` users `<prefix>-<i>` counting its reads.
auto users_source(std::size_t& reads, std::size_t n, std::string prefix)
{
    return [&reads, n, prefix, i = std::size_t{0}]() mutable -> std::optional<entities::user_create> {
        if (i == n) return std::nullopt;
        ++reads;
        auto const login = prefix + "-" + std::to_string(i++);
        return entities::user_create{.email = login + "@example.org", .login_id = login};
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(provision_scale)

BOOST_AUTO_TEST_CASE(refuses_at_once_sending_nothing_on_bad_options)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    struct bad_case {
        std::optional<double> rate;
        std::optional<entities::shard_spec> shard;
        std::string message;
    };
    std::vector<bad_case> const cases{
        {0.0, {}, "provision_options::rate must be a finite number > 0 (got 0)"},
        {-2.5, {}, "provision_options::rate must be a finite number > 0 (got -2.5)"},
        {std::nan(""), {}, "provision_options::rate must be a finite number > 0 (got nan)"},
        {std::numeric_limits<double>::infinity(), {}, "provision_options::rate must be a finite number > 0"},
        {{}, entities::shard_spec{0, 0}, "provision_options::shard: count must be at least 1"},
        {{}, entities::shard_spec{3, 3}, "provision_options::shard: index 3 is not below count 3"},
    };
    for (auto const& c : cases) {
        std::size_t reads = 0;
        std::size_t reported = 0;
        entities::provision_options opts;
        opts.rate = c.rate;
        opts.shard = c.shard;
        opts.on_item = [&](entities::provision_result const&) { ++reported; };
        std::optional<entities::provision_summary> sum;
        entities::async_provision_users(s, users_source(reads, 10, "refused"), opts,
                                        [&](entities::provision_summary r) { sum = r; });
        BOOST_TEST(!sum.has_value()); // never inside the initiating call
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sum.has_value(); }));
        BOOST_TEST_REQUIRE(sum->error.has_value(), c.message);
        BOOST_TEST((sum->error->code == entities::error::invalid_argument));
        BOOST_TEST(sum->error->message.starts_with(c.message), sum->error->message);
        BOOST_TEST(sum->total() == 0u);
        BOOST_TEST(reads == 0u);
        BOOST_TEST(reported == 0u);
    }
    BOOST_TEST(srv.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(refuses_a_sync_at_once_sending_nothing_on_a_bad_rate_or_shard)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    std::vector<std::pair<entities::sync_options, std::string>> cases(3);
    cases[0].first.rate = 0.0;
    cases[0].second = "sync_options::rate must be a finite number > 0 (got 0)";
    cases[1].first.shard = entities::shard_spec{2, 2};
    cases[1].second = "sync_options::shard: index 2 is not below count 2";
    cases[2].first.shard = entities::shard_spec{0, 0};
    cases[2].first.plan_only = true;
    cases[2].second = "sync_options::shard: count must be at least 1";
    for (auto& [opts, message] : cases) {
        std::size_t reads = 0, planned = 0;
        opts.on_plan = [&](entities::sync_plan_item const&) { ++planned; };
        std::optional<entities::api_result<entities::sync_summary>> r;
        entities::async_sync_users(s, users_source(reads, 10, "refused"), opts, [&](auto got) { r = got; });
        BOOST_TEST(!r.has_value()); // never inside the initiating call
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return r.has_value(); }));
        BOOST_TEST_REQUIRE(!r->has_value(), message);
        BOOST_TEST((r->error().code == entities::error::invalid_argument));
        BOOST_TEST(r->error().message == message);
        BOOST_TEST(reads == 0u);
        BOOST_TEST(planned == 0u);
    }
    BOOST_TEST(srv.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(passes_over_other_shards_and_skipped_logins_counting_them)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    constexpr std::size_t n = 600;
    entities::shard_spec const shard{1, 3};
    std::set<std::string> expected;
    std::size_t skipped_by_hook = 0;
    for (std::size_t i = 0; i < n; ++i) {
        auto const login = "shard-" + std::to_string(i);
        if (!entities::in_shard(login, shard)) continue;
        if (login.ends_with('7'))
            ++skipped_by_hook;
        else
            expected.insert(login);
    }
    std::size_t reads = 0;
    std::vector<entities::provision_result> items;
    std::vector<std::string> asked;
    entities::provision_options opts;
    opts.shard = shard;
    opts.rate = 1e6; // a rate that never binds: the items still all go
    opts.skip = [&](std::string_view login) {
        asked.emplace_back(login);
        return login.ends_with('7');
    };
    opts.on_item = [&](entities::provision_result const& r) { items.push_back(r); };
    std::optional<entities::provision_summary> sum;
    entities::async_provision_users(s, users_source(reads, n, "shard"), opts,
                                    [&](entities::provision_summary r) { sum = r; });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sum.has_value(); }));
    BOOST_TEST(!sum->error.has_value());
    BOOST_TEST(reads == n);
    BOOST_TEST(sum->created == expected.size());
    BOOST_TEST(sum->skipped == n - expected.size());
    BOOST_TEST(sum->total() == expected.size());
    BOOST_TEST(asked.size() == expected.size() + skipped_by_hook); // the hook sees the shard's items only
    std::set<std::string> created;
    for (auto const& r : items) {
        BOOST_TEST((r.outcome == provision_outcome::created));
        created.insert(r.login_id);
        BOOST_TEST(r.login_id == "shard-" + std::to_string(r.index)); // index: the position in the source
    }
    BOOST_TEST((created == expected));
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == expected.size());
}

BOOST_AUTO_TEST_CASE(wakes_the_workers_waiting_for_a_token_on_partial_cancellation)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    std::size_t reads = 0;
    std::vector<entities::provision_result> items;
    entities::provision_options opts;
    opts.concurrency = 4;
    opts.rate = 0.01; // one token now, the next in 100 s
    opts.on_item = [&](entities::provision_result const& r) { items.push_back(r); };
    asio::cancellation_signal stop;
    std::optional<entities::provision_summary> sum;
    entities::async_provision_users(
        s, users_source(reads, 10, "waiting"), opts,
        asio::bind_cancellation_slot(stop.slot(), [&](entities::provision_summary r) { sum = r; }));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return items.size() == 1; }));
    auto const start = clock_type::now();
    asio::steady_timer later(ioc, 100ms); // the other workers wait for a token now
    later.async_wait([&](auto) { stop.emit(asio::cancellation_type::partial); });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return sum.has_value(); }));
    BOOST_TEST((clock_type::now() - start < 5s)); // not the 100 s of the next token
    BOOST_TEST(sum->cancelled);
    BOOST_TEST(sum->created == 1u);
    BOOST_TEST(sum->not_attempted == 9u); // the items held by waiting workers included, each once
    BOOST_TEST(items.size() == 10u);
    std::set<std::size_t> indexes;
    for (auto const& r : items)
        indexes.insert(r.index);
    BOOST_TEST(indexes.size() == 10u);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
