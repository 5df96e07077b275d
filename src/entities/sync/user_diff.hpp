#pragma once

// The diff of a sync (internal): a desired user_create against a current user, as pure functions.
//
//   (user_create desired, current_user current) --differing_paths--> ["profile.givenName", ...]
//   (user_create desired, current_user current) --put_body--> the PUT /users/{userUUID} body
//
// Only the members the desired user gives are compared; an absent one means "leave as is". A given member
// differs when the current value is absent or different:
//   name, givenName     -> profile.givenName (both compared when both are given)
//   familyName          -> profile.familyName
//   email               -> profile.contact.emailAddress, ASCII case-insensitively
//   mobile              -> profile.contact.mobilePhone
//   preferredLanguage   -> profile.preferredLanguage and settings.preferredLanguage (each)
//   istLevel            -> settings.istLevel
//   trainingStartDate   -> settings.trainingStartDate: the date-time's UTC day against the date
//   trainingEndDate     -> settings.trainingEndDate: likewise
// loginId is the key (matched exactly before the diff), not compared.

#include <igtcloud/entities/models.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "entities/sync/current_user.hpp"

namespace igtcloud::entities::detail {

/// Whether two e-mail addresses are equal ignoring ASCII case.
bool same_email(std::string_view a, std::string_view b) noexcept;

/// The JSON paths (of user_info) whose current values differ from what `desired` gives, in the order of
/// sync_plan_item::changes, each at most once. Empty: unchanged.
std::vector<std::string> differing_paths(user_create const& desired, current_user const& current);

/// The body of the PUT that makes `current` what `desired` gives, leaving the rest as is under both replace
/// and merge semantics: every member `desired` gives, and for the others the current value (the given name
/// in both `name` and `givenName`, the dates as midnight UTC). preferredLanguage, when not given, is sent
/// only when the profile's and the settings' agree (one value cannot keep two different ones).
user_create put_body(user_create const& desired, current_user const& current);

} // namespace igtcloud::entities::detail
