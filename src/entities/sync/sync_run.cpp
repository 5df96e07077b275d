// async_sync_users' I/O shell: the run's coroutine on a strand asks the session for the caller and the
// current users, feeds them and the source's items to the sync_planner (sync_planner.hpp), which decides
// everything, and reports its plan. The source is read in batches, with a yield to the strand between them,
// so that a cancellation is seen; any cancellation type while planning ends the run with operation_aborted.
// Applying hands the kept plan (apply_queue.hpp) and the removes to the provisioning engine as its source.
// At scale (DESIGN.md §9): bad rate/shard options are refused before anything is sent (option_refusal.hpp);
// current users of another shard never reach the planner; source items of another shard are counted as
// skipped, and so are those options.skip refuses, which the planner still sees (so their users are matched,
// never removed) without reporting them. Only the rate goes on to the engine: the shard and skip are applied.
#include <igtcloud/entities/sync.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <system_error>

#include "entities/invalid_argument.hpp"
#include "entities/provision/option_refusal.hpp"
#include "entities/sync/apply_queue.hpp"
#include "entities/sync/current_user.hpp"
#include "entities/sync/sync_planner.hpp"

namespace igtcloud::entities {

char const* to_string(sync_action a) noexcept
{
    switch (a) {
    case sync_action::create: return "create";
    case sync_action::update: return "update";
    case sync_action::unchanged: return "unchanged";
    case sync_action::remove: return "delete";
    case sync_action::failed: return "failed";
    }
    return "unknown";
}

namespace detail {
namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
constexpr std::size_t batch = 256; ///< source items between two looks at the cancellation state

struct sync_state {
    sync_state(session& sn, provision_source s, sync_options o)
        : session_(sn)
        , users(sn.users())
        , source(std::move(s))
        , options(std::move(o))
    {}

    session& session_;
    users_api users;
    provision_source source;
    sync_options options;
    std::unique_ptr<sync_planner> planner{};
    std::unique_ptr<apply_queue> queue{}; ///< apply: the plan kept until the removes are allowed
    sync_summary summary{};
    clock_type::time_point started{clock_type::now()};
    asio::cancellation_signal run_signal{}; ///< the caller's cancellation, passed on to run()

    void report(sync_plan_item const& item)
    {
        switch (item.action) {
        case sync_action::create: ++summary.create; break;
        case sync_action::update: ++summary.update; break;
        case sync_action::unchanged: ++summary.unchanged; break;
        case sync_action::remove: ++summary.remove; break;
        case sync_action::failed: ++summary.failed; break;
        }
        if (!options.on_plan) return;
        try {
            options.on_plan(item);
        } catch (...) { // a caller's callback must not end the run
        }
    }

    /// Whether a source item is this run's: in the shard and not refused by options.skip.
    enum class scope : std::uint8_t { planned, other_shard, refused };
    scope scope_of(provision_item const& item) const
    {
        // (a string_view of both branches: `... ? std::string : ""` would be a temporary std::string)
        std::string_view const login =
            item.user && item.user->login_id ? std::string_view(*item.user->login_id) : std::string_view();
        if (options.shard && !in_shard(login, *options.shard)) return scope::other_shard;
        if (!options.skip) return scope::planned;
        try {
            return options.skip(login) ? scope::refused : scope::planned;
        } catch (...) { // a caller's callback must not end the run: the item is kept
            return scope::planned;
        }
    }

