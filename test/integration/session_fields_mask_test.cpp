// X-Fields masks through entities::session against the mock server: masked answers, and malformed masks
// refused before anything is sent.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(session_fields_mask)

BOOST_DATA_TEST_CASE(returns_only_masked_members_on_fields_mask, data::make(all_token_kinds), kind)
{
    mock_client c;
    entities::request_options const mask{.fields = "{loginId,profile{givenName}}"};
    auto const r =
        c.run<user_info>(kind, [&](auto tok) { return c.users.async_get_me(mask, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(login_of(*r) == admin_login);
    BOOST_TEST_REQUIRE(r->profile.has_value());
    BOOST_TEST(r->profile->given_name.value_or("") == "Admin");
    BOOST_TEST(!r->user_uuid.has_value());
    BOOST_TEST(!r->settings.has_value());
    BOOST_TEST(!r->account_status.has_value());
    BOOST_TEST(!r->profile->family_name.has_value());
    BOOST_TEST(!r->profile->contact.has_value());
    BOOST_TEST(!r->profile->roles.has_value());
}

BOOST_AUTO_TEST_CASE(masks_every_element_on_get_users_with_fields_mask)
{
    mock_client c{mock::options{.seed_users = 3}};
    entities::request_options const mask{.fields = "loginId,userUUID"};
    auto const r = c.run<std::vector<user_info>>(
        token_kind::callback, [&](auto tok) { return c.users.async_get_users(mask, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->size() == 4u);
    for (auto const& u : *r) {
        BOOST_TEST(u.login_id.has_value());
        BOOST_TEST(u.user_uuid.has_value());
        BOOST_TEST(!u.profile.has_value());
        BOOST_TEST(!u.settings.has_value());
        BOOST_TEST(!u.account_status.has_value());
    }
}

BOOST_AUTO_TEST_CASE(masks_answer_on_post_users_and_get_user_with_fields_mask)
{
    mock_client c;
    entities::request_options const mask{.fields = "{userUUID}"};
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    auto const made = c.run<created<user_info>>(
        token_kind::coroutine, [&](auto tok) { return c.users.async_post_users(ada, mask, std::move(tok)); });
    BOOST_TEST_REQUIRE(made.has_value());
    BOOST_TEST(made->is_new);
    BOOST_TEST(!made->value.login_id.has_value());
    BOOST_TEST_REQUIRE(made->value.user_uuid.has_value());
    entities::request_options const contact_only{.fields = "profile{contact{emailAddress}}"};
    auto const got = c.run<user_info>(token_kind::future, [&](auto tok) {
        return c.users.async_get_user(*made->value.user_uuid, contact_only, std::move(tok));
    });
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(!got->login_id.has_value());
    BOOST_TEST_REQUIRE(got->profile.has_value());
    BOOST_TEST(!got->profile->given_name.has_value());
    BOOST_TEST_REQUIRE(got->profile->contact.has_value());
    BOOST_TEST(got->profile->contact->email_address.value_or("") == "ada@example.org");
    BOOST_TEST(!got->profile->contact->mobile_phone.has_value());
}

BOOST_DATA_TEST_CASE(fails_without_sending_on_malformed_mask,
                     data::make(std::vector<std::string>{"{loginId", "loginId,,userUUID", "", "{}", "a b",
                                                         "profile{givenName"}),
                     text)
{
    mock_client c;
    entities::request_options const mask{.fields = text};
    auto const me = c.run<user_info>(token_kind::callback,
                                     [&](auto tok) { return c.users.async_get_me(mask, std::move(tok)); });
    check_invalid_argument(error_of(me));
    BOOST_TEST(error_of(me).message.starts_with("invalid X-Fields mask"));
    auto const list = c.run<std::vector<user_info>>(
        token_kind::coroutine, [&](auto tok) { return c.users.async_get_users(mask, std::move(tok)); });
    check_invalid_argument(error_of(list));
    BOOST_TEST(c.served() == 0u);
    BOOST_TEST(c.srv.stats().connections_accepted == 0u);
    BOOST_TEST(c.session.stats().created == 0u);
    // The session still works, and only that request reached the server.
    auto const ok = c.run<user_info>(token_kind::callback,
                                     [&](auto tok) { return c.users.async_get_me(std::move(tok)); });
    BOOST_TEST(ok.has_value());
    BOOST_TEST(c.served() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
