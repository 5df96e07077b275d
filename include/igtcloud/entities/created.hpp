#pragma once

// created<T>: the value of POST /users, which either creates a user (201) or finds the existing one (200).

namespace igtcloud::entities {

/// The answer of POST /users (users_api::async_post_users): the user, and whether the service created it
/// (201 Created) or found an existing user with that loginId and onboarded it (200 OK).
/// A plain value: copy, compare and move it freely; thread safety as for any value type.
template <class T>
struct created {
    T value{};     ///< the user as the service answered it
    bool is_new{}; ///< true: 201 Created; false: 200 OK, an existing user
};

} // namespace igtcloud::entities
