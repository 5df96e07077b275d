// The plan of a sync: see sync_planner.hpp.
#include "entities/sync/sync_planner.hpp"

#include <stdexcept>

#include "entities/invalid_argument.hpp"
#include "entities/sync/user_diff.hpp"

namespace igtcloud::entities::detail {

std::size_t default_max_delete(std::size_t current) noexcept
{
    return current / 10;
}

sync_planner::sync_planner(std::string const& dir) : dir_(temp_directory(dir)), records_(dir_), index_(dir_)
{}

void sync_planner::set_caller(user_info const& me)
{
    caller_login_ = me.login_id;
    caller_uuid_ = me.user_uuid;
}

std::optional<std::uint64_t> sync_planner::find(std::string_view login, std::uint64_t hash) const
{
    return index_.find(hash, [&](std::uint64_t offset) {
        return login_of(records_.read(offset, buffer_)) == std::optional<std::string_view>(login);
    });
}

void sync_planner::add_current(user_info const& u)
{
    ++current_;
    if (!u.login_id || !u.user_uuid) return; // cannot be matched nor removed
    auto const hash = fnv1a64(*u.login_id);
    if (find(*u.login_id, hash)) return; // listed twice: the first one stands
    buffer_.clear();
    encode(record_kind::current, current_of(u), buffer_);
    index_.insert(hash, records_.append(buffer_), 0);
}

sync_plan_item sync_planner::plan(provision_item const& item, user_create* body)
{
    sync_plan_item out{.line = item.line};
    if (!item.user) {
        out.error = item.user.error();
        out.action = sync_action::failed;
        return out;
    }
    auto const& desired = *item.user;
    out.login_id = desired.login_id.value_or("");
    auto const hash = fnv1a64(out.login_id);
    auto const n = find(out.login_id, hash);
    if (!n) {
        buffer_.clear();
        encode(record_kind::desired, current_user{.login_id = out.login_id}, buffer_);
        index_.insert(hash, records_.append(buffer_), item.line);
        out.action = sync_action::create;
        if (body != nullptr) *body = desired;
        return out;
    }
    auto const s = index_.at(*n);
    if (s.line != 0) {
        out.action = sync_action::failed;
        out.error = invalid("line " + std::to_string(item.line) + ": duplicate loginId, first at line " +
                            std::to_string(s.line));
        return out;
    }
    index_.set_line(*n, item.line);
    auto const record = decode(records_.read(s.record - 1, buffer_));
    if (!record) throw std::runtime_error("a sync record that does not decode");
    out.user_uuid = record->user.user_uuid.value_or("");
    out.changes = differing_paths(desired, record->user);
    out.action = out.changes.empty() ? sync_action::unchanged : sync_action::update;
    if (body != nullptr && out.action == sync_action::update) *body = put_body(desired, record->user);
    return out;
}

bool sync_planner::is_caller(current_user const& u) const
{
    return (caller_uuid_ && u.user_uuid == caller_uuid_) || (caller_login_ && u.login_id == caller_login_);
}

std::optional<sync_plan_item> sync_planner::remove_of(login_index::slot const& s) const
{
    if (s.record == 0 || s.line != 0) return std::nullopt;
    auto const record = decode(records_.read(s.record - 1, buffer_));
    if (!record) throw std::runtime_error("a sync record that does not decode");
    if (record->kind != record_kind::current || is_caller(record->user)) return std::nullopt;
    return sync_plan_item{.line = 0,
                          .login_id = record->user.login_id.value_or(""),
                          .action = sync_action::remove,
                          .user_uuid = record->user.user_uuid.value_or("")};
}

std::optional<sync_plan_item> sync_planner::next_remove(std::uint64_t& slot) const
{
    while (slot < index_.capacity())
        if (auto item = remove_of(index_.at(slot++))) return item;
    return std::nullopt;
}

void sync_planner::for_each_unmatched(std::function<void(current_user const&)> const& f) const
{
    index_.for_each([&](login_index::slot const& s) {
        if (s.line != 0) return;
        auto const record = decode(records_.read(s.record - 1, buffer_));
        if (!record) throw std::runtime_error("a sync record that does not decode");
        if (record->kind == record_kind::current) f(record->user);
    });
}

remove_census sync_planner::census() const
{
    remove_census c;
    for_each_unmatched([&](current_user const& u) {
        if (is_caller(u))
            c.caller_kept = true;
        else
            ++c.removes;
    });
    return c;
}

void sync_planner::for_each_remove(std::function<void(sync_plan_item)> const& f) const
{
    index_.for_each([&](login_index::slot const& s) {
        if (auto item = remove_of(s)) f(std::move(*item));
    });
}

} // namespace igtcloud::entities::detail
