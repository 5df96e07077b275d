#pragma once

// Sync: bring the service's users in line with a file (DESIGN.md §9, issue 17): plan, then apply.
//
//   GET /users/me (with delete_absent: the caller, never deleted)
//   GET /users, streamed (async_for_each_user, a mask of the compared members) --> planner: each user as a
//       compact record appended to an unnamed temporary file, its loginId in an on-disk hash index
//   source --next()--> provision_item, one at a time --> planner: probe the index by loginId, diff the
//       members the item gives against the current user, mark it matched
//       --> on_plan(create | update {changes} | unchanged | failed)             in the source's order
//   the index scanned for unmatched users (delete_absent): counted first, checked against max_delete, then
//       --> on_plan(delete) each                                                after the source's items
//   plan_only: --> sync_summary through the completion token. Nothing was sent but GET /users(/me).
//   apply: the plan's items wait in a temporary file (apply_queue) until the removes are counted and allowed
//       (a refusal completes with error::invalid_argument: nothing was sent); then they, and the removes, are
//       the source of the provisioning engine (async_provision_users: `concurrency` workers, each item
//       reported once through on_item: created, existing, updated, unchanged, deleted, failed, not_attempted)
//   --> sync_summary with `applied` through the completion token
//
// Memory stays flat in the number of users and rows: the current users and the index live in temporary
// files under `temp_dir` (read and written with pread/pwrite, never mapped), unlinked from the start.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/session.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::entities {

/// What a sync does (or would do) for one loginId.
enum class sync_action : std::uint8_t {
    create,    ///< in the source, not on the service: POST /users
    update,    ///< on both, and a member the source gives differs: PUT /users/{userUUID}
    unchanged, ///< on both, and every member the source gives is equal
    remove,    ///< on the service, not in the source (only with sync_options::delete_absent): DELETE
    failed,    ///< a bad row, or a loginId the source gave before (see sync_plan_item::error)
};

/// Name of an action: "create", "update", "unchanged", "delete", "failed".
IGTCLOUD_ENTITIES_DECL char const* to_string(sync_action a) noexcept;

/// One entry of the plan, reported once through sync_options::on_plan.
struct sync_plan_item {
    std::size_t line{};     ///< the source item's line (provision_item::line); 0 for a remove
    std::string login_id{}; ///< the loginId ("" for a bad row without one)
    sync_action action{};   ///< see sync_action
    /// update: the members of the current user that differ, as JSON paths of user_info, in a fixed order:
    /// "profile.givenName", "profile.familyName", "profile.contact.emailAddress",
    /// "profile.contact.mobilePhone", "profile.preferredLanguage", "settings.istLevel",
    /// "settings.preferredLanguage", "settings.trainingStartDate", "settings.trainingEndDate". Empty
    /// otherwise.
    std::vector<std::string> changes{};
    std::string user_uuid{};          ///< update, unchanged, remove: the current user's userUUID
    std::optional<api_error> error{}; ///< failed: why (error::invalid_argument, "line N: ...")
};

/// The end of a sync.
struct sync_summary {
    std::size_t current{};   ///< users GET /users listed (with sync_options::shard: those in the shard)
    std::size_t create{};    ///< items planned sync_action::create
    std::size_t update{};    ///< items planned sync_action::update
    std::size_t unchanged{}; ///< items planned sync_action::unchanged
    std::size_t remove{};    ///< users planned sync_action::remove
    std::size_t failed{};    ///< items planned sync_action::failed
    /// Items of the source outside sync_options::shard or refused by sync_options::skip: not planned, not
    /// reported, never sent.
    std::size_t skipped{};
    std::size_t max_delete{}; ///< the limit in force: sync_options::max_delete, else current / 10
    /// remove > max_delete without sync_options::force: applying would be refused and would send nothing.
    bool delete_refused{};
    bool caller_kept{};                      ///< delete_absent: the caller is not in the source and is kept
    std::chrono::duration<double> elapsed{}; ///< seconds from the start to the end
    /// Apply: how the items ended (created, existing, updated, unchanged, deleted, failed, not_attempted);
    /// nullopt for plan_only.
    std::optional<provision_summary> applied{};
};

