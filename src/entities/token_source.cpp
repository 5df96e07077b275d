// Tokens for attempts: static ones, or one provider call at a time with every waiter parked until it ends.
#include "entities/token_source.hpp"

#include <boost/asio/this_coro.hpp>

#include "entities/header_check.hpp"
#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

// Refuses values that would break the header block; the message names the header, never the value.
api_result<void> check_tokens(access_tokens const& t)
{
    if (auto ok = check_header_value("X-JWT", t.jwt); !ok) return ok;
    return check_header_value("X-CSRF-TOKEN", t.csrf_token);
}

} // namespace

token_source::token_source(session_options const& options) : provider_(options.credentials)
{
    if (!provider_)
        static_.tokens =
            std::make_shared<access_tokens const>(access_tokens{options.jwt, options.csrf_token});
}

std::uint64_t token_source::calls() const
{
    std::lock_guard lock(mutex_);
    return calls_;
}

std::optional<credentials_reason> token_source::begin_call_locked(std::optional<std::uint64_t> rejected)
{
    if (calling_) return std::nullopt;
    calling_ = true;
    ++calls_;
    if (!current_.tokens) return credentials_reason::initial;
    return current_.generation == rejected ? credentials_reason::refresh : credentials_reason::expiring;
}

bool token_source::expiring_locked() const
{
    auto const& renew_at = current_.tokens->renew_at;
    return renew_at && std::chrono::system_clock::now() >= *renew_at;
}

void token_source::run_provider(credentials_reason reason)
{
    // Completes the call exactly once: through the handler, or on the handler's destruction uncalled.
    struct call {
        std::shared_ptr<token_source> self;
        call(call&& other) noexcept : self(std::move(other.self)) {}
        explicit call(std::shared_ptr<token_source> s) : self(std::move(s)) {}
        ~call()
        {
            if (self) self->complete(invalid("the credentials provider dropped its handler"));
        }
        void operator()(api_result<access_tokens> r) { std::exchange(self, nullptr)->complete(std::move(r)); }
    };
    try {
        provider_(reason, credentials_handler(call{shared_from_this()}));
    } catch (...) {
        // The handler, destroyed uncalled while unwinding, failed the call already.
    }
}

void token_source::complete(api_result<access_tokens> result)
{
    std::optional<api_error> failure;
    if (!result)
        failure = result.error();
    else if (auto ok = check_tokens(*result); !ok)
        failure = invalid("the credentials provider returned an unusable token: " + ok.error().message);
    std::lock_guard lock(mutex_);
    if (!calling_) return; // a second completion of one call: ignored
    calling_ = false;
    if (!failure) {
        current_.tokens = std::make_shared<access_tokens const>(std::move(*result));
        ++current_.generation;
    }
    for (auto& [id, w] : waiters_) {
        if (w->parked.woken()) continue;
        w->failure = failure;
        w->parked.wake();
    }
}

asio::awaitable<api_result<tokens_ref>> token_source::get(std::chrono::steady_clock::time_point deadline,
                                                          std::optional<std::uint64_t> rejected)
{
    if (!provider_) co_return static_;
    auto const executor = co_await asio::this_coro::executor;
    bool called = false; // a call completed for this attempt: its tokens are sent whatever their renew_at
    for (;;) {
        std::unique_lock lock(mutex_);
        if (current_.tokens && current_.generation != rejected && (called || !expiring_locked()))
            co_return current_;
        auto const reason = begin_call_locked(rejected);
        auto const id = ++next_waiter_;
        waiter w{parked_waiter(executor, deadline)};
        waiters_.emplace(id, &w);
        lock.unlock();
        if (reason) run_provider(*reason);

        auto const parked = co_await w.parked.park(); // woken, expired or cancelled
        lock.lock();
        waiters_.erase(id);
        bool const woken = w.parked.woken();
        lock.unlock();
        if (parked.cancelled) co_return api_error{asio::error::operation_aborted, 0, "operation cancelled"};
        if (!woken)
            co_return api_error{make_error_code(error::timeout), 0,
                                "the credentials provider did not answer before the deadline"};
        if (w.failure) co_return std::move(*w.failure);
        // New tokens are in place: look again (a refresh may already have been rejected meanwhile).
        rejected.reset();
        called = true;
    }
}

} // namespace igtcloud::entities::detail
