// Login request bodies, Set-Cookie parsing, and the reading of a login or refresh answer.
#include "entities/auth/login_answer.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdint>

#include "entities/base_url.hpp"

namespace igtcloud::entities::detail::auth {
namespace {

constexpr std::string_view blanks = " \t";

api_error answer_error(std::string message)
{
    return api_error{make_error_code(error::invalid_response), 0, "login answer: " + std::move(message)};
}

std::string_view trim(std::string_view s)
{
    auto const b = s.find_first_not_of(blanks);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

// Whether UTF-8 `s` is well formed (no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t const n = c < 0x80                   ? 0
                              : (c >= 0xC2 && c <= 0xDF) ? 1
                              : (c >= 0xE0 && c <= 0xEF) ? 2
                              : (c >= 0xF0 && c <= 0xF4) ? 3
                                                         : 4;
        if (n == 4 || n > s.size() - i - 1) return false;
        std::uint32_t cp = n == 0 ? c : c & (0x3F >> n);
        for (std::size_t k = 1; k <= n; ++k) {
            auto const t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) return false;
            cp = cp << 6 | (t & 0x3F);
        }
        static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

// An RFC 9110 token (a cookie name): visible ASCII without separators.
bool is_token(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return ch > 0x20 && ch < 0x7F &&
               std::string_view("()<>@,;:\\\"/[]?={}").find(ch) == std::string_view::npos;
    });
}

// Whether the text after a comma in a Set-Cookie value starts a new cookie: `name=` before any ';' or ','.
bool starts_cookie(std::string_view rest)
{
    auto const stop = rest.find_first_of("=;,");
    if (stop == std::string_view::npos || rest[stop] != '=') return false;
    return is_token(trim(rest.substr(0, stop)));
}

void parse_one(std::string_view text, std::vector<set_cookie>& out)
{
    auto const semi = text.find(';');
    auto const pair = text.substr(0, semi);
    auto const eq = pair.find('=');
    if (eq == std::string_view::npos) return;
    set_cookie c{std::string(trim(pair.substr(0, eq))), std::string(trim(pair.substr(eq + 1))), std::nullopt};
    if (!is_token(c.name)) return;
    if (c.value.size() >= 2 && c.value.front() == '"' && c.value.back() == '"')
        c.value = c.value.substr(1, c.value.size() - 2);
    for (auto rest = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
         !rest.empty();) {
        auto const next = rest.find(';');
        auto const attr = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
        auto const aeq = attr.find('=');
        if (aeq != std::string_view::npos && ascii_lowercase(trim(attr.substr(0, aeq))) == "max-age")
            c.max_age = std::string(trim(attr.substr(aeq + 1)));
    }
    out.push_back(std::move(c));
}

set_cookie const* last_named(std::vector<set_cookie> const& cookies, std::string_view name)
{
    auto const it =
        std::find_if(cookies.rbegin(), cookies.rend(), [&](auto const& c) { return c.name == name; });
    return it == cookies.rend() ? nullptr : &*it;
}

bool is_base64url(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
    });
}

} // namespace

api_result<std::string> password_login_body(std::string_view username, std::string_view password)
{
    auto refuse = [](char const* what) {
        return api_error{make_error_code(error::invalid_argument), 0, std::string("password login: ") + what};
    };
    if (username.empty()) return refuse("the username is empty");
    if (password.empty()) return refuse("the password is empty");
    if (!valid_utf8(username)) return refuse("the username is not valid UTF-8");
    if (!valid_utf8(password)) return refuse("the password is not valid UTF-8");
    boost::json::object body{{"grantType", "password"}, {"username", username}, {"password", password}};
    return boost::json::serialize(body);
}

std::string service_login_body(std::string_view assertion)
{
    boost::json::object body{{"grantType", "jwt-key"}, {"assertion", assertion}, {"hospitalOrgId", ""}};
    return boost::json::serialize(body);
}

std::vector<set_cookie> parse_set_cookies(std::span<std::string const> fields)
{
    std::vector<set_cookie> out;
    for (std::string_view field : fields) {
        std::size_t start = 0;
        for (std::size_t i = 0; i < field.size(); ++i) {
            if (field[i] != ',' || !starts_cookie(field.substr(i + 1))) continue;
            parse_one(field.substr(start, i - start), out);
            start = i + 1;
        }
        parse_one(field.substr(start), out);
    }
    return out;
}

