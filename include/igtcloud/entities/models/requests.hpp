#pragma once

// Request bodies (UserCreateModel, UserActivationCreateModel) and the 4xxMessage error body.
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

/// UserCreateModel: the body of POST /users and PUT /users/{user_uuid}.
struct IGTCLOUD_ENTITIES_DECL user_create {
    std::optional<std::string> name{};        ///< `name`: the given name
    std::optional<std::string> family_name{}; ///< `familyName`
    std::optional<std::string> email{};       ///< `email`
    std::optional<std::string> mobile{};      ///< `mobile`: phone number
    std::optional<std::string> login_id{};    ///< `loginId`: the user's login, usually an e-mail address
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
