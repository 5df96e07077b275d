// The renewal decision and the one-call-at-a-time coordinator of refreshes and logins.
#include "entities/auth/refresh_policy.hpp"

#include <algorithm>

#include "entities/retry/retry_policy.hpp"

namespace igtcloud::entities::detail::auth {
namespace {

api_error auth_failure(std::string message)
{
    return api_error{make_error_code(http_status::unauthorized), 0, std::move(message)};
}

} // namespace

renewal renewal_for(grant_kind g, bool refresh_claim) noexcept
{
    return g == grant_kind::password && refresh_claim ? renewal::refresh : renewal::login;
}

std::optional<renewal> renewal_due(token_times const& t, refresh_settings const& s,
                                   auth_clock::time_point now) noexcept
{
    auto const lifetime = std::max(t.expires_at - t.issued_at, auth_clock::duration::zero());
    auto const threshold =
        std::min<auth_clock::duration>(std::max(s.refresh_margin, std::chrono::seconds{0}), lifetime / 3);
    auto const left = t.expires_at - now;
    if (left > auth_clock::duration::zero() && left >= threshold) return std::nullopt;
    return renewal_for(s.grant, t.refresh_claim);
}

refresh_policy::refresh_policy(refresh_settings settings) noexcept : settings_(settings)
{
    settings_.backoff.max_attempts = std::max(settings_.backoff.max_attempts, 1u);
}

refresh_policy::step refresh_policy::start(renewal how, auth_clock::time_point deadline)
{
    calling_ = how;
    retry_pending_ = false;
    attempts_ = 1;
    waiters_ = 1;
    deadline_ = deadline;
    ++started_;
    return step{step::kind::start, how, generation_, std::nullopt};
}

refresh_policy::step refresh_policy::need(auth_clock::time_point now, auth_clock::time_point deadline)
{
    if (calling_) {
        ++waiters_;
        deadline_ = std::max(deadline_, deadline);
        return step{step::kind::wait, *calling_, generation_, std::nullopt};
    }
    if (!tokens_) {
        if (settings_.can_login) return start(renewal::login, deadline);
        return step{step::kind::fail, {}, 0, auth_failure("not logged in")};
    }
    auto const due = renewal_due(*tokens_, settings_, now);
    if (!due) return step{step::kind::use, {}, generation_, std::nullopt};
    if (*due == renewal::login && !settings_.can_login) {
        if (tokens_->expires_at > now) return step{step::kind::use, {}, generation_, std::nullopt};
        return step{step::kind::fail, {}, 0, auth_failure("the login has expired: log in again")};
    }
    return start(*due, deadline);
}

refresh_policy::step refresh_policy::rejected(std::uint64_t generation, auth_clock::time_point now,
                                              auth_clock::time_point deadline)
{
    if (calling_ || !tokens_) return need(now, deadline);
    if (generation < generation_) return need(now, deadline); // already replaced: the newer tokens
    auto const how = renewal_for(settings_.grant, tokens_->refresh_claim);
    if (how == renewal::login && !settings_.can_login)
        return step{step::kind::fail,
                    {},
                    0,
                    auth_failure("the server refused the tokens (401) and no credentials are held to log in "
                                 "again: log in again")};
    return start(how, deadline);
}

void refresh_policy::adopt(token_times t) noexcept
{
    if (calling_) return;
    tokens_ = t;
    ++generation_;
}

void refresh_policy::leave() noexcept
{
    if (waiters_ > 0) --waiters_;
}

refresh_policy::outcome refresh_policy::succeeded(token_times t)
{
    if (!calling_ || retry_pending_) return {};
    tokens_ = t;
    ++generation_;
    outcome o{waiters_, std::nullopt, std::nullopt, std::nullopt};
    calling_.reset();
    waiters_ = 0;
    attempts_ = 0;
    return o;
}

refresh_policy::outcome refresh_policy::give_up(api_error e)
{
    std::string const what = *calling_ == renewal::refresh ? "token refresh" : "login";
    std::string const tries = attempts_ == 1 ? "1 attempt" : std::to_string(attempts_) + " attempts";
    outcome o{waiters_, api_error{e.code, e.status, what + " failed after " + tries + ": " + e.message},
              std::nullopt, std::nullopt};
    calling_.reset();
    retry_pending_ = false;
    waiters_ = 0;
    attempts_ = 0;
    return o;
}

refresh_policy::outcome refresh_policy::failed(failure_kind kind, api_error const& error,
                                               auth_clock::time_point now, std::uint64_t random)
{
    if (!calling_ || retry_pending_) return {};
    if (kind == failure_kind::rejected) {
        if (*calling_ == renewal::refresh && settings_.can_login) { // the refresh token is no good: log in
            calling_ = renewal::login;
            attempts_ = 1;
            ++started_;
            return outcome{0, std::nullopt, std::nullopt, renewal::login};
        }
        return give_up(error);
    }
    if (attempts_ >= settings_.backoff.max_attempts || waiters_ == 0) return give_up(error);
    auto const delay = backoff_delay(settings_.backoff, attempts_, random);
    if (now + delay >= deadline_) return give_up(error);
    retry_pending_ = true;
    return outcome{0, std::nullopt, now + delay, std::nullopt};
}

std::optional<renewal> refresh_policy::retry_due()
{
    if (!retry_pending_) return std::nullopt;
    retry_pending_ = false;
    if (waiters_ == 0) {
        calling_.reset();
        attempts_ = 0;
        return std::nullopt;
    }
    ++attempts_;
    ++started_;
    return calling_;
}

} // namespace igtcloud::entities::detail::auth
