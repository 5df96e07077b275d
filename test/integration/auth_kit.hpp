// Helpers shared by the authenticator's integration tests: a mock with auth users, temp files, waiting.
#pragma once

#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "entities/auth/auth.hpp"
#include "support/rsa_test_keys.hpp"
#include "support/session_kit.hpp"
#include "support/temp_dir.hpp"
#include <sys/stat.h>
#include <unistd.h>

namespace igtcloud::test::auth_kit {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
using namespace std::chrono_literals;
using kit::into;
using kit::outcome;

inline constexpr char const* user = "ada@example.org";
/// The user's password: quotes, a backslash, CR/LF and a NUL, which the login body must escape.
inline std::string const& password()
{
    static constexpr char raw[] = "pa\"ss\\wo\r\n\0rd-s3cret";
    static std::string const p(raw, sizeof raw - 1);
    return p;
}
inline constexpr char const* service_sub = "svc-robot";

using igtcloud::test::temp_dir;

/// A mock with a password user and a service identity (its public key in `dir`).
inline mock::options mock_options(temp_dir const& dir, std::chrono::seconds lifetime = 3600s)
{
    mock::options o;
    o.users = {{user, password()}};
    o.service_keys = {{service_sub, dir.write("svc.pub.pem", auth_test::rsa_keys().public_pem)}};
    o.token_lifetime = lifetime;
    return o;
}

inline std::uint64_t route_count(mock::server const& srv, std::string const& route)
{
    auto const s = srv.stats();
    auto it = s.requests_by_route.find(route);
    return it == s.requests_by_route.end() ? 0 : it->second;
}

inline entities::auth_options password_options(std::string auth_url)
{
    return entities::auth_options{.auth_url = std::move(auth_url),
                                  .grant = entities::password_grant{user, password()}};
}

inline entities::auth_options service_options(std::string auth_url)
{
    return entities::auth_options{
        .auth_url = std::move(auth_url),
        .grant = entities::service_key_grant{service_sub, auth_test::rsa_keys().private_pem, {}, {}}};
}

/// Every event's text and every error's text seen by a test, for the secrets sweep.
struct text_log {
    std::mutex mutex;
    std::vector<std::string> lines;
    void add(std::string s)
    {
        std::lock_guard lock(mutex);
        lines.push_back(std::move(s));
    }
    entities::event_hook hook()
    {
        return [this](entities::event const& e) {
            add(std::string(e.operation) + " " + std::string(e.method) + " " + std::string(e.target) + " " +
                e.error.message());
        };
    }
    void add_error(entities::api_error const& e)
    {
        add(e.to_string());
        add(entities::api_exception(e).what());
    }
    /// Whether any line holds `secret`.
    bool holds(std::string_view secret)
    {
        std::lock_guard lock(mutex);
        for (auto const& l : lines)
            if (!secret.empty() && l.find(secret) != std::string::npos) return true;
        return false;
    }
};

/// Runs `ioc` until `o` completes (within run_limit); true when it did.
template <class T>
bool wait(asio::io_context& ioc, outcome<T> const& o)
{
    return run_until(ioc, [&] { return o.done(); });
}

/// The token file's data (the tests read what the authenticator wrote).
inline std::optional<entities::detail::auth::token_file_data> read_file(std::string const& path)
{
    return entities::detail::auth::read_token_file(path).data;
}

/// A token file in the Python client's format, written by the test itself: the standard base64 of the JSON
/// object on one line, then NULs up to 20,480 bytes.
inline std::string python_token_file(std::string const& jwt, std::string const& csrf, std::string const& sub,
                                     std::string const& domain)
{
    namespace auth = entities::detail::auth;
    auto claims = auth::decode_jwt(jwt);
    boost::json::object o{{"sub", sub},
                          {"jwt", jwt},
                          {"jwt_data", claims ? claims->payload : boost::json::object{}},
                          {"csrf", csrf},
                          {"domain", domain}};
    auto line = auth::base64_encode(boost::json::serialize(o));
    line.resize(20480, '\0');
    return line;
}

/// Sets an environment variable for a scope, restoring what was there.
struct scoped_env {
    std::string name;
    std::optional<std::string> old;
    scoped_env(std::string n, std::optional<std::string> const& value) : name(std::move(n))
    {
        if (char const* v = std::getenv(name.c_str())) old = v;
        if (value)
            ::setenv(name.c_str(), value->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
    ~scoped_env()
    {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

} // namespace igtcloud::test::auth_kit
