// The mock's login sessions without sockets or sleeping (the clock is a parameter): liveness by expiry, CSRF,
// refresh and revocation, and the sweep that forgets expired JWTs without touching live ones.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "entities/auth/jwt.hpp"
#include "mock/jwt_issuer.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
using igtcloud::mock::detail::identity_type;
using igtcloud::mock::detail::issued_token;
using igtcloud::mock::detail::jwt_issuer;
using namespace std::chrono_literals;

jwt_issuer::time_point const t0 = std::chrono::sys_days{std::chrono::year{2030} / 1 / 1};

} // namespace

BOOST_AUTO_TEST_SUITE(mock_jwt_issuer)

BOOST_AUTO_TEST_CASE(a_jwt_lives_until_its_exp_with_its_csrf_token)
{
    jwt_issuer issuer{10s};
    auto const t = issuer.open("alice", identity_type::user, true, t0);
    auto const claims = auth::decode_jwt(t.jwt).value();
    BOOST_TEST(*claims.exp == *claims.iat + 10);
    BOOST_TEST(t.sub == "alice");
    BOOST_TEST(issuer.live(t.jwt, t.csrf, t0 + 9s).has_value());
    BOOST_TEST(issuer.live(t.jwt, std::nullopt, t0 + 9s)->refreshable);
    BOOST_TEST(!issuer.live(t.jwt, t.csrf, t0 + 10s));
    BOOST_TEST(!issuer.live(t.jwt, "other", t0));
    BOOST_TEST(!issuer.live(t.jwt, "", t0));
    BOOST_TEST(!issuer.refresh(t.jwt, t.csrf, t0 + 10s));
}

BOOST_AUTO_TEST_CASE(refresh_keeps_the_session_and_revoke_ends_it)
{
    jwt_issuer issuer{10s};
    auto const a = issuer.open("alice", identity_type::user, true, t0);
    auto const b = issuer.refresh(a.jwt, a.csrf, t0 + 5s);
    BOOST_TEST_REQUIRE(b.has_value());
    BOOST_TEST(b->csrf == a.csrf);
    BOOST_TEST(issuer.live(a.jwt, a.csrf, t0 + 9s).has_value());
    BOOST_TEST(issuer.live(b->jwt, a.csrf, t0 + 14s).has_value());
    BOOST_TEST(!issuer.live(a.jwt, a.csrf, t0 + 11s));
    auto const s = issuer.open("svc", identity_type::service, false, t0);
    BOOST_TEST(!auth::decode_jwt(s.jwt).value().has_refresh_token);
    BOOST_TEST(!issuer.refresh(s.jwt, s.csrf, t0));
    BOOST_TEST(issuer.revoke(a.jwt, t0 + 6s));
    BOOST_TEST(!issuer.live(b->jwt, a.csrf, t0 + 6s));
    BOOST_TEST(!issuer.revoke(b->jwt, t0 + 6s));
    BOOST_TEST(issuer.live(s.jwt, s.csrf, t0 + 6s).has_value());
}

BOOST_AUTO_TEST_CASE(the_sweep_keeps_live_jwts)
{
    jwt_issuer issuer{10s};
    auto const kept = issuer.open("alice", identity_type::user, true, t0);
    std::vector<issued_token> old;
    for (int i = 0; i < 1500; ++i) // past the first sweep threshold
        old.push_back(issuer.open("bob", identity_type::user, true, t0));
    auto const refreshed = issuer.refresh(kept.jwt, kept.csrf, t0 + 8s).value();
    for (int i = 0; i < 1500; ++i) // each opens with a sweep check; the first ones forget the expired
        issuer.open("carol", identity_type::user, true, t0 + 12s);
    BOOST_TEST(issuer.live(refreshed.jwt, kept.csrf, t0 + 12s).has_value());
    BOOST_TEST(!issuer.live(old.front().jwt, old.front().csrf, t0 + 12s));
    BOOST_TEST(issuer.refresh(refreshed.jwt, kept.csrf, t0 + 13s).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
