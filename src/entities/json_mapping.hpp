#pragma once

// The only place that knows the wire names of the models: one field table per model.
// The generic mapper (json_mapper.hpp) reads and writes every model through these tables.

#include <igtcloud/entities/models.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace igtcloud::entities::detail {

/// Names are short and mostly differ in length: compare lengths first, then bytes, all inline.
inline bool same_name(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::char_traits<char>::compare(a.data(), b.data(), a.size()) == 0;
}

/// One JSON member of model T, stored in the optional member `member`.
template <class T, class M>
struct field {
    std::string_view name;
    std::optional<M> T::*member;
};
/// Clang 14 does not deduce aggregates' template arguments (P1816) by itself.
template <class T, class M>
field(std::string_view, std::optional<M> T::*) -> field<T, M>;

/// Specialised for each model; the primary template marks "not a model with fields".
template <class T>
inline constexpr std::nullptr_t fields_of = nullptr;

template <>
inline constexpr auto fields_of<api_message> = std::tuple{field{"message", &api_message::message}};

template <>
inline constexpr auto fields_of<user_create> =
    std::tuple{field{"name", &user_create::name},
               field{"familyName", &user_create::family_name},
               field{"email", &user_create::email},
               field{"mobile", &user_create::mobile},
               field{"loginId", &user_create::login_id},
               field{"givenName", &user_create::given_name},
               field{"istLevel", &user_create::ist_level},
               field{"preferredLanguage", &user_create::preferred_language},
               field{"trainingStartDate", &user_create::training_start_date},
               field{"trainingEndDate", &user_create::training_end_date}};

template <>
inline constexpr auto fields_of<user_activation_create> =
    std::tuple{field{"loginId", &user_activation_create::login_id}};

template <>
inline constexpr auto fields_of<details> =
    std::tuple{field{"coding", &details::coding}, field{"text", &details::text}};

template <>
inline constexpr auto fields_of<issue> = std::tuple{
    field{"severity", &issue::severity}, field{"code", &issue::code}, field{"details", &issue::details}};

template <>
inline constexpr auto fields_of<user_activation> = std::tuple{
    field{"resourceType", &user_activation::resource_type}, field{"issue", &user_activation::issue}};

template <>
inline constexpr auto fields_of<credentials> =
    std::tuple{field{"accessKey", &credentials::access_key}, field{"secret", &credentials::secret},
               field{"sessionToken", &credentials::session_token},
               field{"expiration", &credentials::expiration}};

template <>
inline constexpr auto fields_of<storage_config> =
    std::tuple{field{"bucket", &storage_config::bucket}, field{"key", &storage_config::key},
               field{"region", &storage_config::region}};

template <>
inline constexpr auto fields_of<storage> =
    std::tuple{field{"credentials", &storage::credentials}, field{"config", &storage::config}};

template <>
inline constexpr auto fields_of<contact> =
    std::tuple{field{"emailAddress", &contact::email_address}, field{"mobilePhone", &contact::mobile_phone}};

template <>
inline constexpr auto fields_of<organization_role> = std::tuple{
    field{"groups", &organization_role::groups}, field{"organizationId", &organization_role::organization_id},
    field{"organizationName", &organization_role::organization_name},
    field{"permissions", &organization_role::permissions}, field{"roles", &organization_role::roles}};

template <>
inline constexpr auto fields_of<profile> =
    std::tuple{field{"addresses", &profile::addresses},
               field{"contact", &profile::contact},
               field{"disabled", &profile::disabled},
               field{"familyName", &profile::family_name},
               field{"givenName", &profile::given_name},
               field{"organizationRoles", &profile::organization_roles},
               field{"preferredLanguage", &profile::preferred_language},
               field{"roles", &profile::roles}};

template <>
inline constexpr auto fields_of<user_settings> =
    std::tuple{field{"istLevel", &user_settings::ist_level},
               field{"preferredLanguage", &user_settings::preferred_language},
               field{"trainingStartDate", &user_settings::training_start_date},
               field{"trainingEndDate", &user_settings::training_end_date}};

template <>
inline constexpr auto fields_of<account_status> =
    std::tuple{field{"lastLoginTime", &account_status::last_login_time},
               field{"mfaStatus", &account_status::mfa_status},
               field{"emailVerified", &account_status::email_verified},
               field{"disabled", &account_status::disabled},
               field{"accountLockedOn", &account_status::account_locked_on},
               field{"accountLockedUntil", &account_status::account_locked_until},
               field{"numberOfInvalidAttempt", &account_status::number_of_invalid_attempt},
               field{"lastInvalidAttemptedOn", &account_status::last_invalid_attempted_on},
               field{"passwordExpiresOn", &account_status::password_expires_on},
               field{"passwordChangedOn", &account_status::password_changed_on}};

template <>
inline constexpr auto fields_of<user_info> =
    std::tuple{field{"loginId", &user_info::login_id}, field{"userUUID", &user_info::user_uuid},
               field{"profile", &user_info::profile}, field{"settings", &user_info::settings},
               field{"accountStatus", &user_info::account_status}};

template <>
inline constexpr auto fields_of<user_file> =
    std::tuple{field{"key", &user_file::key},
               field{"fileName", &user_file::file_name},
               field{"isCompleted", &user_file::is_completed},
               field{"isNew", &user_file::is_new},
               field{"uploadId", &user_file::upload_id},
               field{"progressPercentage", &user_file::progress_percentage},
               field{"type", &user_file::type},
               field{"fileSize", &user_file::file_size},
               field{"progressInBytes", &user_file::progress_in_bytes}};

template <class T>
concept has_fields = !std::is_same_v<std::remove_cv_t<decltype(fields_of<T>)>, std::nullptr_t>;

} // namespace igtcloud::entities::detail
