#pragma once

// The fourteen operations of the mock service (the seed's ten in operations.cpp, the 2023 spec's four in
// files_operations.cpp), each a function of an already routed, authenticated request.
// Bodies are unmasked JSON text; the service applies X-Fields masks afterwards.

#include <string_view>

#include "mock/file_store.hpp"
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
    file_store& files;
    api_version api{api_version::seed}; ///< which spec's create/update body to demand
    std::string_view query{};           ///< the raw query string (after '?'), e.g. for DELETE /users/files
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
answer get_user_files(op_input const& in);
answer delete_user_files(op_input const& in);
answer download_user_files(op_input const& in);
answer delete_training_settings(op_input const& in);

/// RFC 3986 percent-decoding of `in` into `out` ('+' a space too when `plus_is_space`, as in query strings
/// read the way Werkzeug does); false on a broken escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = false);

/// `{"message": "..."}` with the given status.
answer message_answer(unsigned status, std::string_view message);

/// The users every server starts with: each token's user (the admin for the default token), each --user
/// login and --service-key subject, then `count` realistic users named user00001@example.org, ...
void seed_users(user_store& store, options const& opts, std::size_t count);

/// options::files_per_user files of options::file_bytes bytes each (one shared buffer) for each token's,
/// --user's and --service-key's user.
void seed_files(file_store& files, user_store const& users, options const& opts);

} // namespace igtcloud::mock::detail
