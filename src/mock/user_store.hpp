#pragma once

// The mock's thread-safe user store: users by userUUID and by loginId, in creation order.
// Each user is kept with its JSON text, written once per change, so a GET copies bytes.

#include <igtcloud/entities/models.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mock/random.hpp"

namespace igtcloud::mock::detail {

/// A stored user and its unmasked JSON text. Immutable once published.
struct user_record {
    entities::user_info user{};
    std::string json{};
};
using record_ptr = std::shared_ptr<user_record const>;

/// What POST /users and PUT /users/{uuid} set on a user, read from either spec's body: the seed's
/// UserCreateModel (name, familyName, email, mobile, loginId) or the 2023 UserRequest (givenName, familyName,
/// email, loginId, istLevel, preferredLanguage, trainingStartDate, trainingEndDate).
struct user_fields {
    std::optional<std::string> login_id{};
    std::optional<std::string> email{};
    std::optional<std::string> given_name{}; ///< `name` (seed) or `givenName` (2023): profile.givenName
    std::optional<std::string> family_name{};
    std::optional<std::string> mobile{};                 ///< seed only: profile.contact.mobilePhone
    std::optional<std::string> ist_level{};              ///< 2023: settings.istLevel
    std::optional<std::string> preferred_language{};     ///< 2023: profile and settings preferredLanguage
    std::optional<entities::date> training_start_date{}; ///< 2023 (a date-time there): settings, as a date
    std::optional<entities::date> training_end_date{};
};

/// The fields of a seed-spec body (server::add_user, --api seed).
user_fields fields_of_seed(entities::user_create const& u);

class user_store {
public:
    explicit user_store(std::optional<std::uint64_t> seed) : random_(seed) {}

    record_ptr record(std::string_view user_uuid) const;
    record_ptr record_by_login(std::string_view login_id) const;
    std::optional<entities::user_info> find(std::string_view user_uuid) const;
    std::optional<entities::user_info> find_by_login(std::string_view login_id) const;
    std::size_t size() const;
    /// Every user, oldest first.
    std::vector<record_ptr> all() const;

    /// POST /users: the existing user with that loginId (false), or a new one made from `u` (true).
    /// `u` must carry login_id and email (the service validates).
    std::pair<record_ptr, bool> create(user_fields const& u);
    /// create() with a seed-spec body.
    std::pair<record_ptr, bool> create(entities::user_create const& u) { return create(fields_of_seed(u)); }
    /// Inserts a complete user (seeding); its userUUID is generated when absent. Existing loginId: unchanged.
    record_ptr insert(entities::user_info user);

    enum class update_result { updated, not_found, login_taken };
    /// PUT /users/{uuid}: the members present in `u` replace the user's; a loginId that belongs to another
    /// user is refused.
    update_result update(std::string_view user_uuid, user_fields const& u);
    /// DELETE /users/training-settings: removes settings.istLevel, trainingStartDate and trainingEndDate
    /// (preferredLanguage stays). False when unknown.
    bool clear_training_settings(std::string_view user_uuid);
    /// DELETE /users/{uuid}: false when unknown.
    bool remove(std::string_view user_uuid);

    /// A random UUID v4 string (from the store's reproducible stream).
    std::string make_uuid();
    random_stream& random() noexcept { return random_; }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using index = std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>>;

    record_ptr publish(std::uint64_t seq, entities::user_info user); // with the lock held
    record_ptr at(index const& by, std::string_view key) const;      // with the lock held

    mutable std::shared_mutex mutex_;
    std::map<std::uint64_t, record_ptr> by_seq_;
    index by_uuid_;
    index by_login_;
    std::uint64_t next_seq_{0};
    random_stream random_;
};

} // namespace igtcloud::mock::detail
