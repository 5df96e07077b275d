// Batch provisioning: `concurrency` workers on one strand share the source; the run's coroutine waits for
// them, turns a cancellation into "stop taking items" (terminal: also cancel the items in flight; any: wake
// the workers waiting for a token of the rate), drains what was never started, and completes with the
// summary. Items of another shard, or refused by options.skip, are counted and passed over; a worker takes a
// token of the rate limiter (rate_limiter.hpp) before each request, sleeping on its own timer when none is
// due.
#include <igtcloud/entities/provision.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "entities/invalid_argument.hpp"
#include "entities/provision/option_refusal.hpp"
#include "entities/provision/rate_limiter.hpp"

namespace igtcloud::entities {

char const* to_string(provision_outcome o) noexcept
{
    switch (o) {
    case provision_outcome::created: return "created";
    case provision_outcome::existing: return "existing";
    case provision_outcome::failed: return "failed";
    case provision_outcome::not_attempted: return "not_attempted";
    case provision_outcome::updated: return "updated";
    case provision_outcome::unchanged: return "unchanged";
    case provision_outcome::deleted: return "deleted";
    }
    return "unknown";
}

namespace detail {
namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

// Everything of one run; touched only on the run's strand.
struct run_state {
    run_state(users_api u, provision_source s, provision_options o)
        : users(std::move(u))
        , source(std::move(s))
        , options(std::move(o))
    {}

    users_api users;
    provision_source source;
    provision_options options;
    clock_type::time_point started{clock_type::now()};
    clock_type::time_point last_progress{started};
    provision_progress progress{};
    std::size_t not_attempted{};
    std::size_t skipped{};
    std::size_t next_index{}; ///< the source position of the next item
    std::optional<rate_limiter> limiter{};
    std::vector<std::unique_ptr<asio::steady_timer>> pace_timers{}; ///< one per worker: its wait for a token
    bool stopping{}, cancelled{}, source_ended{};
    std::size_t running{};
    std::vector<asio::cancellation_signal> worker_signals{};
    std::unique_ptr<asio::steady_timer> workers_done{};
    /// Set by the caller's cancellation, at once, wherever it is emitted (an on_item callback emits it from
    /// inside a worker): no worker starts another item after it, even before run() wakes up to stop them.
    std::atomic<bool> stop_requested{};
    asio::cancellation_signal run_signal{}; ///< the caller's cancellation, passed on to run()

    /// The next item of the source, or nullopt at its end (a throwing source ends with a failed item).
    std::optional<provision_item> next()
    {
        if (source_ended) return std::nullopt;
        try {
            auto item = source();
            if (!item) source_ended = true;
            return item;
        } catch (std::exception const& e) {
            source_ended = true;
            return provision_item{0, detail::invalid(std::string("the source failed: ") + e.what())};
        }
    }

    bool stopped() const noexcept { return stopping || stop_requested.load(std::memory_order_acquire); }

    /// Whether the item is this run's (in the shard, not refused by options.skip); else counted as skipped.
    bool wanted(provision_item const& item)
    {
        // (a string_view of both branches: `... ? std::string : ""` would be a temporary std::string)
        std::string_view const login =
            item.user && item.user->login_id ? std::string_view(*item.user->login_id) : std::string_view();
        bool keep = !options.shard || in_shard(login, *options.shard);
        if (keep && options.skip) {
            try {
                keep = !options.skip(login);
            } catch (...) { // a caller's callback must not end the run: the item is kept
            }
        }
        if (!keep) ++skipped;
        return keep;
    }

    void report(provision_result const& r)
    {
        switch (r.outcome) {
        case provision_outcome::created: ++progress.created; break;
        case provision_outcome::existing: ++progress.existing; break;
        case provision_outcome::failed: ++progress.failed; break;
        case provision_outcome::not_attempted: ++not_attempted; break;
        case provision_outcome::updated: ++progress.updated; break;
        case provision_outcome::unchanged: ++progress.unchanged; break;
        case provision_outcome::deleted: ++progress.deleted; break;
        }
        if (r.outcome != provision_outcome::not_attempted) ++progress.done;
        if (options.on_item) {
            try {
                options.on_item(r);
            } catch (...) { // a caller's callback must not end the run
            }
        }
        auto const now = clock_type::now();
        if (options.on_progress && now - last_progress >= options.progress_interval) publish_progress(now);
    }

