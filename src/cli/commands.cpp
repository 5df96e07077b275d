// igtcloud-users: one session on one io_context on the main thread; a command is one operation whose
// result is printed, or a provisioning run (cli/provision.cpp).
#include "cli/commands.hpp"

#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "cli/auth_commands.hpp"
#include "cli/download_command.hpp"
#include "cli/list_command.hpp"
#include "cli/output.hpp"
#include "cli/provision.hpp"
#include "cli/sync_command.hpp"

#ifndef IGTCLOUD_VERSION
#define IGTCLOUD_VERSION "0"
#endif

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace mock = igtcloud::mock;
using entities::api_result;

template <class T>
json::value to_json(T const& v)
{
    return json::value_from(v);
}
json::value to_json(entities::created<entities::user_info> const& c)
{
    return json::value_from(c.value);
}

/// Starts one operation with `start(handler)`, runs the io_context until it and the session's shutdown are
/// done, prints the value (none for 204 operations) or the error line, and returns the exit code.
template <class T, class Start>
int run_operation(asio::io_context& ioc, entities::session& s, Start start)
{
    std::optional<api_result<T>> result;
    start([&](api_result<T> r) {
        result = std::move(r);
        s.async_shutdown([] {});
    });
    ioc.run();
    if (!result) {
        print_error(0, "the operation did not complete");
        return exit_transport;
    }
    if (!*result) return fail(result->error());
    if constexpr (!std::is_void_v<T>) print_json(to_json(**result));
    return exit_success;
}

entities::user_create user_of(user_arguments const& u)
{
    return entities::user_create{.name = u.name,
                                 .family_name = u.family_name,
                                 .email = u.email,
                                 .mobile = u.mobile,
                                 .login_id = u.login_id,
                                 .given_name = u.given_name,
                                 .ist_level = u.ist_level,
                                 .preferred_language = u.preferred_language,
                                 .training_start_date = u.training_start,
                                 .training_end_date = u.training_end};
}

/// The commands of the 2023 spec's operations (DESIGN.md §7); nullopt for another command.
std::optional<int> run_2023_command(invocation const& inv, asio::io_context& ioc, entities::session& s)
{
    auto users = s.users();
    auto const req = request_options_for(inv.global);
    auto const& c = inv.command;
    if (c == "files")
        return run_operation<std::vector<entities::user_file>>(
            ioc, s, [&](auto h) { users.async_get_user_files(req, std::move(h)); });
    if (c == "delete-files")
        return run_operation<void>(
            ioc, s, [&](auto h) { users.async_delete_user_files(inv.keys, req, std::move(h)); });
    if (c == "download-files") return run_download(inv, ioc, s);
    if (c == "delete-training-settings")
        return run_operation<void>(ioc, s,
                                   [&](auto h) { users.async_delete_training_settings(req, std::move(h)); });
    return std::nullopt;
}

int run_command(invocation const& inv, asio::io_context& ioc, entities::session& s,
                entities::authenticator const* auth)
{
    using namespace entities;
    auto users = s.users();
    auto const req = request_options_for(inv.global);
    auto const& c = inv.command;
    auto const& arg = inv.argument;
    if (c == "me")
        return run_operation<user_info>(ioc, s, [&](auto h) { users.async_get_me(req, std::move(h)); });
    if (c == "list") return run_list(inv, ioc, s); // printed as it is decoded
    if (c == "get")
        return run_operation<user_info>(ioc, s,
                                        [&](auto h) { users.async_get_user(arg, req, std::move(h)); });
    if (c == "storage")
        return run_operation<storage>(
            ioc, s, [&](auto h) { users.async_get_user_storage(inv.region, req, std::move(h)); });
    if (c == "profile")
        return run_operation<void>(ioc, s, [&](auto h) { users.async_post_user_profile(req, std::move(h)); });
    if (c == "create")
        return run_operation<created<user_info>>(
            ioc, s, [&](auto h) { users.async_post_users(user_of(inv.user), req, std::move(h)); });
    if (c == "update")
        return run_operation<void>(
            ioc, s, [&](auto h) { users.async_put_user(arg, user_of(inv.user), req, std::move(h)); });
    if (c == "delete")
        return run_operation<void>(ioc, s, [&](auto h) { users.async_delete_user(arg, req, std::move(h)); });
    if (c == "resend-activation")
        return run_operation<user_activation>(ioc, s, [&](auto h) {
            users.async_post_resend_activation(user_activation_create{arg}, req, std::move(h));
        });
    if (c == "reset-mfa")
        return run_operation<void>(ioc, s, [&](auto h) {
            users.async_post_reset_mfa(user_activation_create{arg}, req, std::move(h));
        });
    if (auto code = run_2023_command(inv, ioc, s)) return *code;
    if (c == "provision") return run_provision(inv, ioc, s, auth);
    if (c == "sync") return run_sync(inv, ioc, s);
    return fail_usage("unknown command: " + c);
}

