// The mock service: routing, auth, X-Fields masks, and the users it starts with.
#include "mock/service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <variant>

#include "entities/fields_mask.hpp"
#include "mock/operations.hpp"

namespace igtcloud::mock::detail {
namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space)
{
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += plus_is_space && in[i] == '+' ? ' ' : in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        int const hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

namespace {

struct route {
    std::string_view method;
    std::string_view path; // below /users: "" for /users itself, "{}" for /users/{user_uuid}
    char const* name;
    answer (*op)(op_input const&);
    bool masked; // answers JSON to which X-Fields applies
};

// First match of path and method wins, as in Werkzeug: fixed names before /users/{user_uuid}.
constexpr std::array<route, 14> routes{{
    {"GET", "", "GET /users", get_users, true},
    {"POST", "", "POST /users", post_users, true},
    {"GET", "me", "GET /users/me", get_me, true},
    {"GET", "$storage", "GET /users/$storage", get_user_storage, true},
    {"POST", "$resend-activation", "POST /users/$resend-activation", post_resend_activation, true},
    {"POST", "$mfa-reset", "POST /users/$mfa-reset", post_reset_mfa, false},
    {"POST", "$profile", "POST /users/$profile", post_user_profile, false},
    {"GET", "files", "GET /users/files", get_user_files, true},
    {"DELETE", "files", "DELETE /users/files", delete_user_files, false},
    {"GET", "download-files", "GET /users/download-files", download_user_files, false},
    {"DELETE", "training-settings", "DELETE /users/training-settings", delete_training_settings, false},
    {"GET", "{}", "GET /users/{user_uuid}", get_user, true},
    {"PUT", "{}", "PUT /users/{user_uuid}", put_user, false},
    {"DELETE", "{}", "DELETE /users/{user_uuid}", delete_user, false},
}};

// The decoded value of query parameter `name`, if present.
bool query_param(std::string_view query, std::string_view name, std::string& out)
{
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto const eq = pair.find('=');
        if (pair.substr(0, eq) != name) continue;
        return percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), out);
    }
    return false;
}

// Route lookup: the route, or 404 / 405 as an answer.
std::variant<route const*, answer> find_route(std::string_view method, std::string_view segment,
                                              bool at_users)
{
    bool path_known = false;
    for (auto const& r : routes) {
        bool const path_matches = at_users         ? r.path.empty()
                                  : r.path == "{}" ? !segment.empty()
                                                   : r.path == segment;
        if (!path_matches) continue;
        path_known = true;
        if (r.method == method) return &r;
    }
    return path_known ? message_answer(405, "The method is not allowed for the requested URL.")
                      : message_answer(404, "The requested URL was not found on the server.");
}

// The path below `users` (prefix + "/users"): true with `at_users` for the collection itself, or with its one
// percent-decoded segment; false (404) for any other path.
bool users_segment(std::string_view path, std::string_view users, std::string& segment, bool& at_users)
{
    if (!path.starts_with(users)) return false;
    auto const rest = path.substr(users.size());
    at_users = rest.empty();
    return at_users || (rest.front() == '/' && rest.find('/', 1) == std::string_view::npos &&
                        percent_decode(rest.substr(1), segment));
}

// The request's X-Fields mask when the route applies one (none without the header), or the 400 answer to a
// malformed mask.
std::variant<std::optional<entities::detail::fields_mask>, answer> route_mask(route const& r,
                                                                              request_view const& request)
{
    if (!r.masked || !request.has_fields) return std::optional<entities::detail::fields_mask>{};
    auto parsed = entities::detail::fields_mask::parse(request.fields);
    if (!parsed) return message_answer(400, parsed.error().message);
    return std::optional<entities::detail::fields_mask>(std::move(*parsed));
}

// The path below /api/auth ("" for /api/auth itself), if the path is there.
std::optional<std::string_view> below_auth(std::string_view path)
{
    constexpr std::string_view auth = "/api/auth";
    if (!path.starts_with(auth) || (path.size() > auth.size() && path[auth.size()] != '/'))
        return std::nullopt;
    return path.substr(auth.size());
}

// A JWT has three dot-separated parts; static tokens are anything else.
bool looks_like_jwt(std::string_view token)
{
    return std::count(token.begin(), token.end(), '.') == 2;
}

} // namespace

service::service(options const& opts)
    : opts_(opts)
    , users_path_(opts.prefix + "/users")
    , store_(opts.seed)
    , auth_(opts)
{
    if (opts_.tokens.empty()) opts_.tokens.emplace_back("mock-token", "admin@example.org");
    for (auto const& [token, login] : opts_.tokens)
        tokens_.emplace(token, login);
    seed_users(store_, opts_, opts_.seed_users);
    seed_files(files_, store_, opts_);
}

std::string const& service::default_token() const noexcept
{
    return opts_.tokens.front().first;
}

std::string const* service::caller(request_view const& request, std::string& jwt_sub) const
{
    if (looks_like_jwt(request.jwt)) {
        auto sub = auth_.caller(request);
        if (!sub) return nullptr;
        jwt_sub = std::move(*sub);
        return &jwt_sub;
    }
    for (auto token : {request.jwt, request.csrf_token}) {
        if (token.empty()) continue;
        if (auto it = tokens_.find(token); it != tokens_.end()) return &it->second;
    }
    return nullptr;
}

answer service::handle(request_view const& request)
{
    auto const question = request.target.find('?');
    auto path = request.target.substr(0, question);
    auto const query =
        question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
    if (auto const below = below_auth(path)) return auth_.handle(request, *below);
    if (path.starts_with("/api") && path.substr(4).starts_with(users_path_)) path.remove_prefix(4);
    std::string segment;
    bool at_users = false;
    if (!users_segment(path, users_path_, segment, at_users))
        return message_answer(404, "The requested URL was not found on the server.");

    auto found = find_route(request.method, segment, at_users);
    if (auto* failed = std::get_if<answer>(&found)) return std::move(*failed);
    auto const& r = *std::get<route const*>(found);

    std::string jwt_sub;
    auto const* login = caller(request, jwt_sub);
    if (login == nullptr) {
        auto a = message_answer(401, "Missing or unknown X-JWT / X-CSRF-TOKEN");
        a.route = r.name;
        return a;
    }
    auto mask = route_mask(r, request);
    if (auto* malformed = std::get_if<answer>(&mask)) {
        malformed->route = r.name;
        return std::move(*malformed);
    }
    std::string region;
    bool const has_region = query_param(query, "region", region);
    op_input in{store_, request, *login, segment, region, has_region, files_, opts_.api, query};
    auto a = r.op(in);
    a.route = r.name;
    auto const& applied = std::get<std::optional<entities::detail::fields_mask>>(mask);
    if (applied && (a.status == 200 || a.status == 201) && !a.body.empty())
        a.body = boost::json::serialize(applied->apply(boost::json::parse(a.body)));
    return a;
}

} // namespace igtcloud::mock::detail
