// The mock's user store.
#include "mock/user_store.hpp"

#include <mutex>

namespace igtcloud::mock::detail {
namespace {

entities::user_info new_user(user_fields const& u, std::string uuid)
{
    entities::user_info user;
    user.login_id = u.login_id;
    user.user_uuid = std::move(uuid);
    auto& profile = user.profile.emplace();
    profile.given_name = u.given_name;
    profile.family_name = u.family_name;
    profile.contact = entities::contact{.email_address = u.email, .mobile_phone = u.mobile};
    profile.disabled = false;
    profile.preferred_language = u.preferred_language.value_or("en");
    profile.roles = std::vector<std::string>{};
    profile.organization_roles = std::vector<entities::organization_role>{};
    user.settings = entities::user_settings{.ist_level = u.ist_level,
                                            .preferred_language = u.preferred_language.value_or("en"),
                                            .training_start_date = u.training_start_date,
                                            .training_end_date = u.training_end_date};
    user.account_status = entities::account_status{.mfa_status = "NOT_ENROLLED",
                                                   .email_verified = false,
                                                   .disabled = false,
                                                   .number_of_invalid_attempt = 0};
    return user;
}

void apply_settings(entities::user_info& user, user_fields const& u)
{
    auto& settings = user.settings ? *user.settings : user.settings.emplace();
    if (u.ist_level) settings.ist_level = u.ist_level;
    if (u.preferred_language) settings.preferred_language = u.preferred_language;
    if (u.training_start_date) settings.training_start_date = u.training_start_date;
    if (u.training_end_date) settings.training_end_date = u.training_end_date;
}

void apply_update(entities::user_info& user, user_fields const& u)
{
    if (u.login_id) user.login_id = u.login_id;
    auto& profile = user.profile ? *user.profile : user.profile.emplace();
    if (u.given_name) profile.given_name = u.given_name;
    if (u.family_name) profile.family_name = u.family_name;
    if (u.preferred_language) profile.preferred_language = u.preferred_language;
    auto& contact = profile.contact ? *profile.contact : profile.contact.emplace();
    if (u.email) contact.email_address = u.email;
    if (u.mobile) contact.mobile_phone = u.mobile;
    apply_settings(user, u);
}

} // namespace

user_fields fields_of_seed(entities::user_create const& u)
{
    return user_fields{.login_id = u.login_id,
                       .email = u.email,
                       .given_name = u.name,
                       .family_name = u.family_name,
                       .mobile = u.mobile};
}

record_ptr user_store::at(index const& by, std::string_view key) const
{
    auto it = by.find(key);
    return it == by.end() ? nullptr : by_seq_.at(it->second);
}

record_ptr user_store::record(std::string_view user_uuid) const
{
    std::shared_lock lock(mutex_);
    return at(by_uuid_, user_uuid);
}

record_ptr user_store::record_by_login(std::string_view login_id) const
{
    std::shared_lock lock(mutex_);
    return at(by_login_, login_id);
}

std::optional<entities::user_info> user_store::find(std::string_view user_uuid) const
{
    if (auto r = record(user_uuid)) return r->user;
    return std::nullopt;
}

std::optional<entities::user_info> user_store::find_by_login(std::string_view login_id) const
{
    if (auto r = record_by_login(login_id)) return r->user;
    return std::nullopt;
}

std::size_t user_store::size() const
{
    std::shared_lock lock(mutex_);
    return by_seq_.size();
}

std::vector<record_ptr> user_store::all() const
{
    std::shared_lock lock(mutex_);
    std::vector<record_ptr> out;
    out.reserve(by_seq_.size());
    for (auto const& [seq, r] : by_seq_)
        out.push_back(r);
    return out;
}

std::string user_store::make_uuid()
{
    auto const hi = random_.next();
    auto const lo = random_.next();
    unsigned char bytes[16];
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
        bytes[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40); // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[bytes[i] >> 4];
        out += hex[bytes[i] & 0x0F];
    }
    return out;
}

record_ptr user_store::publish(std::uint64_t seq, entities::user_info user)
{
    auto r = std::make_shared<user_record>();
    r->json = entities::encode(user);
    r->user = std::move(user);
    by_seq_[seq] = r;
    return r;
}

std::pair<record_ptr, bool> user_store::create(user_fields const& u)
{
    auto uuid = make_uuid();
    std::unique_lock lock(mutex_);
    if (auto existing = at(by_login_, *u.login_id)) return {existing, false};
    auto const seq = next_seq_++;
    by_uuid_.emplace(uuid, seq);
    by_login_.emplace(*u.login_id, seq);
    return {publish(seq, new_user(u, std::move(uuid))), true};
}

record_ptr user_store::insert(entities::user_info user)
{
    if (!user.user_uuid) user.user_uuid = make_uuid();
    std::unique_lock lock(mutex_);
    if (auto existing = at(by_login_, user.login_id.value_or(""))) return existing;
    auto const seq = next_seq_++;
    by_uuid_.emplace(*user.user_uuid, seq);
    by_login_.emplace(user.login_id.value_or(""), seq);
    return publish(seq, std::move(user));
}

user_store::update_result user_store::update(std::string_view user_uuid, user_fields const& u)
{
    std::unique_lock lock(mutex_);
    auto it = by_uuid_.find(user_uuid);
    if (it == by_uuid_.end()) return update_result::not_found;
    auto const seq = it->second;
    auto user = by_seq_.at(seq)->user;
    auto const old_login = user.login_id.value_or("");
    if (u.login_id && *u.login_id != old_login) {
        if (by_login_.contains(*u.login_id)) return update_result::login_taken;
        by_login_.erase(by_login_.find(std::string_view(old_login)));
        by_login_.emplace(*u.login_id, seq);
    }
    apply_update(user, u);
    publish(seq, std::move(user));
    return update_result::updated;
}

bool user_store::clear_training_settings(std::string_view user_uuid)
{
    std::unique_lock lock(mutex_);
    auto it = by_uuid_.find(user_uuid);
    if (it == by_uuid_.end()) return false;
    auto const seq = it->second;
    auto user = by_seq_.at(seq)->user;
    if (user.settings) {
        user.settings->ist_level.reset();
        user.settings->training_start_date.reset();
        user.settings->training_end_date.reset();
    }
    publish(seq, std::move(user));
    return true;
}

bool user_store::remove(std::string_view user_uuid)
{
    std::unique_lock lock(mutex_);
    auto it = by_uuid_.find(user_uuid);
    if (it == by_uuid_.end()) return false;
    auto const seq = it->second;
    by_login_.erase(by_login_.find(std::string_view(by_seq_.at(seq)->user.login_id.value_or(""))));
    by_seq_.erase(seq);
    by_uuid_.erase(it);
    return true;
}

} // namespace igtcloud::mock::detail
