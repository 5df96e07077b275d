#pragma once

// UserInfoModel and its parts: what GET /users, /users/me and /users/{user_uuid} answer.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace igtcloud::entities {

/// ContactModel.
struct contact {
    std::optional<std::string> email_address{};
    std::optional<std::string> mobile_phone{};
    friend bool operator==(contact const&, contact const&) = default;
};

/// OrganizationRoleModel.
struct organization_role {
    std::optional<std::vector<std::string>> groups{};
    std::optional<std::string> organization_id{};
    std::optional<std::string> organization_name{};
    std::optional<std::vector<std::string>> permissions{};
    std::optional<std::vector<std::string>> roles{};
    friend bool operator==(organization_role const&, organization_role const&) = default;
};

/// ProfileModel.
struct profile {
    std::optional<std::vector<std::string>> addresses{};
    std::optional<entities::contact> contact{};
    std::optional<bool> disabled{};
    std::optional<std::string> family_name{};
    std::optional<std::string> given_name{};
    std::optional<std::vector<organization_role>> organization_roles{};
    std::optional<std::string> preferred_language{};
    std::optional<std::vector<std::string>> roles{};
    friend bool operator==(profile const&, profile const&) = default;
};

/// UserSettingsModel.
struct user_settings {
    std::optional<std::string> ist_level{};
    std::optional<std::string> preferred_language{};
    std::optional<date> training_start_date{};
    std::optional<date> training_end_date{};
    friend bool operator==(user_settings const&, user_settings const&) = default;
};

/// AccountStatusModel.
struct account_status {
    std::optional<date_time> last_login_time{};
    std::optional<std::string> mfa_status{};
    std::optional<bool> email_verified{};
    std::optional<bool> disabled{};
    std::optional<date_time> account_locked_on{};
    std::optional<date_time> account_locked_until{};
    std::optional<std::int64_t> number_of_invalid_attempt{};
    std::optional<date_time> last_invalid_attempted_on{};
    std::optional<date_time> password_expires_on{};
    std::optional<date_time> password_changed_on{};
    friend bool operator==(account_status const&, account_status const&) = default;
};

/// UserInfoModel: a user as the service answers it.
struct user_info {
    std::optional<std::string> login_id{};
    std::optional<std::string> user_uuid{};
    std::optional<entities::profile> profile{};
    std::optional<user_settings> settings{};
    std::optional<entities::account_status> account_status{};
    friend bool operator==(user_info const&, user_info const&) = default;
};

} // namespace igtcloud::entities
