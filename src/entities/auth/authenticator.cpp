// The authenticator's I/O shell: refresh_policy under one mutex, the calls of auth_calls.hpp, the token
// file, the parked callers (see auth_impl.hpp for the flow).
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "entities/auth/auth_impl.hpp"
#include "entities/base_url.hpp"
#include "entities/cancellation.hpp"
#include "entities/client_impl.hpp"
#include "entities/invalid_argument.hpp"
#include "entities/retry/retry_policy.hpp"

namespace igtcloud::entities {
namespace detail {
namespace {

using clock = std::chrono::system_clock;

std::optional<std::string> env(std::string_view name)
{
    char const* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

api_error aborted(std::string message)
{
    return api_error{asio::error::operation_aborted, 0, std::move(message)};
}

std::string domain_of(std::string const& auth_url)
{
    auto url = parse_base_url(auth_url);
    if (!url) throw std::invalid_argument("auth_options::auth_url: " + url.error().message);
    return (url->tls ? "https://" : "http://") + url->host_header;
}

std::optional<auth::login_grant> login_grant_of(auth_grant const& g)
{
    if (auto const* p = std::get_if<password_grant>(&g))
        return auth::login_grant{auth::grant_kind::password, p->username, p->password, {}, {}, {}};
    auto const* s = std::get_if<service_key_grant>(&g);
    if (!s) return std::nullopt;
    if (s->subject.empty()) throw std::invalid_argument("service_key_grant::subject is empty");
    auto key = auth::rsa_private_key::from_pem(s->private_key_pem);
    if (!key) throw std::invalid_argument("service_key_grant::private_key_pem: " + key.error().message);
    return auth::login_grant{
        auth::grant_kind::service_key, s->subject, {}, std::move(*key), s->audience, s->key_file};
}

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

auth::token_times times_of(held_tokens const& t)
{
    return {t.issued_at, t.expires_at, t.claims.has_refresh_token};
}

// Posts `r` to the handler's associated executor (never inside the caller).
template <class Handler, class Result>
void post_result(asio::any_io_executor const& fallback, Handler h, Result r)
{
    auto const ex = asio::get_associated_executor(h, fallback);
    asio::post(fallback, asio::bind_executor(ex, [h = std::move(h), r = std::move(r)]() mutable {
                   std::move(h)(std::move(r));
               }));
}

} // namespace

auth_impl::auth_impl(asio::any_io_executor executor, auth_options options)
    : executor_(std::move(executor))
    , options_(std::move(options))
    , domain_(domain_of(options_.auth_url))
    , client_(auth::make_auth_client(executor_, options_))
    , grant_(login_grant_of(options_.grant))
    , settings_{grant_ ? grant_->kind : auth::grant_kind::password, options_.refresh_margin,
                grant_.has_value()}
    , policy_(settings_)
{
    if (options_.refresh_margin.count() < 0) throw std::invalid_argument("auth_options::refresh_margin < 0");
}

// The tokens' renewal time: expires_at - min(refresh_margin, lifetime / 3).
access_tokens auth_impl::tokens_locked() const
{
    auto const lifetime = held_->expires_at - held_->issued_at;
    auto const margin = std::min<clock::duration>(settings_.refresh_margin, lifetime / 3);
    return access_tokens{held_->jwt, held_->csrf, held_->expires_at - margin};
}

login_info auth_impl::info_locked() const
{
    bool const renewable = settings_.can_login || held_->claims.has_refresh_token;
    return login_info{held_->sub, domain_, held_->expires_at, held_->origin, renewable};
}

void auth_impl::reset_policy_locked()
{
    if (!policy_.in_flight()) policy_ = auth::refresh_policy(settings_);
}

void auth_impl::adopt_locked(held_tokens t)
{
    policy_.adopt(times_of(t));
    held_ = std::move(t);
}

std::vector<auth_impl::parked> auth_impl::take_parked_locked()
{
    std::vector<parked> all;
    for (auto& [id, p] : parked_)
        all.push_back(std::move(p));
    parked_.clear();
    return all;
}

std::uint64_t auth_impl::park_locked(parked handler)
{
    auto const id = ++next_id_;
    if (auto* h = std::get_if<login_handler>(&handler)) {
        auto slot = asio::get_associated_cancellation_slot(*h);
        if (slot.is_connected())
            slot.assign([w = weak_from_this(), id](asio::cancellation_type) {
                if (auto self = w.lock()) self->cancel_parked(id);
            });
    }
    parked_.emplace(id, std::move(handler));
    return id;
}

void auth_impl::cancel_parked(std::uint64_t id)
{
    std::unique_lock lock(mutex_);
    auto it = parked_.find(id);
    if (it == parked_.end()) return;
    auto p = std::move(it->second);
    parked_.erase(it);
    policy_.leave();
    lock.unlock();
    post_result(executor_, std::move(std::get<login_handler>(p)),
                api_result<login_info>(aborted("operation cancelled")));
}

void auth_impl::complete(parked& p, std::optional<api_error> const& failure)
{
    // Called with the lock held (the tokens are read) or after shutdown with a failure.
    if (auto* h = std::get_if<credentials_handler>(&p)) {
        if (failure)
            post_result(executor_, std::move(*h), api_result<access_tokens>(*failure));
        else
            post_result(executor_, std::move(*h), api_result<access_tokens>(tokens_locked()));
        return;
    }
    auto& h = std::get<login_handler>(p);
    if (auto slot = asio::get_associated_cancellation_slot(h); slot.is_connected()) slot.clear();
    if (failure)
        post_result(executor_, std::move(h), api_result<login_info>(*failure));
    else
        post_result(executor_, std::move(h), api_result<login_info>(info_locked()));
}

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
        auto jwt = env("CLOUD_JWT_TOKEN");
        auto csrf = env("CLOUD_CSRF_TOKEN");
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

void auth_impl::write_file(held_tokens const& t)
{
    if (options_.token_file.empty()) return;
    std::optional<std::string> key_file;
    {
        std::lock_guard lock(mutex_);
        if (grant_ && grant_->kind == auth::grant_kind::service_key) key_file = grant_->key_file;
    }
    // A failed write loses nothing held here: the next login or refresh writes the file again.
    (void)auth::write_token_file(options_.token_file, auth::token_file_data{t.sub, t.jwt, t.claims.payload,
                                                                            t.csrf, domain_, key_file});
}

api_result<login_info> auth_impl::finish_login(api_result<auth::login_answer> r, bool cancelled)
{
    std::unique_lock lock(mutex_);
    if (shut_down_) return aborted("the authenticator was destroyed");
    if (cancelled) return aborted("login cancelled");
    if (!r) {
        ++stats_.failures;
        return r.error();
    }
    ++stats_.logins;
    sources_read_ = true;
    source_error_.reset();
    adopt_locked(keep_answer_locked(std::move(*r), token_origin::login, false));
    auto const info = info_locked();
    auto const written = *held_;
    lock.unlock();
    write_file(written);
    return info;
}

void auth_impl::login(login_handler handler)
{
    std::unique_lock lock(mutex_);
    auto grant = grant_;
    bool const down = shut_down_;
    lock.unlock();
    if (down || !grant) {
        auto e = down ? api_error{make_error_code(error::shut_down), 0, "the authenticator was destroyed"}
                      : invalid("async_login: auth_options::grant is empty (no credentials to log in with)");
        post_result(executor_, std::move(handler), api_result<login_info>(std::move(e)));
        return;
    }
    auto body = [](std::shared_ptr<auth_impl> self,
                   auth::login_grant g) -> asio::awaitable<api_result<login_info>> {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); // never inline
        auto r = co_await auth::login_call(self->client_, g);
        bool const cancelled = cancel_requested(co_await asio::this_coro::cancellation_state);
        co_return self->finish_login(std::move(r), cancelled);
    };
    auto slot = asio::get_associated_cancellation_slot(handler);
    auto const ex = asio::get_associated_executor(handler, executor_);
    auto done = asio::bind_executor(
        ex, [h = std::move(handler)](std::exception_ptr e, api_result<login_info> r) mutable {
            if (e) r = api_error{make_error_code(error::invalid_response), 0, "internal error"};
            std::move(h)(std::move(r));
        });
    if (!slot.is_connected())
        asio::co_spawn(executor_, body(shared_from_this(), std::move(*grant)), std::move(done));
    else
        asio::co_spawn(client_->next_strand(), body(shared_from_this(), std::move(*grant)),
                       asio::bind_cancellation_slot(slot, std::move(done)));
}

void auth_impl::forget()
{
    std::unique_lock lock(mutex_);
    held_.reset();
    reset_policy_locked();
    lock.unlock();
    if (options_.token_file.empty()) return;
    // Only our domain's file: another domain's login is not ours to end.
    if (!auth::read_token_file(options_.token_file, domain_).data) return;
    std::error_code ec;
    std::filesystem::remove(options_.token_file, ec);
}

std::string auth_impl::jwt_to_log_out_locked() const
{
    if (held_) return held_->jwt;
    if (sources_read_) return {};
    if (options_.from_environment) // no introspection to log out
        if (auto jwt = env("CLOUD_JWT_TOKEN")) return *jwt;
    if (options_.token_file.empty()) return {};
    auto read = auth::read_token_file(options_.token_file, domain_);
    return read.data ? read.data->jwt : std::string();
}

void auth_impl::logout(logout_handler handler)
{
    std::unique_lock lock(mutex_);
    auto const jwt = jwt_to_log_out_locked();
    lock.unlock();
    auto body = [](std::shared_ptr<auth_impl> self, std::string token) -> asio::awaitable<api_result<void>> {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); // never inline
        api_result<void> r{};
        if (!token.empty()) r = co_await auth::logout_call(self->client_, token);
        if (!r && r.error().code == asio::error::operation_aborted) co_return r;
        self->forget();
        co_return r;
    };
    auto slot = asio::get_associated_cancellation_slot(handler);
    auto const ex = asio::get_associated_executor(handler, executor_);
    auto done =
        asio::bind_executor(ex, [h = std::move(handler)](std::exception_ptr e, api_result<void> r) mutable {
            if (e) r = api_error{make_error_code(error::invalid_response), 0, "internal error"};
            std::move(h)(std::move(r));
        });
    if (!slot.is_connected())
        asio::co_spawn(executor_, body(shared_from_this(), jwt), std::move(done));
    else
        asio::co_spawn(client_->next_strand(), body(shared_from_this(), jwt),
                       asio::bind_cancellation_slot(slot, std::move(done)));
}

std::optional<login_info> auth_impl::current() const
{
    std::lock_guard lock(mutex_);
    if (!held_ || held_->expires_at == clock::time_point{}) return std::nullopt;
    return info_locked();
}

auth_stats auth_impl::stats() const
{
    std::lock_guard lock(mutex_);
    return stats_;
}

void auth_impl::shutdown()
{
    std::unique_lock lock(mutex_);
    shut_down_ = true;
    auto all = take_parked_locked();
    if (retry_timer_) retry_timer_->cancel();
    lock.unlock();
    client_->shutdown({});
    for (auto& p : all)
        complete(p, aborted("the authenticator was destroyed"));
}

} // namespace detail

std::string default_token_file()
{
    return detail::auth::token_file_path([](std::string_view name) { return detail::env(name); }).string();
}

authenticator::authenticator(boost::asio::any_io_executor executor, auth_options options)
    : impl_(std::make_shared<detail::auth_impl>(std::move(executor), std::move(options)))
{}

authenticator::~authenticator()
{
    impl_->shutdown();
}

void authenticator::start_login(std::shared_ptr<detail::auth_impl> const& impl, login_handler handler)
{
    impl->login(std::move(handler));
}

void authenticator::start_current(std::shared_ptr<detail::auth_impl> const& impl, login_handler handler)
{
    impl->current_async(std::move(handler));
}

void authenticator::start_logout(std::shared_ptr<detail::auth_impl> const& impl, logout_handler handler)
{
    impl->logout(std::move(handler));
}

credentials_provider authenticator::provider() const
{
    return [impl = impl_](credentials_reason reason, credentials_handler handler) {
        impl->provide(reason, std::move(handler));
    };
}

std::optional<login_info> authenticator::current() const
{
    return impl_->current();
}

auth_stats authenticator::stats() const
{
    return impl_->stats();
}

} // namespace igtcloud::entities
