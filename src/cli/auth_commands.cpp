// igtcloud-users: login, logout, whoami, and the authenticator of the other commands' sessions.
#include "cli/auth_commands.hpp"

#include <boost/asio/bind_executor.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/service_address.hpp"
#include "entities/auth/jwt.hpp"
#include "entities/auth/token_file.hpp"
#include "entities/date_time.hpp"
#include <sys/stat.h>
#include <unistd.h>

namespace igtcloud::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
namespace auth = entities::detail::auth;
using entities::api_result;
using entities::login_info;

constexpr std::uintmax_t max_key_file_bytes = 65536;

/// Starts one authenticator call with `start(handler)`, runs `ioc` until it completes (its handler is bound
/// to `ioc`), and returns the result; nullopt if it never completed.
template <class T, class Start>
std::optional<api_result<T>> complete(asio::io_context& ioc, Start start)
{
    std::optional<api_result<T>> result;
    start(asio::bind_executor(ioc, [&result](api_result<T> r) { result = std::move(r); }));
    ioc.run();
    ioc.restart();
    return result;
}

/// The authenticator, or the usage error its constructor gives (a bad auth URL or key; no secret in it).
std::optional<entities::authenticator> make_authenticator(asio::io_context& ioc, entities::auth_options o,
                                                          int& exit_code)
{
    try {
        return std::optional<entities::authenticator>(std::in_place, ioc.get_executor(), std::move(o));
    } catch (std::invalid_argument const& e) {
        exit_code = fail_usage(e.what());
        return std::nullopt;
    }
}

/// "https://HOST" of the auth URL, for prompts and whoami.
std::string domain_for(global_options const& g)
{
    return origin_of_url(g.auth_url);
}

/// The PEM of --key-file; throws usage_error naming the path (never the content).
std::string read_key_file(std::string const& path)
{
    std::error_code ec;
    auto const size = fs::file_size(path, ec);
    if (ec) throw usage_error{"--key-file " + path + ": " + ec.message()};
    if (size > max_key_file_bytes)
        throw usage_error{"--key-file " + path + ": larger than " + std::to_string(max_key_file_bytes) +
                          " bytes: not a PEM key"};
    std::ifstream in(path, std::ios::binary);
    std::string pem{std::istreambuf_iterator<char>(in), {}};
    if (!in.good() && !in.eof()) throw usage_error{"--key-file " + path + ": cannot read it"};
    return pem;
}

/// login's grant: a service key (--key-file), else a password from stdin or the terminal.
entities::auth_grant grant_of(invocation const& inv)
{
    auto const& l = inv.login;
    if (l.key_file) {
        auto const absolute = fs::absolute(*l.key_file).lexically_normal().string();
        return entities::service_key_grant{
            .subject = l.username, .private_key_pem = read_key_file(*l.key_file), .key_file = absolute};
    }
    auto read = l.password_stdin ? read_password_line(STDIN_FILENO)
                                 : read_password_from_terminal("Password for " + l.username + " at " +
                                                               domain_for(inv.global) + ": ");
    if (!read.error.empty()) throw usage_error{"login: " + read.error};
    add_secret(read.password);
    return entities::password_grant{.username = l.username, .password = std::move(read.password)};
}

int run_login(invocation const& inv, asio::io_context& ioc)
{
    entities::auth_grant grant;
    try {
        grant = grant_of(inv);
    } catch (usage_error const& e) {
        return fail_usage(e.message);
    }
    int code = exit_success;
    auto a = make_authenticator(ioc, auth_options_for(inv.global, std::move(grant), false), code);
    if (!a) return code;
    auto r = complete<login_info>(ioc, [&](auto h) { a->async_login(std::move(h)); });
    if (!r) {
        print_error(0, "the login did not complete");
        return exit_transport;
    }
    if (!*r) return fail(r->error());
    print_json(whoami_document(**r));
    return exit_success;
}

int run_logout(invocation const& inv, asio::io_context& ioc)
{
    auto const file = inspect_token_file(inv.global.auth_url);
    if (!file.usable) {
        warn("not logged in: " + file.note);
        return exit_success;
    }
    int code = exit_success;
    auto a = make_authenticator(ioc, auth_options_for(inv.global, {}, false), code);
    if (!a) return code;
    auto r = complete<void>(ioc, [&](auto h) { a->async_logout(std::move(h)); });
    if (!r) {
        print_error(0, "the logout did not complete");
        return exit_transport;
    }
    return *r ? exit_success : fail(r->error());
}

