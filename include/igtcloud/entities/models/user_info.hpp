#pragma once

// UserInfoModel and its parts: what GET /users, /users/me and /users/{user_uuid} answer.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace igtcloud::entities {

/// ContactModel: how to reach the user (profile::contact).
struct IGTCLOUD_ENTITIES_DECL contact {
    std::optional<std::string> email_address{}; ///< `emailAddress`
    std::optional<std::string> mobile_phone{};  ///< `mobilePhone`
    /// Member-wise equality.
    friend bool operator==(contact const&, contact const&) = default;
};

/// OrganizationRoleModel: the user's groups, permissions and roles in one organization.
struct IGTCLOUD_ENTITIES_DECL organization_role {
    std::optional<std::vector<std::string>> groups{};      ///< `groups`
    std::optional<std::string> organization_id{};          ///< `organizationId`
    std::optional<std::string> organization_name{};        ///< `organizationName`
    std::optional<std::vector<std::string>> permissions{}; ///< `permissions`
    std::optional<std::vector<std::string>> roles{};       ///< `roles` in this organization
    /// Member-wise equality.
    friend bool operator==(organization_role const&, organization_role const&) = default;
};

/// ProfileModel: who the user is (user_info::profile).
struct IGTCLOUD_ENTITIES_DECL profile {
    std::optional<std::vector<std::string>> addresses{};                ///< `addresses`
    std::optional<entities::contact> contact{};                         ///< `contact`
    std::optional<bool> disabled{};                                     ///< `disabled`
    std::optional<std::string> family_name{};                           ///< `familyName`
    std::optional<std::string> given_name{};                            ///< `givenName`
    std::optional<std::vector<organization_role>> organization_roles{}; ///< `organizationRoles`
    std::optional<std::string> preferred_language{};                    ///< `preferredLanguage`
    std::optional<std::vector<std::string>> roles{};                    ///< `roles`
    /// Member-wise equality.
    friend bool operator==(profile const&, profile const&) = default;
};

/// UserSettingsModel: the user's settings (user_info::settings); the training dates are `date`s.
struct IGTCLOUD_ENTITIES_DECL user_settings {
    std::optional<std::string> ist_level{};          ///< `istLevel`
    std::optional<std::string> preferred_language{}; ///< `preferredLanguage`
    std::optional<date> training_start_date{};       ///< `trainingStartDate`
    std::optional<date> training_end_date{};         ///< `trainingEndDate`
    /// Member-wise equality.
    friend bool operator==(user_settings const&, user_settings const&) = default;
};

/// AccountStatusModel: the state of the user's account (user_info::account_status); times are UTC.
struct IGTCLOUD_ENTITIES_DECL account_status {
    std::optional<date_time> last_login_time{};              ///< `lastLoginTime`
    std::optional<std::string> mfa_status{};                 ///< `mfaStatus`
    std::optional<bool> email_verified{};                    ///< `emailVerified`
    std::optional<bool> disabled{};                          ///< `disabled`
    std::optional<date_time> account_locked_on{};            ///< `accountLockedOn`
    std::optional<date_time> account_locked_until{};         ///< `accountLockedUntil`
    std::optional<std::int64_t> number_of_invalid_attempt{}; ///< `numberOfInvalidAttempt`
    std::optional<date_time> last_invalid_attempted_on{};    ///< `lastInvalidAttemptedOn`
    std::optional<date_time> password_expires_on{};          ///< `passwordExpiresOn`
    std::optional<date_time> password_changed_on{};          ///< `passwordChangedOn`
    /// Member-wise equality.
    friend bool operator==(account_status const&, account_status const&) = default;
};

/// UserInfoModel: a user as the service answers it.
struct IGTCLOUD_ENTITIES_DECL user_info {
    std::optional<std::string> login_id{};                    ///< `loginId`
    std::optional<std::string> user_uuid{};                   ///< `userUUID`: the id in /users/{user_uuid}
    std::optional<entities::profile> profile{};               ///< `profile`
    std::optional<user_settings> settings{};                  ///< `settings`
    std::optional<entities::account_status> account_status{}; ///< `accountStatus`
    /// Member-wise equality.
    friend bool operator==(user_info const&, user_info const&) = default;
};

} // namespace igtcloud::entities
