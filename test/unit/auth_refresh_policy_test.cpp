// Unit tests of the refresh policy with a fake clock: the renewal rule, one call in flight, 401s, retries
// with backoff inside the deadline, fallbacks, and a randomized model check of the coordinator.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "entities/auth/refresh_policy.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
using namespace std::chrono_literals;
using igtcloud::entities::api_error;
using igtcloud::entities::error;
using igtcloud::entities::http_status;
using igtcloud::entities::make_error_code;
using kind = auth::refresh_policy::step::kind;
using failure = auth::refresh_policy::failure_kind;
using tp = auth::auth_clock::time_point;

tp const t0{std::chrono::seconds{1'900'000'000}};

auth::token_times times(tp issued, std::chrono::seconds lifetime, bool refresh_claim = true)
{
    return {issued, issued + lifetime, refresh_claim};
}

auth::refresh_settings password_settings(std::chrono::seconds margin = 180s)
{
    auth::refresh_settings s;
    s.grant = auth::grant_kind::password;
    s.refresh_margin = margin;
    return s;
}

api_error const refused_connection{make_error_code(error::timeout), 0, "connect timed out"};
api_error const bad_password{make_error_code(http_status::unauthorized), 401, "Invalid credentials"};

// A policy already logged in at t0 with `lifetime`.
auth::refresh_policy logged_in(auth::refresh_settings s, std::chrono::seconds lifetime,
                               bool refresh_claim = true)
{
    auth::refresh_policy p{s};
    auto const st = p.need(t0, t0 + 30s);
    BOOST_TEST_REQUIRE((st.what == kind::start && st.how == auth::renewal::login));
    BOOST_TEST_REQUIRE(p.succeeded(times(t0, lifetime, refresh_claim)).wake == 1u);
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth_refresh_policy)

BOOST_AUTO_TEST_CASE(renews_at_margin_on_long_lifetime)
{
    auto const s = password_settings();
    auto const t = times(t0, 3600s);
    BOOST_TEST(!auth::renewal_due(t, s, t0));
    BOOST_TEST(!auth::renewal_due(t, s, t0 + 3600s - 180s)); // exactly the margin left: still fine
    BOOST_TEST((auth::renewal_due(t, s, t0 + 3600s - 179s) == auth::renewal::refresh));
    BOOST_TEST((auth::renewal_due(t, s, t0 + 3600s) == auth::renewal::refresh));
    BOOST_TEST((auth::renewal_due(t, s, t0 + 9999s) == auth::renewal::refresh));
}

BOOST_AUTO_TEST_CASE(renews_at_third_on_short_lifetime)
{
    auto const s = password_settings();
    auto const t = times(t0, 300s); // a third is 100 s < 180 s
    BOOST_TEST(!auth::renewal_due(t, s, t0 + 200s));
    BOOST_TEST((auth::renewal_due(t, s, t0 + 201s) == auth::renewal::refresh));
    auto const two = times(t0, 2s); // the mock's --token-lifetime 2
    BOOST_TEST(!auth::renewal_due(two, s, t0 + 1s));
    BOOST_TEST((auth::renewal_due(two, s, t0 + 1500ms) == auth::renewal::refresh));
    BOOST_TEST((auth::renewal_due(times(t0, 0s), s, t0) == auth::renewal::refresh));     // no lifetime at all
    BOOST_TEST(!auth::renewal_due(times(t0, 3600s), password_settings(0s), t0 + 3599s)); // margin 0
}

BOOST_AUTO_TEST_CASE(logs_in_again_on_service_identity_or_no_refresh_claim)
{
    auth::refresh_settings s = password_settings();
    BOOST_TEST((auth::renewal_due(times(t0, 3600s, false), s, t0 + 3500s) == auth::renewal::login));
    s.grant = auth::grant_kind::service_key;
    BOOST_TEST((auth::renewal_due(times(t0, 3600s, true), s, t0 + 3500s) == auth::renewal::login));
    BOOST_TEST((auth::renewal_for(auth::grant_kind::password, true) == auth::renewal::refresh));
    BOOST_TEST((auth::renewal_for(auth::grant_kind::service_key, true) == auth::renewal::login));
}

BOOST_AUTO_TEST_CASE(uses_tokens_as_is_on_fresh_login)
{
    auto p = logged_in(password_settings(), 3600s);
    auto const st = p.need(t0 + 10s, t0 + 40s);
    BOOST_TEST((st.what == kind::use));
    BOOST_TEST(st.generation == 1u);
    BOOST_TEST(p.calls_started() == 1u);
    BOOST_TEST(!p.in_flight());
}

BOOST_AUTO_TEST_CASE(runs_one_refresh_on_many_operations)
{
    auto p = logged_in(password_settings(), 3600s);
    tp const late = t0 + 3500s;
    auto const first = p.need(late, late + 30s);
    BOOST_TEST_REQUIRE((first.what == kind::start && first.how == auth::renewal::refresh));
    for (int i = 0; i < 199; ++i)
        BOOST_TEST((p.need(late, late + 30s).what == kind::wait));
    BOOST_TEST(p.waiters() == 200u);
    BOOST_TEST(p.calls_started() == 2u); // the login and one refresh
    auto const o = p.succeeded(times(late, 3600s));
    BOOST_TEST(o.wake == 200u);
    BOOST_TEST(!o.failure);
    BOOST_TEST(p.generation() == 2u);
    BOOST_TEST((p.need(late + 1s, late + 31s).what == kind::use));
}

BOOST_AUTO_TEST_CASE(renews_once_on_401_to_current_tokens)
{
    auto p = logged_in(password_settings(), 3600s);
    auto const st = p.rejected(1, t0 + 5s, t0 + 35s);
    BOOST_TEST_REQUIRE((st.what == kind::start && st.how == auth::renewal::refresh));
    BOOST_TEST((p.rejected(1, t0 + 5s, t0 + 35s).what == kind::wait)); // a second 401 joins
    BOOST_TEST(p.succeeded(times(t0 + 6s, 3600s)).wake == 2u);
    auto const stale = p.rejected(1, t0 + 7s, t0 + 37s); // a late 401 to the old tokens: use the new ones
    BOOST_TEST((stale.what == kind::use && stale.generation == 2u));
    BOOST_TEST(p.calls_started() == 2u);
}

BOOST_AUTO_TEST_CASE(retries_with_backoff_on_transient_failure)
{
    auto p = logged_in(password_settings(), 3600s);
    tp now = t0 + 3500s;
    BOOST_TEST_REQUIRE((p.need(now, now + 30s).what == kind::start));
    auto o = p.failed(failure::transient, refused_connection, now, ~std::uint64_t{0});
    BOOST_TEST_REQUIRE(o.retry_at.has_value());
    BOOST_TEST(o.wake == 0u);
    BOOST_TEST((*o.retry_at > now && *o.retry_at <= now + 200ms));  // first backoff: at most initial_backoff
    BOOST_TEST((p.need(now + 10ms, now + 30s).what == kind::wait)); // waits while the retry is pending
    BOOST_TEST((p.succeeded(times(now, 3600s)).wake == 0u));        // ignored: no call runs now
    auto const again = p.retry_due();
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST((*again == auth::renewal::refresh));
    now = *o.retry_at + 50ms;
    o = p.failed(failure::transient, refused_connection, now, ~std::uint64_t{0});
    BOOST_TEST_REQUIRE(o.retry_at.has_value());
    BOOST_TEST((*o.retry_at <= now + 400ms)); // doubled
    BOOST_TEST(p.retry_due().has_value());
    auto const done = p.succeeded(times(now, 3600s));
    BOOST_TEST(done.wake == 2u);
    BOOST_TEST(p.calls_started() == 4u);
}

BOOST_AUTO_TEST_CASE(fails_clearly_on_deadline_or_attempts_spent)
{
    auto p = logged_in(password_settings(), 3600s);
    tp now = t0 + 3500s;
    BOOST_TEST_REQUIRE((p.need(now, now + 1s).what == kind::start));
    unsigned attempts = 1;
    for (;;) {
        auto const o = p.failed(failure::transient, refused_connection, now, ~std::uint64_t{0});
        if (!o.retry_at) {
            BOOST_TEST(o.wake == 1u);
            BOOST_TEST_REQUIRE(o.failure.has_value());
            BOOST_TEST((o.failure->code == error::timeout));
            BOOST_TEST(o.failure->message == "token refresh failed after " + std::to_string(attempts) +
                                                 " attempts: connect timed out");
            break;
        }
        BOOST_TEST((*o.retry_at < now + 1s)); // never past the deadline
        now = *o.retry_at;
        BOOST_TEST_REQUIRE(p.retry_due().has_value());
        ++attempts;
    }
    BOOST_TEST(attempts <= 5u);
    BOOST_TEST(!p.in_flight());
    // With a long deadline, max_attempts (5) ends it.
    BOOST_TEST_REQUIRE((p.need(now, now + 1h).what == kind::start));
    unsigned n = 1;
    while (auto const at = p.failed(failure::transient, refused_connection, now, 0).retry_at) {
        BOOST_TEST_REQUIRE(p.retry_due().has_value());
        ++n;
    }
    BOOST_TEST(n == 5u);
}

BOOST_AUTO_TEST_CASE(falls_back_to_login_on_rejected_refresh)
{
    auto p = logged_in(password_settings(), 3600s);
    tp const now = t0 + 3500s;
    BOOST_TEST_REQUIRE((p.need(now, now + 30s).how == auth::renewal::refresh));
    auto const o = p.failed(failure::rejected, bad_password, now, 0);
    BOOST_TEST((o.start_now == auth::renewal::login));
    BOOST_TEST(o.wake == 0u);
    auto const final_ = p.failed(failure::rejected, bad_password, now, 0); // the login is refused too: final
    BOOST_TEST(final_.wake == 1u);
    BOOST_TEST_REQUIRE(final_.failure.has_value());
    BOOST_TEST(final_.failure->status == 401u);
    BOOST_TEST(final_.failure->message == "login failed after 1 attempt: Invalid credentials");
}

BOOST_AUTO_TEST_CASE(uses_until_expiry_on_tokens_without_credentials)
{
    auto s = password_settings();
    s.can_login = false;
    auth::refresh_policy p{s};
    auto const none = p.need(t0, t0 + 30s); // nothing to log in with
    BOOST_TEST_REQUIRE((none.what == kind::fail));
    BOOST_TEST(none.failure->message == "not logged in");
    p.adopt(times(t0, 3600s, false)); // e.g. a service login's tokens from the file
    auto const late = p.need(t0 + 3500s, t0 + 3530s);
    BOOST_TEST((late.what == kind::use && late.generation == 1u)); // due, but nothing can renew them yet
    auto const expired = p.need(t0 + 3600s, t0 + 3630s);
    BOOST_TEST_REQUIRE((expired.what == kind::fail));
    BOOST_TEST(expired.failure->message == "the login has expired: log in again");
    p.adopt(times(t0 + 3600s, 3600s, true)); // a password login's tokens: refreshable without credentials
    BOOST_TEST((p.need(t0 + 7100s, t0 + 7130s).how == auth::renewal::refresh));
    BOOST_TEST(p.calls_started() == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_on_401_without_credentials)
{
    auto s = password_settings();
    s.grant = auth::grant_kind::service_key;
    auto p = logged_in(s, 3600s);
    BOOST_TEST((p.rejected(1, t0 + 1s, t0 + 2s).how == auth::renewal::login)); // a service logs in again
    auth::refresh_settings no_creds = password_settings();
    no_creds.can_login = false;
    auth::refresh_policy q{no_creds};
    auto const st = q.rejected(0, t0, t0 + 1s);
    BOOST_TEST_REQUIRE((st.what == kind::fail));
    BOOST_TEST((st.failure->code == http_status::unauthorized));
}

BOOST_AUTO_TEST_CASE(abandons_retry_on_every_waiter_gone)
{
    auto p = logged_in(password_settings(), 3600s);
    tp const now = t0 + 3500s;
    BOOST_TEST_REQUIRE((p.need(now, now + 30s).what == kind::start));
    auto const o = p.failed(failure::transient, refused_connection, now, 7);
    BOOST_TEST_REQUIRE(o.retry_at.has_value());
    p.leave();
    p.leave(); // one too many: harmless
    BOOST_TEST(p.waiters() == 0u);
    BOOST_TEST(!p.retry_due().has_value());
    BOOST_TEST(!p.in_flight());
    BOOST_TEST((p.need(now + 1s, now + 31s).what == kind::start)); // the next operation starts afresh
}

// A model of the shell: operations arrive, wait, give up and meet 401s at random; calls succeed or fail at
// random. Invariants: at most one call at a time; every counted waiter is woken or leaves exactly once;
// tokens handed out are never due for renewal when they are handed out; retries are never scheduled at or
// past the latest waiter's deadline; calls_started() counts every call the shell was told to make.
struct shell_model {
    std::mt19937_64& gen;
    auth::refresh_settings s;
    auth::refresh_policy p{s};
    tp now = t0;
    std::vector<tp> waiting{}; // deadlines of the model's waiters
    bool calling = false;
    std::optional<tp> retry_at{};
    tp latest_deadline{};
    std::uint64_t starts = 0;

    void on_step(auth::refresh_policy::step const& st, tp deadline)
    {
        if (st.what == kind::start) {
            BOOST_TEST_REQUIRE(!calling);
            calling = true;
            ++starts;
            latest_deadline = deadline;
        }
        if (st.what == kind::start || st.what == kind::wait) {
            BOOST_TEST_REQUIRE(calling);
            waiting.push_back(deadline);
            latest_deadline = std::max(latest_deadline, deadline);
        }
        if (st.what == kind::use) {
            BOOST_TEST_REQUIRE(!calling);
            BOOST_TEST_REQUIRE(p.tokens().has_value());
            BOOST_TEST(!auth::renewal_due(*p.tokens(), s, now).has_value());
        }
    }
    void on_outcome(auth::refresh_policy::outcome const& o)
    {
        if (o.start_now) {
            ++starts;
        } else if (o.retry_at) {
            BOOST_TEST((*o.retry_at < latest_deadline));
            retry_at = o.retry_at;
        } else {
            BOOST_TEST(o.wake == waiting.size());
            waiting.clear();
            calling = false;
        }
    }
    void on_retry_time()
    {
        if (!retry_at || now < *retry_at) return;
        retry_at.reset();
        if (p.retry_due())
            ++starts;
        else
            calling = false;
    }
    void expire_waiters()
    {
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (*it > now) {
                ++it;
                continue;
            }
            p.leave();
            it = waiting.erase(it);
        }
    }
    void event()
    {
        now += std::chrono::milliseconds{gen() % 3000};
        auto const deadline = now + std::chrono::milliseconds{500 + gen() % 30000};
        bool const call_running = calling && !retry_at;
        switch (gen() % 7) {
        case 0:
        case 1: on_step(p.need(now, deadline), deadline); break;
        case 2: on_step(p.rejected(p.generation() - gen() % 2, now, deadline), deadline); break;
        case 3:
            if (call_running)
                on_outcome(p.succeeded(times(now, std::chrono::seconds{1 + gen() % 4000}, gen() % 2 == 0)));
            break;
        case 4:
            if (call_running)
                on_outcome(p.failed(gen() % 4 == 0 ? failure::rejected : failure::transient,
                                    refused_connection, now, gen()));
            break;
        case 5: on_retry_time(); break;
        case 6: expire_waiters(); break;
        }
        BOOST_TEST_REQUIRE(p.waiters() == waiting.size());
        BOOST_TEST_REQUIRE(p.in_flight() == calling);
        BOOST_TEST_REQUIRE(p.calls_started() == starts);
    }
};

BOOST_AUTO_TEST_CASE(keeps_invariants_on_random_schedules)
{
    std::mt19937_64 gen(20261204);
    std::uint64_t total_starts = 0, total_generations = 0;
    for (int run = 0; run < 300; ++run) {
        auto s = password_settings(std::chrono::seconds{gen() % 300});
        s.grant = gen() % 3 == 0 ? auth::grant_kind::service_key : auth::grant_kind::password;
        shell_model m{gen, s};
        for (int event = 0; event < 400; ++event)
            m.event();
        total_starts += m.starts;
        total_generations += m.p.generation();
    }
    BOOST_TEST(total_starts > 3000u); // the schedules really exercised calls, successes and retries
    BOOST_TEST(total_generations > 1000u);
    BOOST_TEST(total_starts > total_generations);
}

BOOST_AUTO_TEST_SUITE_END()
