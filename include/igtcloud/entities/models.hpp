#pragma once

// The Users API's wire models (one struct per definition of the Swagger spec, in models/) and their JSON
// codec: decode/encode, and boost::json::value_from / value_to support.
//
// Reading ignores unknown members and treats `null` like a missing member; writing omits absent members.
// The codec is compiled once, in the library; this header holds only one-line templates over it.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/models/activation.hpp>
#include <igtcloud/entities/models/common.hpp>
#include <igtcloud/entities/models/requests.hpp>
#include <igtcloud/entities/models/storage.hpp>
#include <igtcloud/entities/models/user_file.hpp>
#include <igtcloud/entities/models/user_info.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace boost::json {
class value;
struct value_from_tag;
template <class T>
struct value_to_tag;
} // namespace boost::json

namespace igtcloud::entities {

namespace detail {
template <class T, class... Ts>
inline constexpr bool is_one_of_v = (std::is_same_v<T, Ts> || ...);

template <class T>
inline constexpr bool is_model_v =
    is_one_of_v<T, api_message, user_create, user_activation_create, coding, details, issue, user_activation,
                credentials, storage_config, storage, contact, organization_role, profile, user_settings,
                account_status, user_info, user_file>;

/// The JSON codec of one model (or of std::vector<user_info> or std::vector<user_file>), compiled once in the
/// library.
template <class T>
struct IGTCLOUD_ENTITIES_DECL codec {
    static void to_json(boost::json::value& out, T const& v); // throws std::invalid_argument (see encode)
    static T from_json(boost::json::value const& v);          // throws api_exception
    static api_result<T> decode(std::string_view text) noexcept;
    static std::string encode(T const& v);
};
} // namespace detail

/// The wire models: the structs of models/ (api_message, user_create, ..., user_info, user_file).
template <class T>
concept model = detail::is_model_v<T>;
/// What decode and encode accept: a model, `std::vector<user_info>` (the answer of GET /users) or
/// `std::vector<user_file>` (the answer of GET /users/files).
template <class T>
concept decodable =
    model<T> || std::is_same_v<T, std::vector<user_info>> || std::is_same_v<T, std::vector<user_file>>;

/// Parses JSON text into a model (or one of the two vectors of decodable). Never throws: a syntax error or a
/// member of the wrong type gives `error::invalid_response` whose message names the JSON path, e.g.
/// `profile.organizationRoles[1].roles: expected an array, got a string`.
template <decodable T>
api_result<T> decode(std::string_view json) noexcept
{
    return detail::codec<T>::decode(json);
}

/// Writes a model as compact JSON with the spec's member names; absent members are omitted.
/// Throws std::invalid_argument for a `coding` whose text is not a JSON object, or a date outside years
/// 0–9999.
template <decodable T>
std::string encode(T const& value)
{
    return detail::codec<T>::encode(value);
}

/// `boost::json::value_from` support for every model (see encode).
template <model T>
void tag_invoke(boost::json::value_from_tag const&, boost::json::value& out, T const& v)
{
    detail::codec<T>::to_json(out, v);
}

/// `boost::json::value_to` support for every model: throws api_exception (error::invalid_response, with the
/// JSON path) on a mismatch.
template <model T>
T tag_invoke(boost::json::value_to_tag<T> const&, boost::json::value const& v)
{
    return detail::codec<T>::from_json(v);
}

} // namespace igtcloud::entities
