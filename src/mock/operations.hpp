#pragma once

// The ten operations of the mock service, each a function of an already routed, authenticated request.
// Bodies are unmasked JSON text; the service applies X-Fields masks afterwards.

#include <string_view>

#include "mock/service.hpp"

namespace igtcloud::mock::detail {

/// A routed, authenticated request.
struct op_input {
    user_store& store;
    request_view const& request;
    std::string_view caller_login{}; ///< the token's user
    std::string_view user_uuid{};    ///< the decoded {user_uuid} segment, when the route has one
    std::string_view region{};       ///< the decoded `region` query parameter
    bool has_region{};
};

answer get_me(op_input const& in);
answer get_user(op_input const& in);
answer get_users(op_input const& in);
answer get_user_storage(op_input const& in);
answer post_users(op_input const& in);
answer put_user(op_input const& in);
answer delete_user(op_input const& in);
answer post_resend_activation(op_input const& in);
answer post_reset_mfa(op_input const& in);
answer post_user_profile(op_input const& in);

/// `{"message": "..."}` with the given status.
answer message_answer(unsigned status, std::string_view message);

/// The users every server starts with: each token's user (the admin for the default token), each --user
/// login and --service-key subject, then `count` realistic users named user00001@example.org, ...
void seed_users(user_store& store, options const& opts, std::size_t count);

} // namespace igtcloud::mock::detail
