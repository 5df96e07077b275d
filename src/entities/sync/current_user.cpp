// A current user's compact record: see current_user.hpp.
#include "entities/sync/current_user.hpp"

#include <chrono>
#include <cstdint>
#include <cstring>

namespace igtcloud::entities::detail {

char const* const current_user_mask =
    "{loginId,userUUID,profile{givenName,familyName,preferredLanguage,contact{emailAddress,mobilePhone}},"
    "settings{istLevel,preferredLanguage,trainingStartDate,trainingEndDate}}";

current_user current_of(user_info const& u)
{
    current_user c{.login_id = u.login_id, .user_uuid = u.user_uuid};
    if (u.profile) {
        auto const& p = *u.profile;
        c.given_name = p.given_name;
        c.family_name = p.family_name;
        c.profile_language = p.preferred_language;
        if (p.contact) {
            c.email = p.contact->email_address;
            c.mobile = p.contact->mobile_phone;
        }
    }
    if (u.settings) {
        c.ist_level = u.settings->ist_level;
        c.settings_language = u.settings->preferred_language;
        c.training_start = u.settings->training_start_date;
        c.training_end = u.settings->training_end_date;
    }
    return c;
}

namespace {

template <class Int>
void put(std::string& out, Int v)
{
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

void put(std::string& out, std::optional<std::string> const& s)
{
    out += static_cast<char>(s ? 1 : 0);
    if (!s) return;
    put(out, static_cast<std::uint32_t>(s->size()));
    out += *s;
}

void put(std::string& out, std::optional<date> const& d)
{
    out += static_cast<char>(d ? 1 : 0);
    if (d) put(out, static_cast<std::int32_t>(std::chrono::sys_days{*d}.time_since_epoch().count()));
}

/// Reads a payload front to back; any overrun marks it bad.
struct reader {
    std::string_view in;
    bool bad{};

    template <class Int>
    Int take()
    {
        Int v{};
        if (in.size() < sizeof v) {
            bad = true;
            return v;
        }
        std::memcpy(&v, in.data(), sizeof v);
        in.remove_prefix(sizeof v);
        return v;
    }
    bool present()
    {
        auto const flag = take<unsigned char>();
        if (flag > 1) bad = true;
        return flag == 1 && !bad;
    }
    std::optional<std::string_view> view()
    {
        if (!present()) return std::nullopt;
        auto const n = take<std::uint32_t>();
        if (bad || in.size() < n) {
            bad = true;
            return std::nullopt;
        }
        auto const s = in.substr(0, n);
        in.remove_prefix(n);
        return s;
    }
    void get(std::optional<std::string>& s)
    {
        if (auto v = view()) s.emplace(*v);
    }
    void get(std::optional<date>& d)
    {
        if (!present()) return;
        auto const days = take<std::int32_t>();
        if (!bad) d = date{std::chrono::sys_days{std::chrono::days{days}}};
    }
};

} // namespace

void encode(record_kind kind, current_user const& u, std::string& out)
{
    out += static_cast<char>(kind);
    put(out, u.login_id);
    if (kind == record_kind::desired) return;
    for (auto const* s : {&u.user_uuid, &u.email, &u.given_name, &u.family_name, &u.mobile,
                          &u.profile_language, &u.ist_level, &u.settings_language})
        put(out, *s);
    put(out, u.training_start);
    put(out, u.training_end);
}

std::optional<decoded_record> decode(std::string_view bytes)
{
    reader r{bytes};
    decoded_record out;
    auto const kind = r.take<unsigned char>();
    if (kind != static_cast<unsigned char>(record_kind::current) &&
        kind != static_cast<unsigned char>(record_kind::desired))
        return std::nullopt;
    out.kind = static_cast<record_kind>(kind);
    auto& u = out.user;
    r.get(u.login_id);
    if (out.kind == record_kind::current) {
        for (auto* s : {&u.user_uuid, &u.email, &u.given_name, &u.family_name, &u.mobile, &u.profile_language,
                        &u.ist_level, &u.settings_language})
            r.get(*s);
        r.get(u.training_start);
        r.get(u.training_end);
    }
    if (r.bad || !r.in.empty()) return std::nullopt;
    return out;
}

std::optional<std::string_view> login_of(std::string_view bytes)
{
    reader r{bytes};
    auto const kind = r.take<unsigned char>();
    if (r.bad || kind == 0 || kind > 2) return std::nullopt;
    auto login = r.view();
    if (r.bad) return std::nullopt;
    return login;
}

} // namespace igtcloud::entities::detail
