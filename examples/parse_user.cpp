// parse_user: decode a Users API answer into the models, read it, write it back, and see what a
// malformed answer gives. (The README's first command runs this until batch provisioning exists.)
#include <igtcloud/entities.hpp>

#include <iostream>

namespace entities = igtcloud::entities;

namespace {

constexpr char const* sample_user = R"({
  "loginId": "ada.lovelace@example.org",
  "userUUID": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "profile": {
    "givenName": "Ada", "familyName": "Lovelace", "preferredLanguage": "en-GB",
    "contact": {"emailAddress": "ada.lovelace@example.org", "mobilePhone": "+44 20 7946 0000"},
    "organizationRoles": [
      {"organizationId": "org-1", "organizationName": "Analytical Engines", "roles": ["admin", "reviewer"]}
    ]
  },
  "settings": {"trainingStartDate": "2024-03-01"},
  "accountStatus": {"lastLoginTime": "2024-05-06T07:08:09.123456+02:00", "emailVerified": true,
                    "numberOfInvalidAttempt": 0},
  "somethingNewerServersSend": {"ignored": true}
})";

constexpr char const* malformed_user = R"({"profile": {"organizationRoles": [{}, {"roles": "admin"}]}})";

} // namespace

int main()
{
    auto user = entities::decode<entities::user_info>(sample_user);
    if (!user) {
        std::cerr << user.error().to_string() << '\n';
        return 1;
    }
    auto const& profile = *user->profile;
    std::cout << "login id    : " << user->login_id.value_or("-") << '\n'
              << "name        : " << profile.given_name.value_or("") << ' '
              << profile.family_name.value_or("") << '\n'
              << "roles       : " << profile.organization_roles->at(0).roles->size() << " in "
              << profile.organization_roles->at(0).organization_name.value_or("?") << '\n'
              << "last login  : " << user->account_status->last_login_time->time_since_epoch().count()
              << " us since the epoch (UTC)\n"
              << "as JSON     : " << entities::encode(*user) << '\n';

    auto bad = entities::decode<entities::user_info>(malformed_user);
    std::cout << "malformed   : " << bad.error().message << " (" << bad.error().code.message() << ", "
              << (bad.error().code == entities::error::invalid_response ? "invalid_response" : "?") << ")\n";
    return bad ? 1 : 0;
}
