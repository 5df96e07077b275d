// The mock's auth API: logins, refresh, logout, introspect, $aud, and the JWT check of the Users routes.
#include "mock/auth_service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mock/operations.hpp"
#include "mock/service.hpp"
#include <openssl/crypto.h>

namespace igtcloud::mock::detail {
namespace {

namespace auth = entities::detail::auth;
namespace json = boost::json;
using clock = std::chrono::system_clock;

constexpr std::int64_t max_assertion_lifetime = 24 * 3600;

/// The text of a --service-key file; std::invalid_argument naming the flag and the file when unreadable.
std::string read_key_file(std::string const& sub, std::string const& path)
{
    auto const refuse = [&](std::string const& why) {
        return std::invalid_argument("--service-key " + sub + ": cannot read " + path + ": " + why);
    };
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw refuse(ec ? ec.message() : "not a regular file");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) throw refuse(std::strerror(errno));
    return std::move(text).str();
}

/// A JSON body with its route name.
answer json_answer(unsigned status, json::value const& body, char const* route)
{
    return answer{status, json::serialize(body), route, {}};
}

answer refused(unsigned status, std::string_view message, char const* route)
{
    auto a = message_answer(status, message);
    a.route = route;
    return a;
}

/// The string member `name` of `body`, if it is one.
std::optional<std::string_view> string_member(json::object const& body, std::string_view name)
{
    auto const* v = body.if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string_view(v->get_string());
}

/// `aud` (a string or an array of strings) contains `audience`.
bool has_audience(json::object const& claims, std::string_view audience)
{
    auto const* aud = claims.if_contains("aud");
    if (aud == nullptr) return false;
    if (aud->is_string()) return aud->get_string() == audience;
    if (!aud->is_array()) return false;
    for (auto const& a : aud->get_array())
        if (a.is_string() && a.get_string() == audience) return true;
    return false;
}

/// A LoginResponse with a fake S3 credential, and the two cookies that carry `jwt`.
answer login_response(issued_token const& t, std::string_view csrf, std::chrono::seconds lifetime,
                      char const* route)
{
    json::object credentials{{"accessKey", "ASIAMOCK" + random_token(12)},
                             {"secretKey", "mock-s3-secret-" + random_token(24)},
                             {"sessionToken", "mock-s3-session-" + random_token(24)},
                             {"bucket", "igtcloud-mock-bucket"},
                             {"expires", std::to_string(t.exp)}};
    json::object s3{{"resourceType", "S3"},
                    {"allowed", json::object{{"resources", json::array{"igtcloud-mock-bucket/*"}},
                                             {"actions", json::array{"s3:GetObject", "s3:PutObject"}}}},
                    {"credentials", std::move(credentials)}};
    auto a = json_answer(
        200, json::object{{"CSRFToken", csrf}, {"sub", t.sub}, {"S3Credentials", json::array{s3}}}, route);
    auto const signature = t.jwt.rfind('.');
    constexpr std::string_view attributes = "; Path=/; Secure; HttpOnly; SameSite=Strict";
    a.set_cookies.push_back("jwt_header_payload=" + t.jwt.substr(0, signature) +
                            "; Max-Age=" + std::to_string(lifetime.count()) + std::string(attributes));
    a.set_cookies.push_back("jwt_signature=" + t.jwt.substr(signature + 1) + std::string(attributes));
    return a;
}

} // namespace

auth_service::auth_service(options const& opts)
    : audience_(opts.audience)
    , lifetime_(opts.token_lifetime)
    , issuer_(opts.token_lifetime)
{
    if (lifetime_ < std::chrono::seconds(1))
        throw std::invalid_argument("--token-lifetime: must be at least 1 second");
    for (auto const& [login, password] : opts.users) {
        if (login.empty())
            throw std::invalid_argument("--user: expected LOGIN:PASSWORD with a non-empty LOGIN");
        passwords_.insert_or_assign(login, password);
    }
    for (auto const& [sub, path] : opts.service_keys) {
        if (sub.empty())
            throw std::invalid_argument("--service-key: expected SUB=PEM_FILE with a non-empty SUB");
        auto key = auth::rsa_public_key::from_pem(read_key_file(sub, path));
        if (!key)
            throw std::invalid_argument("--service-key " + sub + ": " + path +
                                        " is not an RSA public key (PEM)");
        service_keys_.insert_or_assign(sub, std::move(*key));
    }
}

answer auth_service::handle(request_view const& request, std::string_view path)
{
    struct entry {
        std::string_view method, path;
        answer (*call)(auth_service&, request_view const&);
    };
    static constexpr entry routes[] = {
        {"POST", "/login", [](auth_service& s, request_view const& r) { return s.login(r); }},
        {"GET", "/login/$aud", [](auth_service& s, request_view const&) { return s.audience(); }},
        {"POST", "/refresh", [](auth_service& s, request_view const& r) { return s.refresh(r); }},
        {"POST", "/logout", [](auth_service& s, request_view const& r) { return s.logout(r); }},
        {"GET", "/introspect", [](auth_service& s, request_view const& r) { return s.introspect(r); }},
    };
    bool path_known = false;
    for (auto const& r : routes) {
        if (r.path != path) continue;
        path_known = true;
        if (r.method == request.method) return r.call(*this, request);
    }
    return path_known ? message_answer(405, "The method is not allowed for the requested URL.")
                      : message_answer(404, "The requested URL was not found on the server.");
}