namespace {

// The JWT's expiry from the cookie's Max-Age and the token's exp (see the lifetime rule).
api_result<std::chrono::system_clock::time_point> expiry(set_cookie const& cookie, jwt_claims const& claims,
                                                         std::chrono::system_clock::time_point now)
{
    auto const exp = expiry_of(claims);
    std::optional<std::chrono::system_clock::time_point> at = exp;
    if (cookie.max_age) {
        std::string_view const v = *cookie.max_age;
        if (v.empty()) return answer_error("jwt_header_payload cookie has an empty Max-Age");
        if (v.front() == '-') return answer_error("jwt_header_payload cookie has a negative Max-Age");
        if (!std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            return answer_error("jwt_header_payload cookie's Max-Age is not a number");
        auto const digits = v.substr(std::min(v.find_first_not_of('0'), v.size())); // leading zeros dropped
        if (digits.empty()) return answer_error("jwt_header_payload cookie has Max-Age=0 (expires at once)");
        long long seconds = 0;
        for (char const ch : digits.substr(0, 11))
            seconds = seconds * 10 + (ch - '0');
        if (digits.size() > 10 || seconds > max_cookie_lifetime.count())
            return answer_error("jwt_header_payload cookie's Max-Age is over one year");
        std::chrono::seconds const max_age{seconds};
        at = now + max_age;
        if (exp && *exp < *at) at = exp;
    }
    if (!at)
        return answer_error("neither a Max-Age on the jwt_header_payload cookie nor an exp claim in the JWT");
    if (*at <= now) return answer_error("the JWT has already expired");
    return *at;
}

// The answer's body as a JSON object.
api_result<boost::json::object> body_object(std::string_view body)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) {
        auto const first = body.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && body[first] == '<')
            return answer_error("the body is HTML, not JSON (is the auth URL right?)");
        return answer_error(body.empty() ? "the body is empty" : "the body is not JSON");
    }
    if (!value.is_object()) return answer_error("the body is not a JSON object");
    return std::move(value.as_object());
}

// The JWT H.P.S from the two cookies.
api_result<std::string> jwt_from(std::vector<set_cookie> const& cookies)
{
    auto const* hp = last_named(cookies, "jwt_header_payload");
    auto const* sig = last_named(cookies, "jwt_signature");
    if (hp == nullptr) return answer_error("no jwt_header_payload cookie (Set-Cookie)");
    if (sig == nullptr) return answer_error("no jwt_signature cookie (Set-Cookie)");
    auto const dot = hp->value.find('.');
    if (dot == std::string::npos || !is_base64url(std::string_view(hp->value).substr(0, dot)) ||
        !is_base64url(std::string_view(hp->value).substr(dot + 1)))
        return answer_error("the jwt_header_payload cookie is not two base64url parts joined by '.'");
    if (!is_base64url(sig->value)) return answer_error("the jwt_signature cookie is not one base64url part");
    return hp->value + '.' + sig->value;
}

} // namespace

api_result<login_answer> parse_login_answer(std::span<std::string const> set_cookie_fields,
                                            std::string_view body, bool need_csrf,
                                            std::chrono::system_clock::time_point now)
{
    auto object = body_object(body);
    if (!object) return object.error();
    login_answer a;
    if (auto const* csrf = object->if_contains("CSRFToken"); csrf != nullptr && !csrf->is_null()) {
        if (!csrf->is_string()) return answer_error("CSRFToken is not a string");
        if (!csrf->get_string().empty()) a.csrf_token = std::string(csrf->get_string());
    }
    if (need_csrf && !a.csrf_token) return answer_error("no CSRFToken in the body");
    auto const cookies = parse_set_cookies(set_cookie_fields);
    auto jwt = jwt_from(cookies);
    if (!jwt) return jwt.error();
    a.jwt = std::move(*jwt);
    auto claims = decode_jwt(a.jwt);
    if (!claims) return answer_error(claims.error().message);
    a.claims = std::move(*claims);
    auto at = expiry(*last_named(cookies, "jwt_header_payload"), a.claims, now);
    if (!at) return at.error();
    a.expires_at = *at;
    if (auto const* sub = object->if_contains("sub"); sub != nullptr && sub->is_string())
        a.sub = std::string(sub->get_string());
    else
        a.sub = a.claims.sub;
    return a;
}

api_result<std::string> parse_audience_answer(std::string_view body)
{
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_string() || value.get_string().empty())
        return api_error{make_error_code(error::invalid_response), 0,
                         "audience answer ($aud): not a non-empty JSON string"};
    return std::string(value.get_string());
}

} // namespace igtcloud::entities::detail::auth
