// The mock's login sessions and the HS256 JWTs it issues for them.
#include "mock/jwt_issuer.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "entities/auth/base64.hpp"
#include "entities/auth/jwt.hpp"
#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace igtcloud::mock::detail {
namespace {

namespace auth = entities::detail::auth;

std::int64_t seconds_of(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// Constant-time equality of two secrets.
bool same_secret(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

std::string random_token(std::size_t bytes)
{
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("igtcloud::mock: the random generator failed");
    return auth::base64url_encode(std::string_view(reinterpret_cast<char const*>(raw.data()), raw.size()));
}

jwt_issuer::jwt_issuer(std::chrono::seconds lifetime) : secret_(random_token(32)), lifetime_(lifetime) {}

issued_token jwt_issuer::open(std::string sub, identity_type type, bool refreshable, time_point now)
{
    session s{.sub = std::move(sub),
              .type = type,
              .csrf = random_token(32),
              .refresh_token = refreshable ? random_token(32) : std::string{},
              .last_exp = 0};
    auto const t = seconds_of(now);
    std::lock_guard lock{mutex_};
    sweep(t);
    auto const id = next_session_++;
    auto& stored = sessions_.emplace(id, std::move(s)).first->second;
    return issue(id, stored, t);
}

issued_token jwt_issuer::issue(std::uint64_t id, session& s, std::int64_t now)
{
    auto jti = random_token(16);
    auto const exp = now + lifetime_.count();
    boost::json::object claims{{"sub", s.sub}, {"iat", now}, {"exp", exp}, {"jti", jti}};
    if (!s.refresh_token.empty()) claims["refresh_token"] = s.refresh_token;
    jtis_.insert_or_assign(std::move(jti), jti_entry{id, exp});
    s.last_exp = std::max(s.last_exp, exp);
    return issued_token{.jwt = auth::sign_hs256(claims, secret_), .sub = s.sub, .csrf = s.csrf, .exp = exp};
}

jwt_issuer::session_map::const_iterator
jwt_issuer::find_live(std::string_view jwt, std::optional<std::string_view> csrf, std::int64_t now) const
{
    auto claims = auth::verify_hs256(jwt, secret_);
    if (!claims || !claims->exp || *claims->exp <= now) return sessions_.end();
    auto const* jti = claims->payload.if_contains("jti");
    if (jti == nullptr || !jti->is_string()) return sessions_.end();
    auto const entry = jtis_.find(std::string(jti->get_string()));
    if (entry == jtis_.end()) return sessions_.end();
    auto const s = sessions_.find(entry->second.session);
    if (s == sessions_.end() || (csrf && !same_secret(*csrf, s->second.csrf))) return sessions_.end();
    return s;
}

std::optional<live_token> jwt_issuer::live(std::string_view jwt, std::optional<std::string_view> csrf,
                                           time_point now) const
{
    auto const t = seconds_of(now);
    std::lock_guard lock{mutex_};
    auto const s = find_live(jwt, csrf, t);
    if (s == sessions_.end()) return std::nullopt;
    auto const claims = auth::decode_jwt(jwt); // verified above
    return live_token{.sub = s->second.sub,
                      .type = s->second.type,
                      .exp = claims && claims->exp ? *claims->exp : t,
                      .refreshable = !s->second.refresh_token.empty()};
}

std::optional<issued_token> jwt_issuer::refresh(std::string_view jwt, std::string_view csrf, time_point now)
{
    auto const t = seconds_of(now);
    auto const claims = auth::decode_jwt(jwt);
    if (!claims || !claims->has_refresh_token) return std::nullopt;
    std::lock_guard lock{mutex_};
    sweep(t);
    auto const found = find_live(jwt, csrf, t);
    if (found == sessions_.end() || found->second.refresh_token.empty()) return std::nullopt;
    auto const id = found->first;
    return issue(id, sessions_.at(id), t);
}

bool jwt_issuer::revoke(std::string_view jwt, time_point now)
{
    std::lock_guard lock{mutex_};
    auto const found = find_live(jwt, std::nullopt, seconds_of(now));
    if (found == sessions_.end()) return false;
    sessions_.erase(found);
    return true;
}

void jwt_issuer::sweep(std::int64_t now)
{
    if (jtis_.size() < sweep_at_) return;
    std::erase_if(
        jtis_, [&](auto const& e) { return e.second.exp <= now || !sessions_.contains(e.second.session); });
    std::erase_if(sessions_, [&](auto const& s) { return s.second.last_exp <= now; });
    sweep_at_ = std::max<std::size_t>(1024, 2 * jtis_.size());
}

} // namespace igtcloud::mock::detail
