// Bad input refused by entities::session before anything reaches the wire: control characters in header
// values, bad user UUIDs, bad session options and base URLs; no secret in the exceptions.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(session_input_validation)

BOOST_DATA_TEST_CASE(fails_without_sending_on_control_character_in_fields,
                     data::make(std::vector<std::string>{"{loginId}\r\nX-Evil: 1", "loginId\n", "loginId\r",
                                                         std::string("loginId\0,userUUID", 17),
                                                         "login\x7FId"}),
                     text)
{
    mock_client c;
    entities::request_options const mask{.fields = text};
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    entities::user_activation_create const who{.login_id = "ada"};
    auto& u = c.users;
    check_invalid_argument(error_of(
        c.run<user_info>(token_kind::callback, [&](auto t) { return u.async_get_me(mask, std::move(t)); })));
    check_invalid_argument(error_of(c.run<user_info>(
        token_kind::callback, [&](auto t) { return u.async_get_user("u-1", mask, std::move(t)); })));
    check_invalid_argument(error_of(c.run<std::vector<user_info>>(
        token_kind::future, [&](auto t) { return u.async_get_users(mask, std::move(t)); })));
    check_invalid_argument(error_of(c.run<entities::storage>(token_kind::coroutine, [&](auto t) {
        return u.async_get_user_storage("eu-west-1", mask, std::move(t));
    })));
    check_invalid_argument(error_of(c.run<created<user_info>>(
        token_kind::deferred_invoked, [&](auto t) { return u.async_post_users(ada, mask, std::move(t)); })));
    check_invalid_argument(
        error_of(c.run<entities::user_activation>(token_kind::deferred_awaited, [&](auto t) {
            return u.async_post_resend_activation(who, mask, std::move(t));
        })));
    BOOST_TEST(c.served() == 0u);
    BOOST_TEST(c.srv.stats().connections_accepted == 0u);
    BOOST_TEST(c.srv.user_count() == 1u);
    auto const ok =
        c.run<user_info>(token_kind::callback, [&](auto t) { return u.async_get_me(std::move(t)); });
    BOOST_TEST(ok.has_value());
    BOOST_TEST(c.served() == 1u);
}

BOOST_DATA_TEST_CASE(fails_without_sending_on_bad_user_uuid,
                     data::make(std::vector<std::string>{"", ".", ".."}), uuid)
{
    mock_client c;
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    auto& u = c.users;
    for (auto kind : all_token_kinds) {
        BOOST_TEST_CONTEXT(kind)
        {
            check_invalid_argument(error_of(
                c.run<user_info>(kind, [&](auto t) { return u.async_get_user(uuid, std::move(t)); })));
            check_invalid_argument(error_of(
                c.run<void>(kind, [&](auto t) { return u.async_put_user(uuid, ada, std::move(t)); })));
            check_invalid_argument(
                error_of(c.run<void>(kind, [&](auto t) { return u.async_delete_user(uuid, std::move(t)); })));
        }
    }
    BOOST_TEST(c.served() == 0u);
    BOOST_TEST(c.srv.stats().connections_accepted == 0u);
    auto const ok =
        c.run<user_info>(token_kind::callback, [&](auto t) { return u.async_get_me(std::move(t)); });
    BOOST_TEST(ok.has_value());
    BOOST_TEST(c.served() == 1u);
}

BOOST_AUTO_TEST_CASE(completes_after_initiation_returns_on_invalid_argument)
{
    mock_client c;
    bool called = false;
    c.users.async_get_user("", [&](api_result<user_info> r) {
        called = true;
        BOOST_TEST((r.error().code == entities::error::invalid_argument));
    });
    BOOST_TEST(!called); // never completes inside the initiating call
    BOOST_TEST(test::run_until(c.ioc, [&] { return called; }));
}

BOOST_AUTO_TEST_CASE(throws_without_token_on_control_character_in_token_or_user_agent)
{
    asio::io_context ioc;
    std::string const secret = "tok-SECRET-4242";
    std::vector<entities::session_options> const bad{
        {.base_url = "http://127.0.0.1:1/data", .jwt = secret + "\r\nInjected: yes"},
        {.base_url = "http://127.0.0.1:1/data", .jwt = secret + "\n"},
        {.base_url = "http://127.0.0.1:1/data", .csrf_token = secret + std::string(1, '\0') + "x"},
        {.base_url = "http://127.0.0.1:1/data", .jwt = secret, .csrf_token = "a\rb"},
        {.base_url = "http://127.0.0.1:1/data", .jwt = secret, .user_agent = "agent\r\nX-Evil: 1"},
        {.base_url = "http://127.0.0.1:1/data", .jwt = secret, .max_connections = 0},
    };
    for (std::size_t i = 0; i < bad.size(); ++i) {
        BOOST_TEST_CONTEXT("options " << i)
        {
            try {
                entities::session s{ioc.get_executor(), bad[i]};
                BOOST_ERROR("the session was constructed");
            } catch (std::invalid_argument const& e) {
                std::string const what = e.what();
                BOOST_TEST(!what.empty());
                BOOST_TEST(what.find(secret) == std::string::npos, "what(): " << what);
                BOOST_TEST(what.find("Injected") == std::string::npos);
            }
        }
    }
}

BOOST_DATA_TEST_CASE(throws_without_token_on_bad_base_url,
                     data::make(std::vector<std::string>{
                         "ftp://127.0.0.1/data", "http://alice:hunter2@127.0.0.1/data",
                         "http://127.0.0.1/data?x=1", "http://127.0.0.1/data#top", "", "127.0.0.1/data",
                         "http:///data", "http://127.0.0.1:99999/data", "http://127.0.0.1/da ta"}),
                     url)
{
    asio::io_context ioc;
    std::string const secret = "tok-SECRET-4242";
    try {
        entities::session s{ioc.get_executor(),
                            {.base_url = url, .jwt = secret, .csrf_token = secret + "-csrf"}};
        BOOST_ERROR("the session was constructed");
    } catch (std::invalid_argument const& e) {
        std::string const what = e.what();
        BOOST_TEST(what.find("base_url") != std::string::npos, "what(): " << what);
        BOOST_TEST(what.find(secret) == std::string::npos, "what(): " << what);
        BOOST_TEST(what.find("hunter2") == std::string::npos, "what(): " << what);
    }
}

BOOST_AUTO_TEST_SUITE_END()