/// whoami for fixed tokens: the JWT's own claims (not verified: the service checks it on use).
int whoami_of_fixed(token_choice const& c, global_options const& g)
{
    auto claims = auth::decode_jwt(c.jwt);
    if (!claims || !claims->sub) {
        print_error(0, std::string("whoami: the JWT of ") + to_string(c.source) +
                           " is not a JWT with a subject; its owner is not known");
        return exit_api_error;
    }
    login_info info{.sub = *claims->sub, .domain = domain_for(g)};
    if (auto exp = auth::expiry_of(*claims)) info.expires_at = *exp;
    print_json(whoami_document(info));
    return exit_success;
}

int run_whoami(invocation const& inv, asio::io_context& ioc)
{
    auto found = inv.global.tokens;
    auto const file = inspect_token_file(inv.global.auth_url);
    found.token_file = file.usable;
    auto const choice = choose_tokens(found);
    if (choice.source == token_source::none) {
        print_error(0, "not logged in: " + file.note + " (log in with `igtcloud-users login`)");
        return exit_api_error;
    }
    if (choice.source != token_source::cloud_environment && choice.source != token_source::token_file)
        return whoami_of_fixed(choice, inv.global);
    if (!file.note.empty() && choice.source == token_source::token_file) warn(file.note);
    int code = exit_success;
    auto a = make_authenticator(ioc, auth_options_for(inv.global), code);
    if (!a) return code;
    auto r = complete<login_info>(ioc, [&](auto h) { a->async_current(std::move(h)); });
    if (!r) {
        print_error(0, "whoami did not complete");
        return exit_transport;
    }
    if (!*r) return fail(r->error());
    print_json(whoami_document(**r));
    return exit_success;
}

/// A warning when group or others may read the file (the Python client creates it with the umask's mode;
/// it is used, as the Python client uses it, but its tokens are exposed).
std::string exposure_note(std::string const& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRGRP | S_IROTH)) == 0) return {};
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return "token file " + path + " is readable by group or others (mode " + mode + "): chmod 600 " + path;
}

} // namespace

entities::auth_options auth_options_for(global_options const& g, entities::auth_grant grant,
                                        bool from_environment)
{
    entities::auth_options o;
    o.auth_url = g.auth_url;
    o.grant = std::move(grant);
    o.token_file = entities::default_token_file();
    o.from_environment = from_environment;
    o.tls.ca_file = g.ca_file;
    o.tls.verify_peer = !g.insecure;
    o.proxy.from_environment = true; // like the session: HTTPS_PROXY / HTTP_PROXY / NO_PROXY
    if (g.timeout_seconds) {
        auto const ms = std::chrono::milliseconds(std::max(1LL, std::llround(*g.timeout_seconds * 1000)));
        o.request_timeout = ms;
        o.connect_timeout = std::min(o.connect_timeout, ms);
    }
    return o;
}

token_file_status inspect_token_file(std::string const& auth_url)
{
    token_file_status s;
    s.path = entities::default_token_file();
    auto const read = auth::read_token_file(s.path, auth_url);
    s.usable = read.data.has_value();
    s.note = s.usable ? exposure_note(s.path) : read.reason;
    return s;
}

json::object whoami_document(login_info const& info)
{
    json::object doc;
    doc["sub"] = info.sub;
    doc["domain"] = info.domain;
    std::string when;
    if (info.expires_at != std::chrono::system_clock::time_point{} &&
        entities::detail::format_date_time(std::chrono::floor<std::chrono::seconds>(info.expires_at), when))
        doc["expiresAt"] = when;
    else
        doc["expiresAt"] = nullptr;
    return doc;
}

int run_auth_command(invocation const& inv, asio::io_context& ioc)
{
    if (inv.command == "login") return run_login(inv, ioc);
    if (inv.command == "logout") return run_logout(inv, ioc);
    return run_whoami(inv, ioc);
}

} // namespace igtcloud::cli
