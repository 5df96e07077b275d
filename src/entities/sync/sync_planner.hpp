#pragma once

// The plan of a sync as a socket-free state machine (internal). Three phases, in this order:
//
//   current:  add_current(user_info) per user of GET /users
//               -> a `current` record (current_user.hpp) appended to the record file, its loginId indexed
//               (users without a loginId or userUUID, and a loginId listed twice, are counted, not indexed)
//   desired:  plan(provision_item) per source item -> sync_plan_item
//               bad row                         -> failed (the reader's error)
//               loginId indexed, line set       -> failed "line N: duplicate loginId, first at line M"
//               loginId of a current user       -> its line set; update (differing_paths) or unchanged
//               loginId unknown                 -> a `desired` record and index entry (its line): create
//   removes:  census(), then for_each_remove(f): the current users whose line is still 0, except the
//               caller (set_caller: its loginId or userUUID), in index order
//
// Memory: one record's bytes; the users and the index are in temporary files (spill_file.hpp). Not
// thread-safe: one caller at a time (calls may come from different threads if each happens-before the next).

#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/sync.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "entities/sync/current_user.hpp"
#include "entities/sync/login_index.hpp"
#include "entities/sync/spill_file.hpp"

namespace igtcloud::entities::detail {

/// The default of sync_options::max_delete: 10 % of the current users, rounded down.
std::size_t default_max_delete(std::size_t current) noexcept;

/// The unmatched current users, counted before any remove is reported (or sent).
struct remove_census {
    std::size_t removes{}; ///< unmatched users other than the caller
    bool caller_kept{};    ///< the caller was listed and is absent from the source
};

class sync_planner {
public:
    /// Temporary files under temp_directory(dir). Throws std::system_error when they cannot be created.
    explicit sync_planner(std::string const& dir);

    /// The calling user (GET /users/me): never a remove.
    void set_caller(user_info const& me);
    /// Phase 1: one current user. Throws std::system_error on a temporary file's write error.
    void add_current(user_info const& u);
    /// Phase 2: one source item's plan; `body`, when given, receives what to send for a create (the item's
    /// user) or an update (put_body). Throws std::system_error on a temporary file's error.
    sync_plan_item plan(provision_item const& item, user_create* body = nullptr);
    /// Phase 3: the number of removes for_each_remove() reports, and whether the caller is kept.
    remove_census census() const;
    /// Phase 3: each remove (line 0, the user's loginId and userUUID).
    void for_each_remove(std::function<void(sync_plan_item)> const& f) const;
    /// Phase 3, one at a time: the first remove at or after index slot `slot`, which is moved past it;
    /// nullopt at the end. The same removes as for_each_remove, in the same order.
    std::optional<sync_plan_item> next_remove(std::uint64_t& slot) const;

    std::size_t current() const noexcept { return current_; } ///< users given to add_current

private:
    std::optional<std::uint64_t> find(std::string_view login, std::uint64_t hash) const;
    bool is_caller(current_user const& u) const;
    /// The remove of an unmatched current user's slot, or nullopt (matched, the caller, a `desired` record).
    std::optional<sync_plan_item> remove_of(login_index::slot const& s) const;
    /// Calls f(user) for each current user whose line is 0.
    void for_each_unmatched(std::function<void(current_user const&)> const& f) const;

    std::string dir_;
    record_file records_;
    login_index index_;
    std::optional<std::string> caller_login_{}, caller_uuid_{};
    std::size_t current_{};
    mutable std::string buffer_{}; ///< one record's bytes
};

} // namespace igtcloud::entities::detail
