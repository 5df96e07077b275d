// The diff of a sync: see user_diff.hpp.
#include "entities/sync/user_diff.hpp"

#include <chrono>
#include <optional>

namespace igtcloud::entities::detail {
namespace {

char lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// A given member differs when the current one is absent or not equal.
bool differs(std::optional<std::string> const& given, std::optional<std::string> const& now)
{
    return given && (!now || *given != *now);
}

std::optional<date> day_of(std::optional<date_time> const& t)
{
    if (!t) return std::nullopt;
    return date{std::chrono::floor<std::chrono::days>(*t)};
}

bool differs(std::optional<date_time> const& given, std::optional<date> const& now)
{
    return given && (!now || *day_of(given) != *now);
}

std::optional<date_time> midnight_of(std::optional<date> const& d)
{
    if (!d) return std::nullopt;
    return date_time{std::chrono::sys_days{*d}};
}

} // namespace

bool same_email(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::vector<std::string> differing_paths(user_create const& d, current_user const& c)
{
    std::vector<std::string> out;
    auto add = [&out](bool differ, char const* path) {
        if (differ) out.emplace_back(path);
    };
    add(differs(d.name, c.given_name) || differs(d.given_name, c.given_name), "profile.givenName");
    add(differs(d.family_name, c.family_name), "profile.familyName");
    add(d.email && (!c.email || !same_email(*d.email, *c.email)), "profile.contact.emailAddress");
    add(differs(d.mobile, c.mobile), "profile.contact.mobilePhone");
    add(differs(d.preferred_language, c.profile_language), "profile.preferredLanguage");
    add(differs(d.ist_level, c.ist_level), "settings.istLevel");
    add(differs(d.preferred_language, c.settings_language), "settings.preferredLanguage");
    add(differs(d.training_start_date, c.training_start), "settings.trainingStartDate");
    add(differs(d.training_end_date, c.training_end), "settings.trainingEndDate");
    return out;
}

user_create put_body(user_create const& d, current_user const& c)
{
    auto const given = d.given_name ? d.given_name : d.name ? d.name : c.given_name;
    auto language = d.preferred_language;
    if (!language && c.profile_language == c.settings_language) language = c.profile_language;
    return user_create{
        .name = d.name ? d.name : given,
        .family_name = d.family_name ? d.family_name : c.family_name,
        .email = d.email ? d.email : c.email,
        .mobile = d.mobile ? d.mobile : c.mobile,
        .login_id = d.login_id ? d.login_id : c.login_id,
        .given_name = given,
        .ist_level = d.ist_level ? d.ist_level : c.ist_level,
        .preferred_language = language,
        .training_start_date = d.training_start_date ? d.training_start_date : midnight_of(c.training_start),
        .training_end_date = d.training_end_date ? d.training_end_date : midnight_of(c.training_end)};
}

} // namespace igtcloud::entities::detail
