#pragma once

// The create/update body of POST /users and PUT /users/{user_uuid}, read as the server's spec version
// (options::api) demands: the seed's UserCreateModel or the 2023 UserRequest, into the store's user_fields.

#include <optional>

#include "mock/service.hpp"

namespace igtcloud::mock::detail {

/// Reads the body into `out`, or the 400 answer that says why not (a message naming the missing or wrong
/// member). Seed: loginId and email (with '@') required. 2023: givenName, familyName, email and loginId
/// required, and the date-times trainingStartDate / trainingEndDate kept as the dates of their UTC day.
std::optional<answer> read_user_fields(request_view const& request, api_version api, user_fields& out);

/// A JSON object body decoded into T through the library's lenient mapper, or the 400 answer that says why
/// not (Content-Type, syntax, a member of the wrong type, a missing loginId).
template <class T>
std::optional<answer> read_body(request_view const& request, T& out);

} // namespace igtcloud::mock::detail
