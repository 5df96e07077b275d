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

} // namespace igtcloud::entities
