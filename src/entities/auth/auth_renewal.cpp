// The authenticator's renewals: the token sources at first use, the routing of callers through
// refresh_policy, the introspection of environment tokens, the login / refresh calls and their outcome.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <fstream>
#include <sstream>

#include "entities/auth/auth_impl.hpp"
#include "entities/client_impl.hpp"
#include "entities/invalid_argument.hpp"
#include "entities/retry/retry_policy.hpp"

namespace igtcloud::entities::detail {
namespace {

using clock = std::chrono::system_clock;

// The text of a key file named by a token file (its keyFile), if it reads and parses.
std::optional<auth::rsa_private_key> read_key_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    auto key = auth::rsa_private_key::from_pem(text.str());
    if (!key) return std::nullopt;
    return std::move(*key);
}

} // namespace

void auth_impl::adopt_file_locked(auth::token_file_data data)
{
    auto claims = auth::decode_jwt(data.jwt);
    if (!claims) return; // "not logged in"
    auto const exp = auth::expiry_of(*claims);
    if (!exp) return;
    if (!grant_ && data.key_file) { // a service identity's file: log in again with its key near expiry
        if (auto key = read_key_file(*data.key_file)) {
            grant_ = auth::login_grant{
                auth::grant_kind::service_key, data.sub, {}, std::move(*key), {}, data.key_file};
            settings_.grant = auth::grant_kind::service_key;
            settings_.can_login = true;
            reset_policy_locked();
        }
    }
    held_tokens t;
    t.issued_at = claims->iat ? clock::time_point(std::chrono::seconds(*claims->iat)) : clock::now();
    t.expires_at = *exp;
    t.claims = std::move(*claims);
    t.jwt = std::move(data.jwt);
    t.csrf = std::move(data.csrf);
    t.sub = std::move(data.sub);
    t.origin = token_origin::token_file;
    adopt_locked(std::move(t));
}

auth_impl::actions auth_impl::load_sources_locked()
{
    sources_read_ = true;
    if (options_.from_environment) {
        auto jwt = auth_env("CLOUD_JWT_TOKEN");
        auto csrf = auth_env("CLOUD_CSRF_TOKEN");
        if (jwt && csrf) {
            introspecting_ = true;
            return actions{std::nullopt, std::pair{std::move(*jwt), std::move(*csrf)}};
        }
    }
    if (!options_.token_file.empty()) {
        auto read = auth::read_token_file(options_.token_file, domain_);
        if (read.data)
            adopt_file_locked(std::move(*read.data));
        else
            file_reason_ = std::move(read.reason); // names the path, never a token
    }
    return {};
}

auth_impl::actions auth_impl::route_locked(credentials_reason reason, parked handler)
{
    if (shut_down_) {
        complete(handler, api_error{make_error_code(error::shut_down), 0, "the authenticator was destroyed"});
        return {};
    }
    if (source_error_) {
        complete(handler, *source_error_);
        return {};
    }
    actions todo;
    if (!sources_read_) todo = load_sources_locked();
    if (introspecting_) {
        park_locked(std::move(handler));
        return todo;
    }
    auto const now = clock::now();
    auto const deadline = now + options_.request_timeout;
    auto const step = reason == credentials_reason::refresh && held_
                          ? policy_.rejected(policy_.generation(), now, deadline)
                          : policy_.need(now, deadline);
    using kind = auth::refresh_policy::step::kind;
    switch (step.what) {
    case kind::use: complete(handler, std::nullopt); break;
    case kind::fail: complete(handler, with_file_reason_locked(*step.failure)); break;
    case kind::start: todo.start = step.how; [[fallthrough]];
    case kind::wait: park_locked(std::move(handler)); break;
    }
    return todo;
}

api_error auth_impl::with_file_reason_locked(api_error e) const
{
    if (!held_ && !file_reason_.empty()) e.message += " (token file: " + file_reason_ + ")";
    return e;
}

void auth_impl::run(actions todo)
{
    if (todo.introspect)
        run_introspect(std::move(todo.introspect->first), std::move(todo.introspect->second));
    if (todo.start) run_renewal(*todo.start);
}

void auth_impl::provide(credentials_reason reason, credentials_handler handler)
{
    std::unique_lock lock(mutex_);
    auto todo = route_locked(reason, std::move(handler));
    lock.unlock();
    run(std::move(todo));
}

void auth_impl::current_async(login_handler handler)
{
    std::unique_lock lock(mutex_);
    auto todo = route_locked(credentials_reason::initial, std::move(handler));
    lock.unlock();
    run(std::move(todo));
}

