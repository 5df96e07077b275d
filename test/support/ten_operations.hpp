// The Users operations as data (the seed spec's ten, async_for_each_user, and the 2023 spec's four), for
// tests that run each of them: started by name, recorded, answered.
#pragma once

#include <igtcloud/entities.hpp>

#include <boost/beast/http/verb.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "support/scripted_server.hpp"
#include "support/session_kit.hpp"

namespace igtcloud::test {

/// What the real service answers to each of the operations, enough for every one to succeed (for a
/// scripted_server; any base URL path prefix).
inline reply answer_as_service(request const& req)
{
    namespace http = boost::beast::http;
    std::string_view const target(req.target().data(), req.target().size());
    auto const path = target.substr(0, target.find('?'));
    auto const m = req.method();
    if (m == http::verb::put || m == http::verb::delete_ || path.ends_with("/$mfa-reset") ||
        path.ends_with("/$profile"))
        return {http_answer(204, "")};
    if (path.ends_with("/$resend-activation"))
        return {http_answer(200, R"({"resourceType":"OperationOutcome"})")};
    if (path.ends_with("/$storage")) return {http_answer(200, R"({"config":{"region":"eu-west-1"}})")};
    if (path.ends_with("/users/files")) return {http_answer(200, R"([{"key":"a.txt","fileSize":1}])")};
    if (m == http::verb::post) return {http_answer(201, kit::user_json)};
    if (path.ends_with("/users")) return {http_answer(200, "[" + std::string(kit::user_json) + "]")};
    return {http_answer(200, kit::user_json)};
}

/// How one operation completed: success, or the error's code and HTTP status.
struct op_result {
    bool done{}, ok{};
    int calls{}; ///< how often the handler ran
    unsigned status{};
    boost::system::error_code code{};
};

/// A completion handler of an operation answering T, filling `r` (which must outlive the operation).
template <class T>
auto record(op_result& r)
{
    return [&r](entities::api_result<T> x) {
        ++r.calls;
        r.done = true;
        r.ok = x.has_value();
        if (!x) {
            r.status = x.error().status;
            r.code = x.error().code;
        }
    };
}

/// One of the operations, started with request options on a users_api handle.
struct operation_case {
    char const* name;
    bool safe; ///< safe to repeat (GET, PUT, DELETE, POST /users): retried and replayed after it was sent
    std::function<void(entities::users_api&, entities::request_options const&, op_result&)> start;
    friend std::ostream& operator<<(std::ostream& os, operation_case const& c) { return os << c.name; }
};

inline entities::user_create const new_user{.email = "ada@example.org", .login_id = "ada"};
inline entities::user_activation_create const activation{.login_id = "ada"};

/// A download sink that drops the bytes and can start over (so the download is as safe to repeat as a GET).
inline entities::download_sink discarding_sink()
{
    return entities::download_sink::callable([](entities::byte_chunk) { return boost::system::error_code{}; },
                                             [] { return boost::system::error_code{}; });
}

/// The ten in DESIGN.md §2's order (with GET /users streamed, async_for_each_user, after async_get_users),
/// then the 2023 spec's four of §7.
inline operation_case const all_operations[] = {
    {"get_me", true,
     [](auto& u, auto const& o, auto& r) { u.async_get_me(o, record<entities::user_info>(r)); }},
    {"get_user", true,
     [](auto& u, auto const& o, auto& r) { u.async_get_user("u-1", o, record<entities::user_info>(r)); }},
    {"get_users", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_get_users(o, record<std::vector<entities::user_info>>(r));
     }},
    {"for_each_user", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_for_each_user(
             o, [](entities::user_info) {}, record<std::size_t>(r));
     }},
    {"get_user_storage", true,
     [](auto& u, auto const& o, auto& r) { u.async_get_user_storage("x", o, record<entities::storage>(r)); }},
    {"post_users", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_post_users(new_user, o, record<entities::created<entities::user_info>>(r));
     }},
    {"put_user", true,
     [](auto& u, auto const& o, auto& r) { u.async_put_user("u-1", new_user, o, record<void>(r)); }},
    {"delete_user", true,
     [](auto& u, auto const& o, auto& r) { u.async_delete_user("u-1", o, record<void>(r)); }},
    {"post_resend_activation", false,
     [](auto& u, auto const& o, auto& r) {
         u.async_post_resend_activation(activation, o, record<entities::user_activation>(r));
     }},
    {"post_reset_mfa", false,
     [](auto& u, auto const& o, auto& r) { u.async_post_reset_mfa(activation, o, record<void>(r)); }},
    {"post_user_profile", false,
     [](auto& u, auto const& o, auto& r) { u.async_post_user_profile(o, record<void>(r)); }},
    {"get_user_storage_files", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_get_user_files(o, record<std::vector<entities::user_file>>(r));
     }},
    {"delete_user_storage_files", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_delete_user_files({"a.txt", "b c"}, o, record<void>(r));
     }},
    {"delete_user_storage_training_settings", true,
     [](auto& u, auto const& o, auto& r) { u.async_delete_training_settings(o, record<void>(r)); }},
    {"get_user_storage_download_files", true,
     [](auto& u, auto const& o, auto& r) {
         u.async_download_user_files(discarding_sink(), o, record<std::uint64_t>(r));
     }},
};

} // namespace igtcloud::test
