// The users a mock server starts with: each token's, --user's and --service-key's user, then realistic
// generated users.
#include <array>
#include <chrono>
#include <cstdio>

#include "mock/operations.hpp"

namespace igtcloud::mock::detail {
namespace {

using namespace std::chrono;

constexpr std::array<char const*, 8> given_names{"Ada",     "Grace",  "Alan",    "Edsger",
                                                 "Barbara", "Donald", "Frances", "Niklaus"};
constexpr std::array<char const*, 8> family_names{"Lovelace", "Hopper", "Turing", "Dijkstra",
                                                  "Liskov",   "Knuth",  "Allen",  "Wirth"};

entities::organization_role hospital_role(std::size_t k, char const* role)
{
    auto const id = std::to_string(k);
    return entities::organization_role{
        .groups = std::vector<std::string>{"clinicians", "site-" + id},
        .organization_id = "org-" + id,
        .organization_name = "Saint Elsewhere Hospital " + id,
        .permissions = std::vector<std::string>{"USER.READ", "STUDY.READ", "STUDY.WRITE", "DEVICE.READ"},
        .roles = std::vector<std::string>{role}};
}

// A user with every part of the model filled, about 1.2 KB of JSON: what the real service answers.
entities::user_info realistic_user(std::string login, std::size_t i)
{
    entities::user_info user;
    user.login_id = login;
    auto& p = user.profile.emplace();
    p.addresses = std::vector<std::string>{std::to_string(10 + i % 90) + " Main Street, Springfield"};
    p.contact = entities::contact{.email_address = std::move(login), .mobile_phone = "+31 6 1234 5678"};
    p.disabled = false;
    p.given_name = given_names[i % given_names.size()];
    p.family_name = family_names[(i / given_names.size()) % family_names.size()];
    p.organization_roles = std::vector<entities::organization_role>{hospital_role(i % 17, "CLINICIAN"),
                                                                    hospital_role(100 + i % 5, "REVIEWER")};
    p.preferred_language = "en-US";
    p.roles = std::vector<std::string>{"USER"};
    auto const day = sys_days{year{2024} / January / 1} + days{i % 365};
    user.settings = entities::user_settings{.ist_level = "2",
                                            .preferred_language = "en",
                                            .training_start_date = year_month_day{day},
                                            .training_end_date = year{2025} / December / 31};
    user.account_status = entities::account_status{.last_login_time = day + hours{9} + minutes{i % 60},
                                                   .mfa_status = "ENROLLED",
                                                   .email_verified = true,
                                                   .disabled = false,
                                                   .number_of_invalid_attempt = 0,
                                                   .password_expires_on = day + days{180},
                                                   .password_changed_on = day};
    return user;
}

entities::user_info admin_user(std::string login)
{
    auto user = realistic_user(std::move(login), 0);
    user.profile->given_name = "Admin";
    user.profile->family_name = "Istrator";
    user.profile->roles = std::vector<std::string>{"ADMIN", "USER"};
    user.profile->organization_roles->front().roles = std::vector<std::string>{"ADMIN"};
    return user;
}

} // namespace

void seed_users(user_store& store, options const& opts, std::size_t count)
{
    for (auto const& [token, login] : opts.tokens)
        store.insert(login == "admin@example.org" ? admin_user(login) : realistic_user(login, 1));
    for (auto const& [login, password] : opts.users)
        store.insert(realistic_user(login, 1));
    for (auto const& [sub, key_file] : opts.service_keys)
        store.insert(realistic_user(sub, 2));
    char login[40];
    for (std::size_t i = 1; i <= count; ++i) {
        std::snprintf(login, sizeof login, "user%05zu@example.org", i);
        store.insert(realistic_user(login, i));
    }
}

} // namespace igtcloud::mock::detail