/// Settings of a run of async_sync_users. An aggregate with defaults: set what you need.
struct sync_options {
    /// [false] Plan only: report the plan, send no write. Else the plan is applied after it is complete.
    bool plan_only{};
    /// [false] Plan a remove for each current user absent from the source, except the caller (GET /users/me)
    /// and users listed without a loginId or userUUID.
    bool delete_absent{};
    /// The most removes allowed without `force`; [nullopt] 10 % of the current users (rounded down).
    std::optional<std::size_t> max_delete{};
    bool force{};              ///< [false] allow more removes than max_delete
    request_options request{}; ///< timeout of each operation (the X-Fields mask is the sync's own)
    std::string temp_dir{};    ///< [""] where the temporary files go: "" is $TMPDIR, else /tmp
    /// Each plan entry, exactly once: the source's items in its order, then the removes, all before the
    /// first write. Called on the run's strand, never concurrently; an exception it throws is ignored.
    std::function<void(sync_plan_item const&)> on_plan{};
    std::size_t concurrency{32}; ///< [32] apply: operations in flight; 0 is taken as 1
    /// Apply: each item's end, exactly once (provision_options::on_item). Plan entries that failed end
    /// `failed` here too; removes carry line 0.
    std::function<void(provision_result const&)> on_item{};
    /// Apply: progress (provision_options::on_progress), at most every `progress_interval`.
    std::function<void(provision_progress const&)> on_progress{};
    std::chrono::milliseconds progress_interval{200}; ///< [200 ms] see on_progress
    /// [none] apply: requests per second for the whole run (provision_options::rate). Must be finite and > 0,
    /// else the run completes at once with error::invalid_argument and nothing is sent.
    std::optional<double> rate{};
    /// [none: every item] only the source's items and the current users of this shard (see shard_spec):
    /// items of other shards are skipped, current users of other shards are never compared nor removed (so
    /// the default max_delete is 10 % of the shard's users). The index must be below the count, else the
    /// run completes at once with error::invalid_argument and nothing is sent.
    std::optional<shard_spec> shard{};
    /// [none] called with each source item's loginId ("" for a bad row) that is in the shard, on the run's
    /// strand: true skips the item (not planned, not reported, not sent; counted in sync_summary::skipped).
    /// Its current user still counts as in the source: never removed. E.g. the loginIds an earlier run's
    /// report shows as done. An exception it throws keeps the item.
    std::function<bool(std::string_view login_id)> skip{};
};

namespace detail {

IGTCLOUD_ENTITIES_DECL void
start_sync(session& s, provision_source source, sync_options options,
           boost::asio::any_completion_handler<void(api_result<sync_summary>)> handler);

} // namespace detail

/// Plans, and unless plan_only applies, bringing the users of `s` in line with `source`: any source that
/// async_provision_users takes (a reader, a callable, a range of user_create). For each item, only the
/// members it gives are compared (an absent member means "leave as is"): emails case-insensitively (ASCII),
/// the training dates as calendar days (the item's date-time as a UTC day). A loginId the source gave before
/// is `failed` ("line N: duplicate loginId, first at line M"); loginIds are compared exactly.
///
/// Applying sends a POST /users per create, a PUT /users/{userUUID} per update (the members the item gives,
/// and for the others the current values: "leave as is" under replace and merge semantics alike; see
/// sync_plan_item), a DELETE per remove, nothing for unchanged, at most `concurrency` at a time.
///
/// Completion signature `void(api_result<sync_summary>)`. Errors: those of GET /users/me (delete_absent
/// only) and GET /users; errc::io_error when a temporary file cannot be created or written;
/// error::invalid_argument when applying more removes than max_delete without force, or at once for a bad
/// rate or shard (sync_options; nothing sent, completed outside this call);
/// asio::error::operation_aborted when cancelled while planning. Cancellation through the token's slot
/// while applying acts as async_provision_users' (partial or total: the operations in flight finish;
/// terminal: they are cancelled; the rest is not_attempted) and completes with the summary (applied->
/// cancelled). Plan entries reported before an error stay reported. The session must outlive the operation.
template <class Source,
          boost::asio::completion_token_for<void(api_result<sync_summary>)> Token = boost::asio::deferred_t>
auto async_sync_users(session& s, Source&& source, sync_options options, Token&& token = {})
{
    return boost::asio::async_initiate<Token, void(api_result<sync_summary>)>(
        [&s](auto handler, provision_source src, sync_options opts) {
            detail::start_sync(
                s, std::move(src), std::move(opts),
                boost::asio::any_completion_handler<void(api_result<sync_summary>)>(std::move(handler)));
        },
        token, detail::to_source(std::forward<Source>(source)), std::move(options));
}

} // namespace igtcloud::entities
