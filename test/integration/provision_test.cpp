// Batch provisioning against the mock server: exact outcomes per item, bounded concurrency with a lazily
// read source, a second run finding every user existing, bad rows reported in place, and cancellation
// reporting every item exactly once.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/session_kit.hpp"

namespace igtcloud::entities {
std::ostream& operator<<(std::ostream& os, provision_outcome o)
{
    return os << to_string(o);
}
} // namespace igtcloud::entities

namespace {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
using entities::provision_outcome;
using namespace igtcloud::test::kit;

entities::user_create user_no(std::size_t i, std::string const& prefix = "batch")
{
    auto const login = prefix + "-" + std::to_string(i);
    return entities::user_create{.email = login + "@example.org", .login_id = login};
}

/// Records every item's result and the source's reads, to check the run's promises.
struct recorder {
    std::vector<entities::provision_result> items;
    std::size_t reads{};       ///< items taken from the source
    std::size_t max_pending{}; ///< most items read but not yet reported, at any report
    std::optional<entities::provision_summary> summary;

    entities::provision_options options(std::size_t concurrency)
    {
        entities::provision_options o;
        o.concurrency = concurrency;
        o.on_item = [this](entities::provision_result const& r) {
            max_pending = std::max(max_pending, reads - items.size());
            items.push_back(r);
        };
        return o;
    }
    std::size_t count(provision_outcome o) const
    {
        return static_cast<std::size_t>(
            std::count_if(items.begin(), items.end(), [o](auto const& r) { return r.outcome == o; }));
    }
};

/// A source of `n` users that counts its reads in `rec`.
auto counted_source(recorder& rec, std::size_t n, std::string prefix = "batch")
{
    return [&rec, n, prefix, i = std::size_t{0}]() mutable -> std::optional<entities::user_create> {
        if (i == n) return std::nullopt;
        ++rec.reads;
        return user_no(i++, prefix);
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(provision)

BOOST_AUTO_TEST_CASE(creates_every_user_with_bounded_concurrency_and_lazy_source)
{
    mock::server srv;
    auto const before = srv.user_count();
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url(), 16)};
    recorder rec;
    entities::async_provision_users(s, counted_source(rec, 2000), rec.options(8),
                                    [&](entities::provision_summary sum) { rec.summary = sum; });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return rec.summary.has_value(); }));
    BOOST_TEST(rec.summary->created == 2000u);
    BOOST_TEST(rec.summary->existing == 0u);
    BOOST_TEST(rec.summary->failed == 0u);
    BOOST_TEST(rec.summary->not_attempted == 0u);
    BOOST_TEST(!rec.summary->cancelled);
    BOOST_TEST(rec.summary->items_per_second > 0.0);
    BOOST_TEST(srv.user_count() == before + 2000);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == 2000u);
    BOOST_TEST(rec.items.size() == 2000u);
    BOOST_TEST(rec.max_pending <= 8u); // never more read than in flight: memory O(concurrency)
    BOOST_TEST(srv.stats().connections_accepted <= 8u);
    std::set<std::size_t> indexes;
    for (auto const& r : rec.items) {
        indexes.insert(r.index);
        BOOST_TEST(r.line == r.index + 1);
        BOOST_TEST((r.user && r.user->login_id == r.login_id));
    }
    BOOST_TEST(indexes.size() == 2000u); // each item exactly once
}

BOOST_AUTO_TEST_CASE(finds_every_user_existing_on_second_run)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    std::vector<entities::user_create> users;
    for (std::size_t i = 0; i < 300; ++i)
        users.push_back(user_no(i, "twice"));
    std::vector<entities::provision_summary> runs;
    for (int run = 0; run < 2; ++run) {
        entities::async_provision_users(s, users, entities::provision_options{},
                                        [&](entities::provision_summary sum) { runs.push_back(sum); });
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return runs.size() == std::size_t(run + 1); }));
    }
    BOOST_TEST(runs[0].created == 300u);
    BOOST_TEST(runs[0].existing == 0u);
    BOOST_TEST(runs[1].created == 0u);
    BOOST_TEST(runs[1].existing == 300u);
}

