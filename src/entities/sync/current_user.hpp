#pragma once

// The part of a current user a sync compares, and its compact record in the spill file (internal).
//
//   user_info (GET /users) --current_of--> current_user --encode--> bytes --decode--> current_user
//
// Record payload: a kind byte, then for each member a presence byte and the value: strings as a 32-bit
// length and the bytes, dates as a 32-bit signed day count since 1970-01-01 (little-endian host order: the
// file never leaves the process). A `desired` record (a loginId that only the source has) holds its kind
// and loginId alone.

#include <igtcloud/entities/models.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::entities::detail {

/// The members of a user that a sync reads, as GET /users answered them.
struct current_user {
    std::optional<std::string> login_id{};
    std::optional<std::string> user_uuid{};
    std::optional<std::string> email{};             ///< profile.contact.emailAddress
    std::optional<std::string> given_name{};        ///< profile.givenName
    std::optional<std::string> family_name{};       ///< profile.familyName
    std::optional<std::string> mobile{};            ///< profile.contact.mobilePhone
    std::optional<std::string> profile_language{};  ///< profile.preferredLanguage
    std::optional<std::string> ist_level{};         ///< settings.istLevel
    std::optional<std::string> settings_language{}; ///< settings.preferredLanguage
    std::optional<date> training_start{};           ///< settings.trainingStartDate
    std::optional<date> training_end{};             ///< settings.trainingEndDate
    friend bool operator==(current_user const&, current_user const&) = default;
};

/// The X-Fields mask of GET /users that answers exactly the members of current_user.
extern char const* const current_user_mask;

/// The members of `u` that current_user keeps.
current_user current_of(user_info const& u);

/// What a record holds.
enum class record_kind : unsigned char {
    current = 1, ///< a user of the service (every member)
    desired = 2, ///< a loginId only the source has (login_id alone)
};

/// Appends the record payload of `u` to `out`.
void encode(record_kind kind, current_user const& u, std::string& out);

/// A decoded payload; nullopt when `bytes` is not a payload encode() wrote.
struct decoded_record {
    record_kind kind{};
    current_user user{};
};
std::optional<decoded_record> decode(std::string_view bytes);

/// The loginId of a payload without decoding the rest (nullopt: malformed, or no loginId).
std::optional<std::string_view> login_of(std::string_view bytes);

} // namespace igtcloud::entities::detail