std::optional<std::string> auth_service::caller(request_view const& request) const
{
    auto t = issuer_.live(request.jwt, request.csrf_token, clock::now());
    if (!t) return std::nullopt;
    return std::move(t->sub);
}

answer auth_service::login(request_view const& request)
{
    constexpr char const* route = "POST /auth/login";
    json::error_code ec;
    auto const body = json::parse(request.body, ec);
    if (ec || !body.is_object()) return refused(400, "The body must be a JSON object (LoginModel)", route);
    auto const& model = body.get_object();
    auto const grant = string_member(model, "grantType");
    if (!grant) return refused(400, "'grantType' is a required property", route);
    if (*grant == "password") {
        auto const username = string_member(model, "username");
        auto const password = string_member(model, "password");
        if (!username || !password)
            return refused(400, "'username' and 'password' are required properties", route);
        return password_login(*username, *password);
    }
    if (*grant == "jwt-key") {
        auto const assertion = string_member(model, "assertion");
        if (!assertion) return refused(400, "'assertion' is a required property", route);
        return service_login(*assertion);
    }
    return refused(400, "'grantType' must be \"password\" or \"jwt-key\"", route);
}

answer auth_service::password_login(std::string_view username, std::string_view password)
{
    constexpr char const* route = "POST /auth/login";
    auto const found = passwords_.find(username);
    bool const matches = found != passwords_.end() && found->second.size() == password.size() &&
                         CRYPTO_memcmp(found->second.data(), password.data(), password.size()) == 0;
    if (!matches) return refused(401, "Invalid username or password", route);
    auto const t = issuer_.open(found->first, identity_type::user, true, clock::now());
    return login_response(t, t.csrf, lifetime_, route);
}

answer auth_service::service_login(std::string_view assertion)
{
    constexpr char const* route = "POST /auth/login";
    auto const unverified = auth::decode_jwt(assertion);
    if (!unverified || !unverified->sub)
        return refused(401, "The assertion is not a JWT with a subject", route);
    auto const key = service_keys_.find(*unverified->sub);
    if (key == service_keys_.end()) return refused(401, "Unknown service identity", route);
    auto const claims = auth::verify_rs256(assertion, key->second);
    if (!claims) return refused(401, "The assertion's signature does not verify", route);
    if (!has_audience(claims->payload, audience_))
        return refused(401, "The assertion's aud is not this service", route);
    auto const iss = string_member(claims->payload, "iss");
    if (!iss || *iss != key->first) return refused(401, "The assertion's iss is not its sub", route);
    auto const now = clock::now();
    auto const t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (!claims->exp || *claims->exp <= t) return refused(401, "The assertion has expired", route);
    if (*claims->exp > t + max_assertion_lifetime)
        return refused(401, "The assertion's exp is more than a day ahead", route);
    auto const issued = issuer_.open(key->first, identity_type::service, false, now);
    return login_response(issued, issued.csrf, lifetime_, route);
}

answer auth_service::refresh(request_view const& request)
{
    constexpr char const* route = "POST /auth/refresh";
    auto const t = issuer_.refresh(request.jwt, request.csrf_token, clock::now());
    if (!t)
        return refused(
            401,
            "The JWT cannot be refreshed (unknown, expired, revoked, not refreshable, or a wrong CSRF token)",
            route);
    // The live service's CSRF token is only valid on logon: the body's is a decoy the mock never accepts.
    return login_response(*t, random_token(32), lifetime_, route);
}

answer auth_service::logout(request_view const& request)
{
    constexpr char const* route = "POST /auth/logout";
    if (!issuer_.revoke(request.jwt, clock::now()))
        return refused(401, "Unknown, expired or revoked JWT", route);
    return json_answer(200, json::object{{"success", true}}, route);
}

answer auth_service::introspect(request_view const& request) const
{
    constexpr char const* route = "GET /auth/introspect";
    if (request.jwt.empty()) return refused(400, "X-JWT is required", route);
    auto const t = issuer_.live(request.jwt, request.csrf_token, clock::now());
    if (!t) return json_answer(200, json::object{{"active", false}}, route);
    return json_answer(200,
                       json::object{{"active", true},
                                    {"sub", t->sub},
                                    {"exp", t->exp},
                                    {"iss", "igtcloud-mock"},
                                    {"token_type", "Bearer"},
                                    {"identity_type", t->type == identity_type::user ? "User" : "Service"}},
                       route);
}

answer auth_service::audience() const
{
    return json_answer(200, json::string(audience_), "GET /auth/login/$aud");
}

} // namespace igtcloud::mock::detail