    /// The next item; a throwing source ends with a failed item.
    std::optional<provision_item> next()
    {
        try {
            return source();
        } catch (std::exception const& e) {
            source = [] { return std::optional<provision_item>(); };
            return provision_item{0, invalid(std::string("the source failed: ") + e.what())};
        }
    }
};

api_error aborted()
{
    return api_error{asio::error::operation_aborted, 0, "sync cancelled"};
}

api_error io_failure(std::exception const& e)
{
    return api_error{make_error_code(boost::system::errc::io_error), 0,
                     std::string("sync: temporary file: ") + e.what()};
}

asio::awaitable<bool> cancelled()
{
    co_return (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
}

/// The caller and the current users into the planner.
asio::awaitable<std::optional<api_error>> read_current(sync_state& st)
{
    auto req = st.options.request;
    if (st.options.delete_absent) {
        req.fields = "{loginId,userUUID}";
        auto me = co_await st.users.async_get_me(req, asio::use_awaitable);
        if (!me) co_return me.error();
        st.planner->set_caller(*me);
    }
    req.fields = current_user_mask;
    auto* planner = st.planner.get();
    auto const shard = st.options.shard;
    auto listed = co_await st.users.async_for_each_user(
        req,
        [planner, shard](user_info u) {
            if (!shard || in_shard(u.login_id.value_or(""), *shard)) planner->add_current(u);
        },
        asio::use_awaitable);
    if (!listed) co_return listed.error();
    st.summary.current = planner->current();
    co_return std::nullopt;
}

/// The source's items, then the removes.
asio::awaitable<std::optional<api_error>> plan(sync_state& st)
{
    auto const strand = co_await asio::this_coro::executor;
    for (std::size_t n = 1;; ++n) {
        auto item = st.next();
        if (!item) break;
        auto const scope = st.scope_of(*item);
        if (scope != sync_state::scope::planned) {
            ++st.summary.skipped;
            if (scope == sync_state::scope::refused) st.planner->plan(*item); // matched: never a remove
        } else {
            user_create body;
            auto planned = st.planner->plan(*item, st.queue ? &body : nullptr);
            if (st.queue) st.queue->push(planned, &body);
            st.report(planned);
        }
        if (n % batch == 0) {
            co_await asio::post(strand, asio::use_awaitable);
            if (co_await cancelled()) co_return aborted();
        }
    }
    st.summary.max_delete = st.options.max_delete.value_or(default_max_delete(st.summary.current));
    if (!st.options.delete_absent) co_return std::nullopt;
    auto const census = st.planner->census(); // counted before any remove is reported (or, later, sent)
    st.summary.caller_kept = census.caller_kept;
    st.summary.delete_refused = census.removes > st.summary.max_delete && !st.options.force;
    st.planner->for_each_remove([&](sync_plan_item item) { st.report(item); });
    if (st.summary.delete_refused && st.queue)
        co_return invalid("sync: " + std::to_string(census.removes) + " deletes exceed max_delete " +
                          std::to_string(st.summary.max_delete) + ": nothing sent (force allows them)");
    co_return std::nullopt;
}

/// The kept plan, then the removes, through the provisioning engine.
asio::awaitable<provision_summary> apply(std::shared_ptr<sync_state> st)
{
    provision_options opts{.concurrency = st->options.concurrency,
                           .request = st->options.request,
                           .on_item = st->options.on_item,
                           .on_progress = st->options.on_progress,
                           .progress_interval = st->options.progress_interval,
                           .rate = st->options.rate};
    provision_source source = [st, removes = false,
                               slot = std::uint64_t{0}]() mutable -> std::optional<provision_item> {
        if (!removes) {
            if (auto item = st->queue->pop()) return item;
            removes = true;
        }
        if (!st->options.delete_absent) return std::nullopt;
        auto remove = st->planner->next_remove(slot);
        if (!remove) return std::nullopt;
        return provision_item{.line = 0,
                              .user = user_create{.login_id = remove->login_id},
                              .action = provision_action::remove,
                              .user_uuid = remove->user_uuid};
    };
    co_return co_await async_provision_users(st->session_, std::move(source), std::move(opts),
                                             asio::use_awaitable);
}

asio::awaitable<api_result<sync_summary>> run(std::shared_ptr<sync_state> st)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    try {
        st->planner = std::make_unique<sync_planner>(st->options.temp_dir);
        if (!st->options.plan_only)
            st->queue = std::make_unique<apply_queue>(temp_directory(st->options.temp_dir));
        if (auto failed = co_await read_current(*st)) co_return *failed;
        if (co_await cancelled()) co_return aborted();
        if (auto failed = co_await plan(*st)) co_return *failed;
    } catch (std::exception const& e) { // a temporary file's error
        co_return io_failure(e);
    }
    if (st->queue) {
        st->summary.applied = co_await apply(st);
        st->summary.applied->skipped = st->summary.skipped; // skipped while planning, before the engine
    }
    st->summary.elapsed = clock_type::now() - st->started;
    co_return st->summary;
}

} // namespace

void start_sync(session& s, provision_source source, sync_options options,
                asio::any_completion_handler<void(api_result<sync_summary>)> handler)
{
    if (auto error = refusal("sync_options", options.rate, options.shard)) { // nothing read, nothing sent
        // post() runs the handler on its associated executor; append() keeps that association
        asio::post(s.get_executor(),
                   asio::append(std::move(handler), api_result<sync_summary>(std::move(*error))));
        return;
    }
    auto st = std::make_shared<sync_state>(s, std::move(source), std::move(options));
    auto const executor = asio::get_associated_executor(handler, s.get_executor());
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) slot.assign([st](asio::cancellation_type type) { st->run_signal.emit(type); });
    asio::co_spawn(
        asio::make_strand(s.get_executor()), run(st),
        asio::bind_cancellation_slot(
            st->run_signal.slot(),
            asio::bind_executor(executor, [st, slot, h = std::move(handler)](
                                              std::exception_ptr, api_result<sync_summary> r) mutable {
                if (slot.is_connected()) slot.clear();
                std::move(h)(std::move(r));
            })));
}

} // namespace detail
} // namespace igtcloud::entities