void auth_impl::run_introspect(std::string jwt, std::string csrf)
{
    asio::co_spawn(
        executor_,
        [self = shared_from_this(), jwt = std::move(jwt), csrf = std::move(csrf)]() -> asio::awaitable<void> {
            auto r = co_await auth::introspect_call(self->client_, jwt, csrf);
            self->finish_introspect(jwt, csrf, std::move(r));
        },
        asio::detached);
}

void auth_impl::finish_introspect(std::string jwt, std::string csrf, api_result<auth::introspection> r)
{
    std::unique_lock lock(mutex_);
    introspecting_ = false;
    if (shut_down_) return;
    if (!r) {
        ++stats_.failures;
        source_error_ = r.error();
        for (auto& p : take_parked_locked())
            complete(p, source_error_);
        return;
    }
    ++stats_.introspections;
    held_tokens t;
    if (auto claims = auth::decode_jwt(jwt)) t.claims = std::move(*claims);
    t.issued_at = t.claims.iat ? clock::time_point(std::chrono::seconds(*t.claims.iat)) : clock::now();
    t.expires_at = r->expires_at;
    t.sub = r->sub.value_or(t.claims.sub.value_or(""));
    t.jwt = std::move(jwt);
    t.csrf = std::move(csrf);
    t.origin = token_origin::environment;
    adopt_locked(std::move(t));
    std::vector<actions> todo;
    for (auto& p : take_parked_locked())
        todo.push_back(route_locked(credentials_reason::initial, std::move(p)));
    lock.unlock();
    for (auto& a : todo)
        run(std::move(a));
}

void auth_impl::run_renewal(auth::renewal how)
{
    std::unique_lock lock(mutex_);
    bool const refresh = how == auth::renewal::refresh && held_;
    auto const jwt = refresh ? held_->jwt : std::string();
    auto const csrf = refresh ? held_->csrf : std::string();
    auto grant = grant_;
    lock.unlock();
    asio::co_spawn(
        executor_,
        [self = shared_from_this(), how, refresh, jwt, csrf, grant]() -> asio::awaitable<void> {
            api_result<auth::login_answer> r = invalid("no credentials are held to log in");
            if (refresh)
                r = co_await auth::refresh_call(self->client_, jwt, csrf);
            else if (grant)
                r = co_await auth::login_call(self->client_, *grant);
            self->finish_renewal(how, std::move(r));
        },
        asio::detached);
}

held_tokens auth_impl::keep_answer_locked(auth::login_answer a, token_origin origin, bool keep_csrf)
{
    held_tokens t;
    t.issued_at = a.claims.iat ? clock::time_point(std::chrono::seconds(*a.claims.iat)) : clock::now();
    t.expires_at = a.expires_at;
    // A refresh keeps the login's CSRF token (the one in its body is ignored).
    t.csrf = keep_csrf && held_ ? held_->csrf : a.csrf_token.value_or("");
    t.sub = a.sub.value_or(a.claims.sub.value_or(held_ ? held_->sub : ""));
    t.jwt = std::move(a.jwt);
    t.claims = std::move(a.claims);
    t.origin = origin;
    return t;
}

void auth_impl::finish_renewal(auth::renewal how, api_result<auth::login_answer> r)
{
    std::unique_lock lock(mutex_);
    if (shut_down_) return;
    auth::refresh_policy::outcome o;
    std::optional<held_tokens> written;
    if (r) {
        bool const refresh = how == auth::renewal::refresh;
        auto t =
            keep_answer_locked(std::move(*r), held_ ? token_origin::refresh : token_origin::login, refresh);
        ++(refresh ? stats_.refreshes : stats_.logins);
        o = policy_.succeeded(times_of(t));
        held_ = t;
        written = std::move(t);
    } else {
        ++stats_.failures;
        o = policy_.failed(auth::kind_of(r.error()), r.error(), clock::now(), random_jitter());
    }
    if (o.wake > 0 || o.failure)
        for (auto& p : take_parked_locked())
            complete(p, o.failure);
    if (o.retry_at) schedule_retry_locked(*o.retry_at);
    lock.unlock();
    if (written) write_file(*written);
    if (o.start_now) run_renewal(*o.start_now);
}

void auth_impl::schedule_retry_locked(clock::time_point at)
{
    retry_timer_.emplace(executor_, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::max(at - clock::now(), clock::duration::zero())));
    retry_timer_->async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self) return;
        std::unique_lock lock(self->mutex_);
        auto const how = self->shut_down_ ? std::nullopt : self->policy_.retry_due();
        lock.unlock();
        if (how) self->run_renewal(*how);
    });
}

} // namespace igtcloud::entities::detail
