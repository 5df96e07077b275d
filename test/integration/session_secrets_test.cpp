// No token in any error text of entities::session: 401s, refused connections, timeouts, server and protocol
// errors, and the api_exception that value() throws.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view secret_jwt = "jwt-SECRET-7f3c9a";
constexpr std::string_view secret_csrf = "csrf-SECRET-b41d";

/// Neither token appears in the error's message, its to_string(), or the api_exception that value() throws.
template <class T>
void check_no_secret(api_result<T> const& r)
{
    auto const e = error_of(r);
    std::string what;
    try {
        (void)r.value();
        BOOST_ERROR("value() did not throw");
    } catch (entities::api_exception const& x) {
        what = x.what();
        BOOST_TEST((x.error() == e));
    }
    BOOST_TEST(what == e.to_string());
    for (auto const& text : {e.message, e.to_string(), what}) {
        BOOST_TEST(text.find(secret_jwt) == std::string::npos, "text: " << text);
        BOOST_TEST(text.find(secret_csrf) == std::string::npos, "text: " << text);
        BOOST_TEST(text.find("SECRET") == std::string::npos, "text: " << text);
    }
}

entities::session_options secret_options(std::string base_url)
{
    return {.base_url = std::move(base_url),
            .jwt = std::string(secret_jwt),
            .csrf_token = std::string(secret_csrf)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(session_secrets)

BOOST_AUTO_TEST_CASE(keeps_tokens_out_of_error_on_401_for_unknown_token)
{
    asio::io_context ioc;
    mock::server srv;
    entities::session s{ioc.get_executor(), secret_options(srv.base_url())};
    auto users = s.users();
    auto const me = run_as<user_info>(token_kind::callback, ioc,
                                      [&](auto t) { return users.async_get_me(std::move(t)); });
    check_client_error(error_of(me), entities::http_status::unauthorized, unknown_token_message);
    check_no_secret(me);
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    auto const made = run_as<created<user_info>>(
        token_kind::future, ioc, [&](auto t) { return users.async_post_users(ada, std::move(t)); });
    check_no_secret(made);
    BOOST_TEST(srv.user_count() == 1u);
}

BOOST_AUTO_TEST_CASE(keeps_tokens_out_of_error_on_connection_refused)
{
    asio::io_context ioc;
    entities::session s{
        ioc.get_executor(),
        secret_options("http://127.0.0.1:" + std::to_string(igtcloud::test::kit::unused_port()) + "/data")};
    auto users = s.users();
    auto const me = run_as<user_info>(token_kind::callback, ioc,
                                      [&](auto t) { return users.async_get_me(std::move(t)); });
    auto const e = error_of(me);
    BOOST_TEST((e.code == asio::error::connection_refused));
    BOOST_TEST((e.code == entities::condition::transport_error));
    BOOST_TEST(e.status == 0u);
    check_no_secret(me);
    entities::user_activation_create const who{.login_id = "ada"};
    check_no_secret(run_as<void>(token_kind::coroutine, ioc,
                                 [&](auto t) { return users.async_post_reset_mfa(who, std::move(t)); }));
}

BOOST_AUTO_TEST_CASE(keeps_tokens_out_of_error_on_timeout)
{
    asio::io_context ioc;
    test::scripted_server peer{
        [](auto const&, std::size_t, std::size_t) { return test::reply{.stall = true}; }};
    auto o = secret_options(peer.base_url());
    o.request_timeout = 200ms;
    entities::session s{ioc.get_executor(), o};
    auto users = s.users();
    auto const started = std::chrono::steady_clock::now();
    auto const me = run_as<user_info>(token_kind::callback, ioc,
                                      [&](auto t) { return users.async_get_me(std::move(t)); });
    BOOST_TEST((std::chrono::steady_clock::now() - started < 3s));
    auto const e = error_of(me);
    BOOST_TEST((e.code == entities::error::timeout));
    BOOST_TEST((e.code == entities::condition::transport_error));
    BOOST_TEST(e.status == 0u);
    check_no_secret(me);
    BOOST_TEST_REQUIRE(peer.received().size() == 1u); // it did reach the peer, with the tokens
    BOOST_TEST(header(peer.received().front(), "X-JWT") == secret_jwt);
}

BOOST_AUTO_TEST_CASE(keeps_tokens_out_of_error_on_server_and_protocol_errors)
{
    asio::io_context ioc;
    test::scripted_server peer{[](test::request const& req, std::size_t, std::size_t index) {
        if (index % 2 == 0) return test::reply{test::http_answer(500, "internal trouble", {}, "text/plain")};
        (void)req;
        return test::reply{test::http_answer(200, "{not json")};
    }};
    entities::session s{ioc.get_executor(), secret_options(peer.base_url())};
    auto users = s.users();
    auto const server_error = run_as<user_info>(token_kind::callback, ioc,
                                                [&](auto t) { return users.async_get_me(std::move(t)); });
    BOOST_TEST((error_of(server_error).code == entities::condition::server_error));
    BOOST_TEST(error_of(server_error).status == 500u);
    check_no_secret(server_error);
    auto const bad_json = run_as<user_info>(token_kind::callback, ioc,
                                            [&](auto t) { return users.async_get_me(std::move(t)); });
    BOOST_TEST((error_of(bad_json).code == entities::condition::protocol_error));
    check_no_secret(bad_json);
}

BOOST_AUTO_TEST_SUITE_END()
