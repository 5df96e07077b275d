// Sessions for the operation tests: on a mock server or on a scripted peer, with the checks they share.
#pragma once

#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/run_as.hpp"
#include "support/scripted_server.hpp"
#include "support/ten_operations.hpp"

// Not an anonymous namespace: data test cases are templates that capture these types.
namespace igtcloud::test::clients {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
namespace test = igtcloud::test;
using entities::api_error;
using entities::api_result;
using entities::created;
using entities::user_info;
using test::all_token_kinds;
using test::run_as;
using test::token_kind;

inline constexpr std::string_view admin_login = "admin@example.org";
inline constexpr std::string_view unknown_token_message = "Missing or unknown X-JWT / X-CSRF-TOKEN";

/// A session on this thread's io_context, talking to a mock server that runs its own thread.
struct mock_client {
    explicit mock_client(mock::options server = {}, std::string jwt = "mock-token")
        : srv(std::move(server))
        , session(ioc.get_executor(), {.base_url = srv.base_url(), .jwt = std::move(jwt)})
    {}

    template <class T, class Op>
    api_result<T> run(token_kind kind, Op&& op)
    {
        return run_as<T>(kind, ioc, std::forward<Op>(op));
    }

    std::uint64_t served() const { return srv.stats().requests_served; }

    asio::io_context ioc;
    mock::server srv;
    entities::session session;
    entities::users_api users = session.users();
};

/// A client whose token the mock does not know: every operation is answered 401.
inline mock_client unknown_token_client()
{
    return mock_client{mock::options{}, "no-such-token"};
}

inline std::string add_user(mock::server& srv, std::string login, std::string email)
{
    auto const u =
        srv.add_user(entities::user_create{.email = std::move(email), .login_id = std::move(login)});
    BOOST_TEST_REQUIRE(u.user_uuid.has_value());
    return *u.user_uuid;
}

template <class T>
api_error error_of(api_result<T> const& r)
{
    BOOST_TEST_REQUIRE(!r.has_value());
    return r.error();
}

inline void check_client_error(api_error const& e, entities::http_status code, std::string_view message)
{
    BOOST_TEST(e.status == static_cast<unsigned>(code));
    BOOST_TEST((e.code == code));
    BOOST_TEST((e.code == entities::condition::client_error));
    BOOST_TEST(!(e.code == entities::condition::server_error));
    BOOST_TEST(!(e.code == entities::condition::transport_error));
    BOOST_TEST(e.message == message);
    BOOST_TEST(e.to_string() ==
               "HTTP " + std::to_string(static_cast<int>(code)) + ": " + std::string(message));
}

inline void check_invalid_argument(api_error const& e)
{
    BOOST_TEST((e.code == entities::error::invalid_argument));
    BOOST_TEST(e.status == 0u);
    BOOST_TEST(!e.message.empty());
}

inline std::uint64_t route_count(mock::server const& srv, std::string const& route)
{
    auto const s = srv.stats();
    auto const it = s.requests_by_route.find(route);
    return it == s.requests_by_route.end() ? 0 : it->second;
}

inline std::string login_of(user_info const& u)
{
    return u.login_id.value_or("<absent>");
}

/// A session on this thread's io_context, talking to a scripted peer (by default answering as the service
/// would); `prefix` is the base URL's path.
struct scripted_client {
    explicit scripted_client(
        entities::session_options o = {}, std::string const& prefix = "/data",
        test::responder respond = [](test::request const& r, std::size_t,
                                     std::size_t) { return answer_as_service(r); })
        : peer(std::move(respond))
        , session(ioc.get_executor(), with_url(std::move(o), prefix))
    {}

    entities::session_options with_url(entities::session_options o, std::string const& prefix) const
    {
        o.base_url = "http://127.0.0.1:" + std::to_string(peer.port()) + prefix;
        return o;
    }

    template <class T, class Op>
    api_result<T> run(Op&& op)
    {
        return run_as<T>(token_kind::callback, ioc, std::forward<Op>(op));
    }

    /// The request received last.
    test::request last() const
    {
        auto const all = peer.received();
        BOOST_TEST_REQUIRE(!all.empty());
        return all.back();
    }

    asio::io_context ioc;
    test::scripted_server peer;
    entities::session session;
    entities::users_api users = session.users();
};

inline std::string target_of(test::request const& r)
{
    return std::string(r.target());
}
inline bool has_header(test::request const& r, std::string_view name)
{
    return r.find(name) != r.end();
}
inline std::string header(test::request const& r, std::string_view name)
{
    auto const it = r.find(name);
    return it == r.end() ? std::string("<absent>") : std::string(it->value());
}

/// Runs the ten operations once each (in DESIGN §2's order) and requires each to succeed.
inline void run_ten(scripted_client& c, std::string const& uuid, entities::request_options const& opts = {})
{
    entities::user_create const ada{.family_name = "Lovelace", .email = "ada@example.org", .login_id = "ada"};
    entities::user_activation_create const who{.login_id = "ada"};
    auto& u = c.users;
    BOOST_TEST(c.run<user_info>([&](auto t) { return u.async_get_me(opts, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<user_info>([&](auto t) { return u.async_get_user(uuid, opts, std::move(t)); }).has_value());
    BOOST_TEST(c.run<std::vector<user_info>>([&](auto t) {
                    return u.async_get_users(opts, std::move(t));
                }).has_value());
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return u.async_get_user_storage("eu-west-1", opts, std::move(t));
                }).has_value());
    BOOST_TEST(c.run<created<user_info>>([&](auto t) {
                    return u.async_post_users(ada, opts, std::move(t));
                }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return u.async_put_user(uuid, ada, opts, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return u.async_delete_user(uuid, opts, std::move(t)); }).has_value());
    BOOST_TEST(c.run<entities::user_activation>([&](auto t) {
                    return u.async_post_resend_activation(who, opts, std::move(t));
                }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return u.async_post_reset_mfa(who, opts, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return u.async_post_user_profile(opts, std::move(t)); }).has_value());
}

} // namespace igtcloud::test::clients
