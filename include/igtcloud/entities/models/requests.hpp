#pragma once

// Request bodies (UserCreateModel / UserRequest, UserActivationCreateModel) and the 4xxMessage error body.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <optional>
#include <string>
#include <vector>

namespace igtcloud::entities {

/// 4xxMessage: the body of an error answer.
struct IGTCLOUD_ENTITIES_DECL api_message {
    std::optional<std::string> message{}; ///< `message`: the server's text (untrusted)
    /// Member-wise equality.
    friend bool operator==(api_message const&, api_message const&) = default;
};

/// The body of POST /users and PUT /users/{user_uuid}: the seed spec's UserCreateModel and the 2023 spec's
/// UserRequest in one struct. Seed members: name, family_name, email, mobile, login_id. 2023 members:
/// given_name, family_name, email, login_id (the four the 2023 spec requires), ist_level, preferred_language,
/// training_start_date, training_end_date. Absent members are omitted from the body, so a caller fills the
/// members of the spec its service follows (a seed-version service ignores the 2023 ones, and the reverse).
struct IGTCLOUD_ENTITIES_DECL user_create {
    std::optional<std::string> name{};        ///< `name` (seed): the given name
    std::optional<std::string> family_name{}; ///< `familyName` (both; required by 2023)
    std::optional<std::string> email{};       ///< `email` (both; required by 2023)
    std::optional<std::string> mobile{};      ///< `mobile` (seed): phone number
    std::optional<std::string> login_id{}; ///< `loginId` (both; required by 2023): usually an e-mail address
    std::optional<std::string> given_name{};         ///< `givenName` (2023, required)
    std::optional<std::string> ist_level{};          ///< `istLevel` (2023): the training level
    std::optional<std::string> preferred_language{}; ///< `preferredLanguage` (2023), e.g. "en"
    std::optional<date_time> training_start_date{};  ///< `trainingStartDate` (2023, date-time)
    std::optional<date_time> training_end_date{};    ///< `trainingEndDate` (2023, date-time)
    /// Member-wise equality.
    friend bool operator==(user_create const&, user_create const&) = default;
};

/// UserActivationCreateModel: the body of POST $resend-activation and $mfa-reset.
struct IGTCLOUD_ENTITIES_DECL user_activation_create {
    std::optional<std::string> login_id{}; ///< `loginId`: whose activation or MFA to reset
    /// Member-wise equality.
    friend bool operator==(user_activation_create const&, user_activation_create const&) = default;
};

} // namespace igtcloud::entities
