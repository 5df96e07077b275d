// The ten Users operations of entities::session against the in-process mock server over real sockets, each
// with every completion style (callback, future, coroutine, deferred awaited and invoked): answers and
// errors.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <set>
#include <string>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(session_operations)

BOOST_DATA_TEST_CASE(returns_caller_on_get_me, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r = c.run<user_info>(kind, [&](auto tok) { return c.users.async_get_me(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(login_of(*r) == admin_login);
    auto const stored = c.srv.find_user_by_login(admin_login);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(r->user_uuid.value_or("?") == stored->user_uuid.value_or("!"));
    BOOST_TEST_REQUIRE(r->profile.has_value());
    BOOST_TEST(r->profile->given_name.value_or("") == "Admin");
    BOOST_TEST(route_count(c.srv, "GET /users/me") == 1u);
}

BOOST_DATA_TEST_CASE(fails_with_401_on_get_me_with_unknown_token, data::make(all_token_kinds), kind)
{
    auto c = unknown_token_client();
    auto const r = c.run<user_info>(kind, [&](auto tok) { return c.users.async_get_me(std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
}

BOOST_DATA_TEST_CASE(returns_user_on_get_user, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const uuid = add_user(c.srv, "ada", "ada@example.org");
    auto const r =
        c.run<user_info>(kind, [&](auto tok) { return c.users.async_get_user(uuid, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(login_of(*r) == "ada");
    BOOST_TEST(r->user_uuid.value_or("") == uuid);
    BOOST_TEST_REQUIRE(r->profile.has_value());
    BOOST_TEST_REQUIRE(r->profile->contact.has_value());
    BOOST_TEST(r->profile->contact->email_address.value_or("") == "ada@example.org");
}

BOOST_DATA_TEST_CASE(fails_with_404_on_get_user_of_unknown_uuid, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r = c.run<user_info>(
        kind, [&](auto tok) { return c.users.async_get_user("no-such-user", std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::not_found, "User not found");
    BOOST_TEST(route_count(c.srv, "GET /users/{user_uuid}") == 1u);
}

BOOST_DATA_TEST_CASE(returns_every_user_on_get_users, data::make(all_token_kinds), kind)
{
    mock_client c;
    add_user(c.srv, "ada", "ada@example.org");
    add_user(c.srv, "grace", "grace@example.org");
    auto const r = c.run<std::vector<user_info>>(
        kind, [&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->size() == c.srv.user_count());
    std::set<std::string> logins;
    for (auto const& u : *r) {
        logins.insert(login_of(u));
        BOOST_TEST(u.user_uuid.has_value());
    }
    BOOST_TEST((logins == std::set<std::string>{"ada", std::string(admin_login), "grace"}));
}

BOOST_DATA_TEST_CASE(fails_with_401_on_get_users_with_unknown_token, data::make(all_token_kinds), kind)
{
    auto c = unknown_token_client();
    auto const r = c.run<std::vector<user_info>>(
        kind, [&](auto tok) { return c.users.async_get_users(std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
}

BOOST_DATA_TEST_CASE(returns_region_config_on_get_user_storage, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r = c.run<entities::storage>(
        kind, [&](auto tok) { return c.users.async_get_user_storage("us-east-1", std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST_REQUIRE(r->config.has_value());
    BOOST_TEST(r->config->region.value_or("") == "us-east-1");
    BOOST_TEST(r->config->bucket.value_or("") == "igtcloud-users-us-east-1");
    auto const admin_uuid = c.srv.find_user_by_login(admin_login)->user_uuid.value_or("?");
    BOOST_TEST(r->config->key.value_or("") == "users/" + admin_uuid + "/");
    BOOST_TEST_REQUIRE(r->credentials.has_value());
    BOOST_TEST(r->credentials->access_key.value_or("").starts_with("ASIA"));
    BOOST_TEST(r->credentials->secret.value_or("").size() == 40u);
    BOOST_TEST_REQUIRE(r->credentials->expiration.has_value());
    BOOST_TEST((*r->credentials->expiration > std::chrono::system_clock::now() + 50min));

    auto const default_region = c.run<entities::storage>(
        kind, [&](auto tok) { return c.users.async_get_user_storage(std::move(tok)); });
    BOOST_TEST_REQUIRE(default_region.has_value());
    BOOST_TEST_REQUIRE(default_region->config.has_value());
    BOOST_TEST(default_region->config->region.value_or("") == "eu-west-1");
}

BOOST_DATA_TEST_CASE(fails_with_400_on_get_user_storage_of_unknown_region, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r = c.run<entities::storage>(
        kind, [&](auto tok) { return c.users.async_get_user_storage("mars-north-1", std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::bad_request, "Unknown region");
}

BOOST_DATA_TEST_CASE(creates_then_finds_user_on_post_users, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const users_before = c.srv.user_count();
    entities::user_create const ada{
        .name = "Ada", .family_name = "Lovelace", .email = "ada@example.org", .login_id = "ada"};
    auto post = [&](auto tok) { return c.users.async_post_users(ada, std::move(tok)); };

    auto const first = c.run<created<user_info>>(kind, post);
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->is_new); // 201
    BOOST_TEST(login_of(first->value) == "ada");
    BOOST_TEST_REQUIRE(first->value.profile.has_value());
    BOOST_TEST(first->value.profile->given_name.value_or("") == "Ada");
    BOOST_TEST(first->value.profile->family_name.value_or("") == "Lovelace");
    auto const uuid = first->value.user_uuid.value_or("");
    BOOST_TEST_REQUIRE(!uuid.empty());
    BOOST_TEST(c.srv.find_user(uuid).has_value());

    auto const second = c.run<created<user_info>>(kind, post);
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(!second->is_new); // 200: the existing user with that loginId
    BOOST_TEST(second->value.user_uuid.value_or("") == uuid);
    BOOST_TEST(c.srv.user_count() == users_before + 1);
    BOOST_TEST(route_count(c.srv, "POST /users") == 2u);
}

BOOST_DATA_TEST_CASE(fails_with_400_on_post_users_with_bad_email, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const users_before = c.srv.user_count();
    entities::user_create const bad{.email = "not-an-email", .login_id = "ada"};
    auto const r = c.run<created<user_info>>(
        kind, [&](auto tok) { return c.users.async_post_users(bad, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::bad_request,
                       "Input payload validation failed: 'email' is not an email address");
    BOOST_TEST(c.srv.user_count() == users_before);
}

BOOST_DATA_TEST_CASE(updates_user_on_put_user, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const uuid = add_user(c.srv, "ada", "ada@example.org");
    entities::user_create const update{.name = "Augusta", .email = "augusta@example.org", .login_id = "ada"};
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_put_user(uuid, update, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    auto const stored = c.srv.find_user(uuid);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST_REQUIRE(stored->profile.has_value());
    BOOST_TEST(stored->profile->given_name.value_or("") == "Augusta");
    BOOST_TEST_REQUIRE(stored->profile->contact.has_value());
    BOOST_TEST(stored->profile->contact->email_address.value_or("") == "augusta@example.org");
}

BOOST_DATA_TEST_CASE(fails_with_404_on_put_user_of_unknown_uuid, data::make(all_token_kinds), kind)
{
    mock_client c;
    entities::user_create const update{.email = "ada@example.org", .login_id = "ada"};
    auto const r = c.run<void>(
        kind, [&](auto tok) { return c.users.async_put_user("no-such-user", update, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::not_found, "User not found");
}

BOOST_DATA_TEST_CASE(removes_user_on_delete_user, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const uuid = add_user(c.srv, "ada", "ada@example.org");
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_delete_user(uuid, std::move(tok)); });
    BOOST_TEST(r.has_value());
    BOOST_TEST(!c.srv.find_user(uuid).has_value());
    BOOST_TEST(!c.srv.find_user_by_login("ada").has_value());
}

BOOST_DATA_TEST_CASE(fails_with_404_on_delete_user_of_unknown_uuid, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const users_before = c.srv.user_count();
    auto const r = c.run<void>(
        kind, [&](auto tok) { return c.users.async_delete_user("no-such-user", std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::not_found, "User not found");
    BOOST_TEST(c.srv.user_count() == users_before);
}

BOOST_DATA_TEST_CASE(returns_outcome_on_post_resend_activation, data::make(all_token_kinds), kind)
{
    mock_client c;
    add_user(c.srv, "ada", "ada@example.org");
    entities::user_activation_create const who{.login_id = "ada"};
    auto const r = c.run<entities::user_activation>(
        kind, [&](auto tok) { return c.users.async_post_resend_activation(who, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->resource_type.value_or("") == "OperationOutcome");
    BOOST_TEST_REQUIRE(r->issue.has_value());
    BOOST_TEST_REQUIRE(r->issue->size() == 1u);
    auto const& issue = r->issue->front();
    BOOST_TEST(issue.severity.value_or("") == "information");
    BOOST_TEST_REQUIRE(issue.details.has_value());
    BOOST_TEST(issue.details->text.value_or("") == "Activation email sent to ada@example.org");
    BOOST_TEST_REQUIRE(issue.details->coding.has_value());
    auto const coding = boost::json::parse(issue.details->coding->json);
    BOOST_TEST(coding.at("code").as_string() == "ACTIVATION_SENT");
}

BOOST_DATA_TEST_CASE(fails_with_400_on_post_resend_activation_of_unknown_login, data::make(all_token_kinds),
                     kind)
{
    mock_client c;
    entities::user_activation_create const who{.login_id = "nobody"};
    auto const r = c.run<entities::user_activation>(
        kind, [&](auto tok) { return c.users.async_post_resend_activation(who, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::bad_request, "Unknown loginId");
}

BOOST_DATA_TEST_CASE(succeeds_on_post_reset_mfa_of_known_login, data::make(all_token_kinds), kind)
{
    mock_client c;
    add_user(c.srv, "ada", "ada@example.org");
    entities::user_activation_create const who{.login_id = "ada"};
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_post_reset_mfa(who, std::move(tok)); });
    BOOST_TEST(r.has_value());
    BOOST_TEST(route_count(c.srv, "POST /users/$mfa-reset") == 1u);
}

BOOST_DATA_TEST_CASE(fails_with_400_on_post_reset_mfa_of_unknown_login, data::make(all_token_kinds), kind)
{
    mock_client c;
    entities::user_activation_create const who{.login_id = "nobody"};
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_post_reset_mfa(who, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::bad_request, "Unknown loginId");
}

BOOST_DATA_TEST_CASE(succeeds_on_post_user_profile, data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_post_user_profile(std::move(tok)); });
    BOOST_TEST(r.has_value());
    BOOST_TEST(route_count(c.srv, "POST /users/$profile") == 1u);
}

BOOST_DATA_TEST_CASE(fails_with_401_on_post_user_profile_with_unknown_token, data::make(all_token_kinds),
                     kind)
{
    auto c = unknown_token_client();
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_post_user_profile(std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
}

// The README's usage: the default token (deferred) co_awaited, the ten operations one after another.
BOOST_AUTO_TEST_CASE(runs_user_lifecycle_on_default_token_in_coroutine)
{
    mock_client c;
    std::vector<std::string> failures;
    bool finished = false;
    auto lifecycle = [&]() -> asio::awaitable<void> {
        auto users = c.users;
        auto note = [&](bool ok, char const* what) {
            if (!ok) failures.emplace_back(what);
        };
        entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
        auto made = co_await users.async_post_users(ada);
        note(made && made->is_new, "post_users");
        auto const uuid = made ? made->value.user_uuid.value_or("") : std::string();
        auto got = co_await users.async_get_user(uuid);
        note(got && got->login_id == "ada", "get_user");
        auto me = co_await users.async_get_me();
        note(me && me->login_id == std::string(admin_login), "get_me");
        auto all = co_await users.async_get_users();
        note(all && all->size() == 2, "get_users");
        auto where = co_await users.async_get_user_storage();
        note(where && where->config && where->config->region == "eu-west-1", "get_user_storage");
        entities::user_create const renamed{.name = "Augusta", .email = "ada@example.org", .login_id = "ada"};
        auto put = co_await users.async_put_user(uuid, renamed);
        note(put.has_value(), "put_user");
        entities::user_activation_create const who{.login_id = "ada"};
        auto sent = co_await users.async_post_resend_activation(who);
        note(sent && sent->resource_type == "OperationOutcome", "post_resend_activation");
        auto mfa = co_await users.async_post_reset_mfa(who);
        note(mfa.has_value(), "post_reset_mfa");
        auto profile = co_await users.async_post_user_profile();
        note(profile.has_value(), "post_user_profile");
        auto deleted = co_await users.async_delete_user(uuid);
        note(deleted.has_value(), "delete_user");
        auto gone = co_await users.async_get_user(uuid);
        note(!gone && gone.error().code == entities::http_status::not_found, "get_user after delete");
        finished = true;
    };
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(c.ioc, lifecycle, [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    BOOST_TEST_REQUIRE(test::run_until(c.ioc, [&] { return done; }));
    if (failure) std::rethrow_exception(failure);
    BOOST_TEST(finished);
    BOOST_TEST(failures.empty(), "failed steps: " << failures.size()
                                                  << (failures.empty() ? "" : " first: " + failures.front()));
    BOOST_TEST(c.srv.stats().requests_served == 11u);
    BOOST_TEST(c.srv.stats().connections_accepted == 1u); // keep-alive: one connection for all of them
}

BOOST_AUTO_TEST_SUITE_END()
