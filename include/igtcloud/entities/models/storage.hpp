#pragma once

// StorageModel and its parts: what GET /users/$storage answers.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <optional>
#include <string>
#include <vector>

namespace igtcloud::entities {

/// CredentialsModel: temporary storage credentials. Secret: never logged by the library.
struct IGTCLOUD_ENTITIES_DECL credentials {
    std::optional<std::string> access_key{};    ///< `accessKey`
    std::optional<std::string> secret{};        ///< `secret`: the secret access key
    std::optional<std::string> session_token{}; ///< `sessionToken`
    std::optional<date_time> expiration{};      ///< `expiration`: when the credentials stop working
    /// Member-wise equality.
    friend bool operator==(credentials const&, credentials const&) = default;
};

/// ConfigModel: where the user's storage lives.
struct IGTCLOUD_ENTITIES_DECL storage_config {
    std::optional<std::string> bucket{}; ///< `bucket`
    std::optional<std::string> key{};    ///< `key`: the user's key prefix in the bucket
    std::optional<std::string> region{}; ///< `region`
    /// Member-wise equality.
    friend bool operator==(storage_config const&, storage_config const&) = default;
};

/// StorageModel: the answer of GET /users/$storage.
struct IGTCLOUD_ENTITIES_DECL storage {
    std::optional<entities::credentials> credentials{}; ///< `credentials` (secret)
    std::optional<storage_config> config{};             ///< `config`: where to use them
    /// Member-wise equality.
    friend bool operator==(storage const&, storage const&) = default;
};

} // namespace igtcloud::entities
