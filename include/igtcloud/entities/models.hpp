#pragma once

// The Users API's wire models: one struct per definition of the Swagger spec.
//
// Every member is optional, since X-Fields masks and older servers omit members. Member names are the
// spec's names in snake_case; the JSON names (camelCase) are written once, in the library's field tables.
// Reading ignores unknown members and treats `null` like a missing member; writing omits absent members.
// Thread safety: plain values.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace boost::json {
class value;
struct value_from_tag;
template <class T>
struct value_to_tag;
} // namespace boost::json

namespace igtcloud::entities {

/// A `date-time` of the spec: RFC 3339 on the wire (any offset in, UTC out), kept to microseconds.
using date_time = std::chrono::sys_time<std::chrono::microseconds>;
/// A `date` of the spec: `YYYY-MM-DD` on the wire.
using date = std::chrono::year_month_day;

/// 4xxMessage: the body of an error answer.
struct api_message {
    std::optional<std::string> message{};
    friend bool operator==(api_message const&, api_message const&) = default;
};

/// UserCreateModel: the body of POST /users and PUT /users/{user_uuid}.
struct user_create {
    std::optional<std::string> name{};
    std::optional<std::string> family_name{};
    std::optional<std::string> email{};
    std::optional<std::string> mobile{};
    std::optional<std::string> login_id{};
    friend bool operator==(user_create const&, user_create const&) = default;
};

/// UserActivationCreateModel: the body of POST $resend-activation and $mfa-reset.
struct user_activation_create {
    std::optional<std::string> login_id{};
    friend bool operator==(user_activation_create const&, user_activation_create const&) = default;
};

/// CodingModel: a free-form JSON object, kept whole as compact JSON text (parse it with any JSON library).
/// Reading refuses anything but an object; writing refuses text that is not a JSON object.
struct coding {
    std::string json{"{}"};
    friend bool operator==(coding const&, coding const&) = default;
};

/// DetailsModel.
struct details {
    std::optional<entities::coding> coding{};
    std::optional<std::string> text{};
    friend bool operator==(details const&, details const&) = default;
};

/// IssueModel: one entry of an OperationOutcome-style answer.
struct issue {
    std::optional<std::string> severity{};
    std::optional<std::string> code{};
    std::optional<entities::details> details{};
    friend bool operator==(issue const&, issue const&) = default;
};

/// UserActivationModel: the answer of POST $resend-activation.
struct user_activation {
    std::optional<std::string> resource_type{};
    std::optional<std::vector<entities::issue>> issue{};
    friend bool operator==(user_activation const&, user_activation const&) = default;
};

/// CredentialsModel: temporary storage credentials. Secret: never logged by the library.
struct credentials {
    std::optional<std::string> access_key{};
    std::optional<std::string> secret{};
    std::optional<std::string> session_token{};
    std::optional<date_time> expiration{};
    friend bool operator==(credentials const&, credentials const&) = default;
};

/// ConfigModel: where the user's storage lives.
struct storage_config {
    std::optional<std::string> bucket{};
    std::optional<std::string> key{};
    std::optional<std::string> region{};
    friend bool operator==(storage_config const&, storage_config const&) = default;
};

/// StorageModel: the answer of GET /users/$storage.
struct storage {
    std::optional<entities::credentials> credentials{};
    std::optional<storage_config> config{};
    friend bool operator==(storage const&, storage const&) = default;
};

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

namespace detail {
template <class T, class... Ts>
inline constexpr bool is_one_of_v = (std::is_same_v<T, Ts> || ...);

template <class T>
inline constexpr bool is_model_v =
    is_one_of_v<T, api_message, user_create, user_activation_create, coding, details, issue, user_activation,
                credentials, storage_config, storage, contact, organization_role, profile, user_settings,
                account_status, user_info>;

/// The JSON codec of one model (or of std::vector<user_info>), compiled once in the library.
template <class T>
struct IGTCLOUD_ENTITIES_DECL codec {
    static void to_json(boost::json::value& out, T const& v); // throws std::invalid_argument (see encode)
    static T from_json(boost::json::value const& v);          // throws api_exception
    static api_result<T> decode(std::string_view text) noexcept;
    static std::string encode(T const& v);
};
} // namespace detail

template <class T>
concept model = detail::is_model_v<T>;
template <class T>
concept decodable = model<T> || std::is_same_v<T, std::vector<user_info>>;

/// Parses JSON text into a model (or `std::vector<user_info>`). Never throws: a syntax error or a member of
/// the wrong type gives `error::invalid_response` whose message names the JSON path, e.g.
/// `profile.organizationRoles[1].roles: expected an array, got a string`.
template <decodable T>
api_result<T> decode(std::string_view json) noexcept
{
    return detail::codec<T>::decode(json);
}

/// Writes a model as compact JSON with the spec's member names; absent members are omitted.
/// Throws std::invalid_argument for a `coding` whose text is not a JSON object, or a date outside years
/// 0–9999.
template <decodable T>
std::string encode(T const& value)
{
    return detail::codec<T>::encode(value);
}

/// `boost::json::value_from` support for every model (see encode).
template <model T>
void tag_invoke(boost::json::value_from_tag const&, boost::json::value& out, T const& v)
{
    detail::codec<T>::to_json(out, v);
}

/// `boost::json::value_to` support for every model: throws api_exception (error::invalid_response, with the
/// JSON path) on a mismatch.
template <model T>
T tag_invoke(boost::json::value_to_tag<T> const&, boost::json::value const& v)
{
    return detail::codec<T>::from_json(v);
}

} // namespace igtcloud::entities