    void publish_progress(clock_type::time_point now)
    {
        last_progress = now;
        progress.elapsed = now - started;
        if (!options.on_progress) return;
        try {
            options.on_progress(progress);
        } catch (...) {
        }
    }

    provision_summary summary() const
    {
        provision_summary s;
        s.created = progress.created;
        s.existing = progress.existing;
        s.failed = progress.failed;
        s.not_attempted = not_attempted;
        s.updated = progress.updated;
        s.unchanged = progress.unchanged;
        s.deleted = progress.deleted;
        s.skipped = skipped;
        s.cancelled = cancelled;
        s.elapsed = clock_type::now() - started;
        auto const seconds = s.elapsed.count();
        s.items_per_second = seconds > 0 ? static_cast<double>(progress.done) / seconds : 0.0;
        return s;
    }
};

provision_result result_of(std::size_t index, provision_item const& item)
{
    provision_result r;
    r.index = index;
    r.line = item.line;
    if (item.user && item.user->login_id) r.login_id = *item.user->login_id;
    return r;
}

/// Sends one item's operation (provision_action) and sets its outcome.
asio::awaitable<void> send(run_state& st, provision_item const& item, provision_result& r)
{
    auto const& req = st.options.request;
    auto done = [&](api_result<void> const& sent, provision_outcome ok) {
        r.outcome = sent ? ok : provision_outcome::failed;
        if (!sent) r.error = sent.error();
        r.user = user_info{.login_id = r.login_id, .user_uuid = item.user_uuid};
    };
    switch (item.action) {
    case provision_action::create: {
        auto created = co_await st.users.async_post_users(*item.user, req, asio::use_awaitable);
        if (created) {
            r.outcome = created->is_new ? provision_outcome::created : provision_outcome::existing;
            r.user = std::move(created->value);
        } else {
            r.outcome = provision_outcome::failed;
            r.error = created.error();
        }
        co_return;
    }
    case provision_action::update:
        done(co_await st.users.async_put_user(item.user_uuid, *item.user, req, asio::use_awaitable),
             provision_outcome::updated);
        co_return;
    case provision_action::remove:
        done(co_await st.users.async_delete_user(item.user_uuid, req, asio::use_awaitable),
             provision_outcome::deleted);
        co_return;
    case provision_action::none: done(api_result<void>(), provision_outcome::unchanged); co_return;
    }
}

/// Waits until the rate limiter gives a token (at once without a rate); false when the run stopped meanwhile.
asio::awaitable<bool> pace(std::shared_ptr<run_state> st, asio::steady_timer& timer)
{
    if (!st->limiter) co_return true;
    for (;;) {
        if (st->stopped()) co_return false;
        auto const wait = st->limiter->take(clock_type::now());
        if (wait == clock_type::duration::zero()) co_return true;
        timer.expires_after(wait); // cancelled by run() on any cancellation, so a stop is prompt
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<void> worker(std::shared_ptr<run_state> st, std::size_t id)
{
    while (!st->stopped()) {
        auto item = st->next();
        if (!item) co_return;
        auto const index = st->next_index++;
        if (!st->wanted(*item)) continue;
        auto r = result_of(index, *item);
        if (!item->user) {
            ++st->progress.started;
            r.outcome = provision_outcome::failed;
            r.error = item->user.error();
            st->report(r);
            continue;
        }
        if (item->action != provision_action::none && !co_await pace(st, *st->pace_timers[id])) {
            r.outcome = provision_outcome::not_attempted; // stopped while waiting: the item never started
            st->report(r);
            co_return;
        }
        ++st->progress.started;
        co_await send(*st, *item, r);
        st->report(r);
    }
}

asio::awaitable<provision_summary> run(std::shared_ptr<run_state> st)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    auto const strand = co_await asio::this_coro::executor;
    st->workers_done = std::make_unique<asio::steady_timer>(strand, clock_type::time_point::max());
    auto const workers = std::max<std::size_t>(st->options.concurrency, 1);
    st->worker_signals = std::vector<asio::cancellation_signal>(workers);
    for (std::size_t id = 0; id < workers; ++id)
        st->pace_timers.push_back(std::make_unique<asio::steady_timer>(strand));
    for (std::size_t id = 0; id < workers; ++id) {
        ++st->running;
        asio::co_spawn(strand, worker(st, id),
                       asio::bind_cancellation_slot(st->worker_signals[id].slot(), [st](std::exception_ptr) {
                           if (--st->running == 0) st->workers_done->cancel();
                       }));
    }
    while (st->running > 0) {
        co_await st->workers_done->async_wait(asio::as_tuple(asio::use_awaitable));
        auto const requested = (co_await asio::this_coro::cancellation_state).cancelled();
        if (requested == asio::cancellation_type::none || st->cancelled) continue;
        st->stopping = st->cancelled = true;
        for (auto& timer : st->pace_timers) // wake the workers waiting for a token
            timer->cancel();
        if ((requested & asio::cancellation_type::terminal) != asio::cancellation_type::none)
            for (auto& signal : st->worker_signals)
                signal.emit(asio::cancellation_type::terminal);
    }
    if (st->cancelled) { // every item is reported once: the ones never started too
        while (auto item = st->next()) {
            auto const index = st->next_index++;
            if (!st->wanted(*item)) continue;
            auto r = result_of(index, *item);
            r.outcome = provision_outcome::not_attempted;
            st->report(r);
        }
    }
    st->publish_progress(clock_type::now());
    co_return st->summary();
}

} // namespace

std::optional<api_error> refusal(std::string_view owner, std::optional<double> rate,
                                 std::optional<shard_spec> const& shard)
{
    auto const name = std::string(owner);
    if (rate && !(std::isfinite(*rate) && *rate > 0)) {
        char value[64];
        std::snprintf(value, sizeof value, "%g", *rate);
        return invalid(name + "::rate must be a finite number > 0 (got " + value + ")");
    }
    if (shard && shard->count == 0) return invalid(name + "::shard: count must be at least 1");
    if (shard && shard->index >= shard->count)
        return invalid(name + "::shard: index " + std::to_string(shard->index) + " is not below count " +
                       std::to_string(shard->count));
    return std::nullopt;
}

void start_provision(session& s, provision_source source, provision_options options,
                     asio::any_completion_handler<void(provision_summary)> handler)
{
    if (auto error = refusal("provision_options", options.rate,
                             options.shard)) { // nothing read, nothing sent; completes outside this call
        provision_summary refused;
        refused.error = std::move(error);
        // post() runs the handler on its associated executor; append() keeps that association
        asio::post(s.get_executor(), asio::append(std::move(handler), std::move(refused)));
        return;
    }
    auto st = std::make_shared<run_state>(s.users(), std::move(source), std::move(options));
    if (st->options.rate) st->limiter.emplace(*st->options.rate, clock_type::now());
    st->progress.total = st->options.expected_total;
    auto const executor = asio::get_associated_executor(handler, s.get_executor());
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) {
        slot.assign([st](asio::cancellation_type type) {
            st->stop_requested.store(true, std::memory_order_release);
            st->run_signal.emit(type);
        });
    }
    asio::co_spawn(
        asio::make_strand(s.get_executor()), run(st),
        asio::bind_cancellation_slot(
            st->run_signal.slot(),
            asio::bind_executor(executor, [st, slot, h = std::move(handler)](std::exception_ptr,
                                                                             provision_summary sum) mutable {
                if (slot.is_connected()) slot.clear(); // the caller's signal no longer reaches this run
                std::move(h)(std::move(sum)); // an exception cannot escape run(); if so, no items lost
            })));
}

} // namespace detail
} // namespace igtcloud::entities
