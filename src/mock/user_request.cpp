// The mock's reading of create/update bodies: the seed's UserCreateModel or the 2023 UserRequest.
#include "mock/user_request.hpp"

#include <cctype>
#include <chrono>
#include <string>

#include "entities/json_decoder.hpp"
#include "mock/operations.hpp"

namespace igtcloud::mock::detail {

/// The 2023 spec's UserRequest, as the mock reads it.
struct user_request {
    std::optional<std::string> given_name{};
    std::optional<std::string> family_name{};
    std::optional<std::string> email{};
    std::optional<std::string> login_id{};
    std::optional<std::string> ist_level{};
    std::optional<std::string> preferred_language{};
    std::optional<entities::date_time> training_start_date{};
    std::optional<entities::date_time> training_end_date{};
};

} // namespace igtcloud::mock::detail

namespace igtcloud::entities::detail {

template <>
inline constexpr auto fields_of<mock::detail::user_request> =
    std::tuple{field{"givenName", &mock::detail::user_request::given_name},
               field{"familyName", &mock::detail::user_request::family_name},
               field{"email", &mock::detail::user_request::email},
               field{"loginId", &mock::detail::user_request::login_id},
               field{"istLevel", &mock::detail::user_request::ist_level},
               field{"preferredLanguage", &mock::detail::user_request::preferred_language},
               field{"trainingStartDate", &mock::detail::user_request::training_start_date},
               field{"trainingEndDate", &mock::detail::user_request::training_end_date}};

} // namespace igtcloud::entities::detail

namespace igtcloud::mock::detail {
namespace {

bool is_json_content_type(std::string_view content_type)
{
    constexpr std::string_view json = "application/json";
    if (content_type.size() < json.size()) return false;
    for (std::size_t i = 0; i < json.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(content_type[i])) != json[i]) return false;
    auto const rest = content_type.substr(json.size());
    return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

answer missing(std::string_view member)
{
    return message_answer(400, "Input payload validation failed: '" + std::string(member) +
                                   "' is a required property");
}

std::optional<entities::date> day_of(std::optional<entities::date_time> const& t)
{
    if (!t) return std::nullopt;
    return entities::date{std::chrono::floor<std::chrono::days>(*t)};
}

std::optional<answer> check_email(std::optional<std::string> const& email)
{
    if (!email) return missing("email");
    if (email->find('@') == std::string::npos)
        return message_answer(400, "Input payload validation failed: 'email' is not an email address");
    return std::nullopt;
}

std::optional<answer> read_2023(request_view const& request, user_fields& out)
{
    user_request body;
    if (auto failed = read_body(request, body)) return failed;
    if (auto failed = check_email(body.email)) return failed;
    if (!body.given_name) return missing("givenName");
    if (!body.family_name) return missing("familyName");
    out = user_fields{.login_id = std::move(body.login_id),
                      .email = std::move(body.email),
                      .given_name = std::move(body.given_name),
                      .family_name = std::move(body.family_name),
                      .ist_level = std::move(body.ist_level),
                      .preferred_language = std::move(body.preferred_language),
                      .training_start_date = day_of(body.training_start_date),
                      .training_end_date = day_of(body.training_end_date)};
    return std::nullopt;
}

} // namespace

template <class T>
std::optional<answer> read_body(request_view const& request, T& out)
{
    if (!is_json_content_type(request.content_type))
        return message_answer(400, "Content-Type must be application/json");
    auto decoded = entities::detail::decode_document<T>(request.body);
    if (!decoded) return message_answer(400, "Input payload validation failed: " + decoded.error().message);
    if (!decoded->login_id || decoded->login_id->empty()) return missing("loginId");
    out = std::move(*decoded);
    return std::nullopt;
}

template std::optional<answer> read_body(request_view const&, entities::user_create&);
template std::optional<answer> read_body(request_view const&, entities::user_activation_create&);

std::optional<answer> read_user_fields(request_view const& request, api_version api, user_fields& out)
{
    if (api == api_version::v2023) return read_2023(request, out);
    entities::user_create body;
    if (auto failed = read_body(request, body)) return failed;
    if (auto failed = check_email(body.email)) return failed;
    out = fields_of_seed(body);
    return std::nullopt;
}

} // namespace igtcloud::mock::detail
