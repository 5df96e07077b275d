#pragma once

// UserActivationModel and its parts: what POST /users/$resend-activation answers.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <optional>
#include <string>
#include <vector>

namespace igtcloud::entities {

/// CodingModel: a free-form JSON object, kept whole as compact JSON text (parse it with any JSON library).
/// Reading refuses anything but an object; writing refuses text that is not a JSON object.
struct IGTCLOUD_ENTITIES_DECL coding {
    std::string json{"{}"}; ///< the object as compact JSON text; `{}` when empty
    /// Member-wise equality.
    friend bool operator==(coding const&, coding const&) = default;
};

/// DetailsModel: the details of an issue.
struct IGTCLOUD_ENTITIES_DECL details {
    std::optional<entities::coding> coding{}; ///< `coding`: a free-form object
    std::optional<std::string> text{};        ///< `text`: human-readable detail
    /// Member-wise equality.
    friend bool operator==(details const&, details const&) = default;
};

/// IssueModel: one entry of an OperationOutcome-style answer.
struct IGTCLOUD_ENTITIES_DECL issue {
    std::optional<std::string> severity{};      ///< `severity`, e.g. "information" or "error"
    std::optional<std::string> code{};          ///< `code`, e.g. "informational"
    std::optional<entities::details> details{}; ///< `details`
    /// Member-wise equality.
    friend bool operator==(issue const&, issue const&) = default;
};

/// UserActivationModel: the answer of POST $resend-activation.
struct IGTCLOUD_ENTITIES_DECL user_activation {
    std::optional<std::string> resource_type{};          ///< `resourceType`, e.g. "OperationOutcome"
    std::optional<std::vector<entities::issue>> issue{}; ///< `issue`: what happened
    /// Member-wise equality.
    friend bool operator==(user_activation const&, user_activation const&) = default;
};

} // namespace igtcloud::entities