BOOST_AUTO_TEST_CASE(reports_bad_items_in_place_and_continues)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    std::size_t i = 0;
    auto source = [&]() -> std::optional<entities::provision_item> {
        if (i == 1000) return std::nullopt;
        ++i;
        if (i % 100 == 0) // a reader's bad row
            return entities::provision_item{
                i, entities::api_error{make_error_code(entities::error::invalid_argument), 0,
                                       "line " + std::to_string(i) + ": missing email"}};
        if (i % 100 == 50) // a row the server refuses (no '@' in the email): 400
            return entities::provision_item{
                i, entities::user_create{.email = "nope", .login_id = "bad-" + std::to_string(i)}};
        return entities::provision_item{i, user_no(i, "mixed")};
    };
    recorder rec;
    entities::async_provision_users(s, source, rec.options(16),
                                    [&](entities::provision_summary sum) { rec.summary = sum; });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return rec.summary.has_value(); }));
    BOOST_TEST(rec.summary->created == 980u);
    BOOST_TEST(rec.summary->failed == 20u);
    BOOST_TEST(rec.items.size() == 1000u);
    std::map<std::size_t, entities::provision_result> by_line;
    for (auto const& r : rec.items)
        by_line[r.line] = r;
    BOOST_TEST(by_line.size() == 1000u);
    BOOST_TEST(by_line[100].outcome == provision_outcome::failed);
    BOOST_TEST(by_line[100].error->message == "line 100: missing email");
    BOOST_TEST(by_line[150].outcome == provision_outcome::failed);
    BOOST_TEST(by_line[150].error->status == 400u);
    BOOST_TEST(by_line[150].login_id == "bad-150");
    BOOST_TEST(by_line[151].outcome == provision_outcome::created);
}

BOOST_AUTO_TEST_CASE(reports_every_item_once_on_cancellation)
{
    mock::server srv{mock::options{.latency = 5ms}};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    recorder rec;
    asio::cancellation_signal stop;
    auto opts = rec.options(4);
    opts.on_item = [&, inner = opts.on_item](entities::provision_result const& r) {
        inner(r);
        if (rec.items.size() == 40)
            stop.emit(asio::cancellation_type::partial); // like Ctrl-C: let in-flight finish
    };
    entities::async_provision_users(
        s, counted_source(rec, 5000, "cancel"), opts,
        asio::bind_cancellation_slot(stop.slot(),
                                     [&](entities::provision_summary sum) { rec.summary = sum; }));
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return rec.summary.has_value(); }));
    auto const& sum = *rec.summary;
    BOOST_TEST(sum.cancelled);
    BOOST_TEST(sum.total() == 5000u);
    BOOST_TEST(rec.items.size() == 5000u);
    BOOST_TEST(sum.created >= 40u);
    BOOST_TEST(sum.created <= 44u); // the in-flight ones finished, nothing new started
    BOOST_TEST(sum.failed == 0u);
    BOOST_TEST(sum.not_attempted == 5000u - sum.created);
    BOOST_TEST(srv.stats().requests_by_route["POST /users"] == sum.created);
    std::set<std::size_t> indexes;
    for (auto const& r : rec.items)
        indexes.insert(r.index);
    BOOST_TEST(indexes.size() == 5000u);
}

BOOST_AUTO_TEST_CASE(cancels_items_in_flight_on_terminal_cancellation)
{
    mock::server srv{mock::options{.latency = 300ms}};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    recorder rec;
    asio::cancellation_signal stop;
    entities::async_provision_users(
        s, counted_source(rec, 100, "terminal"), rec.options(4),
        asio::bind_cancellation_slot(stop.slot(),
                                     [&](entities::provision_summary sum) { rec.summary = sum; }));
    auto const start = clock_type::now();
    asio::steady_timer later(ioc, 50ms);
    later.async_wait([&](auto) { stop.emit(asio::cancellation_type::terminal); });
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return rec.summary.has_value(); }));
    BOOST_TEST((clock_type::now() - start < 250ms)); // did not wait for the slow answers
    BOOST_TEST(rec.summary->failed == 4u);           // the four in flight, aborted
    BOOST_TEST(rec.summary->not_attempted == 96u);
    BOOST_TEST(rec.items.size() == 100u);
    BOOST_TEST(rec.count(provision_outcome::failed) == 4u);
    for (auto const& r : rec.items)
        if (r.outcome == provision_outcome::failed)
            BOOST_TEST((r.error->code == asio::error::operation_aborted));
}

BOOST_AUTO_TEST_CASE(completes_with_future_and_reports_progress)
{
    mock::server srv;
    asio::io_context ioc;
    entities::session s{ioc.get_executor(), options_for(srv.base_url())};
    std::vector<entities::provision_progress> seen;
    entities::provision_options opts;
    opts.expected_total = 500;
    opts.progress_interval = 0ms;
    opts.on_progress = [&](entities::provision_progress const& p) { seen.push_back(p); };
    std::vector<entities::user_create> users;
    for (std::size_t i = 0; i < 500; ++i)
        users.push_back(user_no(i, "future"));
    auto f = entities::async_provision_users(s, std::move(users), opts, asio::use_future);
    std::thread runner([&] { ioc.run(); });
    auto const sum = f.get();
    runner.join();
    BOOST_TEST(sum.created == 500u);
    BOOST_TEST_REQUIRE(!seen.empty());
    BOOST_TEST(seen.back().done == 500u);
    BOOST_TEST((seen.back().total == std::optional<std::size_t>(500)));
    BOOST_TEST(std::is_sorted(seen.begin(), seen.end(),
                              [](auto const& a, auto const& b) { return a.done < b.done; }));
}

BOOST_AUTO_TEST_SUITE_END()