/// The tokens of an API command (token_choice.hpp): fixed ones into `o`, else an authenticator in `auth`
/// whose provider() `o` takes. An exit code when there are none (not logged in) or the authenticator is
/// refused; nullopt to go on.
std::optional<int> attach_credentials(global_options const& g, asio::io_context& ioc,
                                      entities::session_options& o,
                                      std::optional<entities::authenticator>& auth)
{
    if (g.mock || g.auth_url.empty()) return std::nullopt; // --mock: its token; no auth URL: a bad --url
    auto found = g.tokens;
    auto const file = inspect_token_file(g.auth_url);
    found.token_file = file.usable;
    auto const choice = choose_tokens(found);
    switch (choice.source) {
    case token_source::command_line:
    case token_source::igtcloud_environment:
        o.jwt = choice.jwt;
        o.csrf_token = choice.csrf;
        return std::nullopt;
    case token_source::none:
        print_error(0, "not logged in: " + file.note +
                           " (log in with `igtcloud-users login`, or give --jwt/--csrf)");
        return exit_api_error;
    case token_source::token_file:
        if (!file.note.empty()) warn(file.note);
        break;
    case token_source::cloud_environment: break;
    }
    try {
        auth.emplace(ioc.get_executor(), auth_options_for(g));
    } catch (std::invalid_argument const& e) {
        return fail_usage(e.what());
    }
    o.jwt.clear();
    o.csrf_token.clear();
    o.credentials = auth->provider();
    return std::nullopt;
}

} // namespace

entities::session_options session_options_for(global_options const& g)
{
    entities::session_options o;
    o.base_url = g.url;
    o.jwt = g.jwt;
    o.csrf_token = g.csrf;
    o.user_agent = "igtcloud-users/" IGTCLOUD_VERSION;
    if (g.connections) o.max_connections = *g.connections;
    if (g.timeout_seconds) {
        auto const ms = std::chrono::milliseconds(std::max(1LL, std::llround(*g.timeout_seconds * 1000)));
        o.request_timeout = ms;
        o.connect_timeout = std::min(o.connect_timeout, ms);
    }
    if (g.retries) o.retry.max_attempts = *g.retries + 1;
    o.tls.ca_file = g.ca_file;
    o.tls.verify_peer = !g.insecure;
    o.proxy.from_environment = !g.mock; // like curl: HTTPS_PROXY / HTTP_PROXY / NO_PROXY
    return o;
}

entities::request_options request_options_for(global_options const& g)
{
    return entities::request_options{.fields = g.fields};
}

int run(invocation inv)
{
    std::optional<mock::server> mock_server;
    if (inv.global.mock) {
        try {
            mock_server.emplace(mock::options{.threads = 2});
        } catch (std::exception const& e) {
            print_error(0, std::string("cannot start the mock server: ") + e.what());
            return exit_transport;
        }
        inv.global.url = mock_server->base_url();
        if (!inv.global.tokens_given) inv.global.jwt = mock_server->default_token();
    }
    if (inv.global.insecure) warn("--insecure: TLS certificates and host names are not verified");
    asio::io_context ioc{1};
    if (is_auth_command(inv.command)) return run_auth_command(inv, ioc);
    auto options = session_options_for(inv.global);
    if (inv.command == "provision" && !inv.global.connections)
        options.max_connections = inv.provision.concurrency; // one connection per request in flight
    if (inv.command == "sync" && !inv.global.connections) options.max_connections = inv.sync.concurrency;
    std::optional<entities::authenticator> auth; // outlives the session, which holds its provider
    if (auto code = attach_credentials(inv.global, ioc, options, auth)) return *code;
    std::optional<entities::session> s;
    try {
        s.emplace(ioc.get_executor(), std::move(options));
    } catch (std::invalid_argument const& e) { // bad URL or token
        return fail_usage(e.what());
    } catch (boost::system::system_error const& e) { // TLS files that do not load
        return fail_usage(e.what());
    }
    return run_command(inv, ioc, *s, auth ? &*auth : nullptr);
}

} // namespace igtcloud::cli
