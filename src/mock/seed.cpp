// The users a mock server starts with: each token's, --user's and --service-key's user, then realistic
// generated users; and the callers' seeded files (--files-per-user, --file-bytes).
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mock/operations.hpp"
#include "mock/random.hpp"
#include "mock/zip_writer.hpp"

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

namespace igtcloud::mock::detail {
namespace {

/// `size` bytes of a fixed pseudo-random pattern (the same for every server).
std::shared_ptr<std::string const> pattern(std::uint64_t size)
{
    std::string bytes(static_cast<std::size_t>(size), '\0');
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        auto const word = splitmix64(0x1f2e3d4c5b6a7980ull, i / 8);
        for (std::size_t b = 0; b < 8 && i + b < bytes.size(); ++b)
            bytes[i + b] = static_cast<char>(word >> (8 * b));
    }
    return std::make_shared<std::string const>(std::move(bytes));
}

/// The loginIds of the callers: each token's, --user's and --service-key's user.
std::vector<std::string> caller_logins(options const& opts)
{
    std::vector<std::string> out;
    for (auto const& [token, login] : opts.tokens)
        out.push_back(login);
    for (auto const& [login, password] : opts.users)
        out.push_back(login);
    for (auto const& [sub, key_file] : opts.service_keys)
        out.push_back(sub);
    return out;
}

} // namespace

void seed_files(file_store& files, user_store const& users, options const& opts)
{
    if (opts.files_per_user == 0) return;
    if (opts.file_bytes >= 0xFFFFFFFFull)
        throw std::invalid_argument("--file-bytes: at most 4294967294 (the download's zip has no ZIP64)");
    auto const bytes = pattern(opts.file_bytes);
    auto const crc = crc32(*bytes);
    char key[40];
    for (auto const& login : caller_logins(opts)) {
        auto const r = users.record_by_login(login);
        if (!r) continue;
        for (std::size_t i = 1; i <= opts.files_per_user; ++i) {
            std::snprintf(key, sizeof key, "seed/file-%05zu.bin", i);
            files.put(*r->user.user_uuid, key, bytes, crc);
        }
    }
}

} // namespace igtcloud::mock::detail
