// Fail at step N, as Beast's fail_count does: a scripted peer fails its N-th read or write (a reset, a close
// or a stall past the deadline) for N = 1, 2, ... until the exchange succeeds, for each of the ten
// operations, as the first exchange of a connection and on a reused one. Each run ends in the typed error or
// the success the pipeline's rules give (DESIGN.md §3), its handler runs once, and the pool is intact
// afterwards.
#include <igtcloud/entities.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"
#include "support/ten_operations.hpp"

namespace session_fail_count_test {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace http = boost::beast::http;
namespace test = igtcloud::test;
using namespace igtcloud::test::kit;
using entities::condition;
using test::failure;

constexpr std::size_t max_steps = 64;  ///< the loop's bound: an exchange has far fewer steps
constexpr auto stall_deadline = 200ms; ///< the operation's deadline in the stall runs
entities::request_options const patient{.timeout = 10s}; ///< the warm-up and the follow-up

failure const all_failures[] = {failure::reset, failure::close, failure::stall};
bool const connection_reuse[] = {false, true};

/// What one run did.
struct run_outcome {
    bool failed{};                    ///< the peer failed at the step (else the exchange had fewer steps)
    test::op_result result{};         ///< the operation's completion
    std::chrono::milliseconds took{}; ///< how long the operation took
    entities::pool_stats stats{};     ///< after the operation
    std::size_t requests{};           ///< the requests the peer read for the operation
};

/// One run: a session with one connection on a peer answering as the service would, optionally a warm-up
/// GET /users/me (so that the operation goes on a reused connection), then `op` with the peer failing at its
/// `step`-th read or write from then on; then a follow-up GET /users/me, which must succeed on the same
/// one-connection pool (a slot lost to the failure would leave it queued until its deadline).
run_outcome run_once(test::operation_case const& op, failure how, bool reused, std::size_t step)
{
    test::scripted_server peer{
        [](test::request const& r, std::size_t, std::size_t) { return test::answer_as_service(r); }};
    asio::io_context ioc;
    auto opts = options_for(peer.base_url(), 1);
    opts.retry = {.max_attempts = 3, .initial_backoff = 0ms, .max_backoff = 0ms};
    entities::session s{ioc.get_executor(), opts};
    auto users = s.users();
    if (reused) {
        test::op_result warm_up;
        test::all_operations[0].start(users, patient, warm_up);
        BOOST_TEST_REQUIRE(run_until(ioc, [&] { return warm_up.done; }));
        BOOST_TEST_REQUIRE(warm_up.ok);
        BOOST_TEST_REQUIRE(s.stats().idle == 1u);
    }

    run_outcome out;
    auto const requests_before = peer.requests();
    peer.fail_at(step, how);
    entities::request_options const op_options{
        .timeout = how == failure::stall ? stall_deadline : std::chrono::milliseconds(10s)};
    auto const started = clock_type::now();
    op.start(users, op_options, out.result);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return out.result.done; }));
    out.took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
    out.failed = peer.failed();
    peer.fail_at(0, how);
    out.requests = peer.requests() - requests_before;
    out.stats = s.stats();

    test::op_result follow_up;
    test::all_operations[0].start(users, patient, follow_up);
    BOOST_TEST_REQUIRE(run_until(ioc, [&] { return follow_up.done; }));
    settle(ioc, 20ms);
    BOOST_TEST(out.result.calls == 1);
    BOOST_TEST(follow_up.calls == 1);
    BOOST_TEST(follow_up.ok, "the follow-up failed: " << follow_up.code.message());
    auto const after = s.stats();
    BOOST_TEST(after.in_use == 0u);
    BOOST_TEST(after.queued == 0u);
    BOOST_TEST(after.connecting == 0u);
    BOOST_TEST(after.open == 1u);
    BOOST_TEST(after.idle == 1u);
    return out;
}

/// The pipeline's rules for a failure at a read step (the request arrived whole, its answer never started) or
/// at a write step (half of the answer arrived): a stall ends at the deadline; after a reset or a close, an
/// operation safe to repeat is replayed (reused connection, nothing received) or retried, and succeeds; any
/// other operation was written whole, may have reached the server, and fails with the connection's error.
void check_failed_run(test::operation_case const& op, failure how, bool at_read, run_outcome const& out)
{
    auto const& r = out.result;
    if (how == failure::stall) {
        BOOST_TEST_REQUIRE(!r.ok);
        BOOST_TEST((r.code == entities::error::timeout), r.code.message());
        BOOST_TEST((r.code == condition::transport_error));
        BOOST_TEST(r.status == 0u);
        BOOST_TEST(out.took.count() >= (stall_deadline - 20ms).count());
        BOOST_TEST(out.took.count() < (stall_deadline + 1500ms).count());
        BOOST_TEST(out.requests == 1u);
        BOOST_TEST(out.stats.retried == 0u);
        return;
    }
    if (op.safe) {
        BOOST_TEST(r.ok, "error: " << r.code.message());
        BOOST_TEST(out.requests == 2u); // the failed attempt, then the one that succeeded
        BOOST_TEST(out.stats.retried == 1u);
        return;
    }
    BOOST_TEST_REQUIRE(!r.ok);
    BOOST_TEST(r.status == 0u);
    BOOST_TEST(out.requests == 1u); // never sent twice
    BOOST_TEST(out.stats.retried == 0u);
    if (how == failure::reset) {
        BOOST_TEST((r.code == asio::error::connection_reset), r.code.message());
        BOOST_TEST((r.code == condition::transport_error));
    } else {
        auto const expected = at_read ? http::error::end_of_stream : http::error::partial_message;
        BOOST_TEST((r.code == expected), r.code.message());
        BOOST_TEST((r.code == condition::protocol_error));
    }
}

} // namespace session_fail_count_test

using namespace session_fail_count_test; // not anonymous: data test cases are templates that capture these
                                         // types

BOOST_AUTO_TEST_SUITE(session_fail_count)

BOOST_DATA_TEST_CASE(ends_in_typed_error_or_success_on_failure_at_each_step,
                     boost::unit_test::data::make(test::all_operations) *
                         boost::unit_test::data::make(all_failures) *
                         boost::unit_test::data::make(connection_reuse),
                     op, how, reused)
{
    std::size_t failed_runs = 0;
    bool succeeded = false;
    for (std::size_t step = 1; step <= max_steps && !succeeded; ++step) {
        BOOST_TEST_CONTEXT(op << ", " << how << (reused ? " on a reused connection" : " on a new connection")
                              << ", at step " << step)
        {
            auto const out = run_once(op, how, reused, step);
            if (!out.failed) { // the exchange took fewer steps: it must have succeeded, untouched
                BOOST_TEST(out.result.ok, "error: " << out.result.code.message());
                BOOST_TEST(out.requests == 1u);
                BOOST_TEST(out.stats.retried == 0u);
                succeeded = true;
                break;
            }
            ++failed_runs;
            bool const at_read =
                step % 2 == 1; // the peer's steps alternate: read a request, write its answer
            check_failed_run(op, how, at_read, out);
        }
    }
    BOOST_TEST(succeeded, "still failing after " << max_steps << " steps");
    BOOST_TEST(failed_runs == 2u); // a request read, an answer written: two steps to fail
}

BOOST_AUTO_TEST_SUITE_END()
