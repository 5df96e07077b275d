// The ten Users operations of entities::session against the in-process mock server over real sockets (and a
// scripted peer to see what goes on the wire): every completion style, X-Fields masks, bad input refused
// before anything is sent, no secret in any error text, TLS, and completion on the handler's executor.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/run_as.hpp"
#include "support/scripted_server.hpp"
#include "support/tls_certs.hpp"

namespace session_ops_test {

namespace asio = boost::asio;
namespace data = boost::unit_test::data;
namespace entities = igtcloud::entities;
namespace http = boost::beast::http;
namespace mock = igtcloud::mock;
namespace test = igtcloud::test;
using namespace std::chrono_literals;
using entities::api_error;
using entities::api_result;
using entities::created;
using entities::user_info;
using test::all_token_kinds;
using test::run_as;
using test::token_kind;

constexpr std::string_view admin_login = "admin@example.org";
constexpr std::string_view unknown_token_message = "Missing or unknown X-JWT / X-CSRF-TOKEN";

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
mock_client unknown_token_client()
{
    return mock_client{mock::options{}, "no-such-token"};
}

std::string add_user(mock::server& srv, std::string login, std::string email)
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

void check_client_error(api_error const& e, entities::http_status code, std::string_view message)
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

void check_invalid_argument(api_error const& e)
{
    BOOST_TEST((e.code == entities::error::invalid_argument));
    BOOST_TEST(e.status == 0u);
    BOOST_TEST(!e.message.empty());
}

std::uint64_t route_count(mock::server const& srv, std::string const& route)
{
    auto const s = srv.stats();
    auto const it = s.requests_by_route.find(route);
    return it == s.requests_by_route.end() ? 0 : it->second;
}

std::string login_of(user_info const& u)
{
    return u.login_id.value_or("<absent>");
}

} // namespace session_ops_test

using namespace session_ops_test; // not anonymous: data test cases are templates that capture these types

// ---------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------
namespace session_ops_test {

constexpr std::string_view canned_user = R"({"loginId":"ada","userUUID":"u-1"})";

/// Answers each request as the real service would, enough for every operation to succeed.
test::reply canned(test::request const& req, std::size_t, std::size_t)
{
    std::string_view const target(req.target().data(), req.target().size());
    auto const path = target.substr(0, target.find('?'));
    auto const m = req.method();
    if (m == http::verb::put || m == http::verb::delete_ || path.ends_with("/$mfa-reset") ||
        path.ends_with("/$profile"))
        return {test::http_answer(204, "")};
    if (path.ends_with("/$resend-activation"))
        return {test::http_answer(200, R"({"resourceType":"OperationOutcome"})")};
    if (path.ends_with("/$storage")) return {test::http_answer(200, R"({"config":{"region":"eu-west-1"}})")};
    if (m == http::verb::post) return {test::http_answer(201, canned_user)};
    if (path.ends_with("/users")) return {test::http_answer(200, "[" + std::string(canned_user) + "]")};
    return {test::http_answer(200, canned_user)};
}

/// A session on this thread's io_context, talking to a scripted peer; `prefix` is the base URL's path.
struct scripted_client {
    explicit scripted_client(entities::session_options o = {}, std::string const& prefix = "/data",
                             test::responder respond = canned)
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

std::string target_of(test::request const& r)
{
    return std::string(r.target());
}
bool has_header(test::request const& r, std::string_view name)
{
    return r.find(name) != r.end();
}
std::string header(test::request const& r, std::string_view name)
{
    auto const it = r.find(name);
    return it == r.end() ? std::string("<absent>") : std::string(it->value());
}

/// Runs the ten operations once each (in DESIGN §2's order) and requires each to succeed.
void run_ten(scripted_client& c, std::string const& uuid, entities::request_options const& opts = {})
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

} // namespace session_ops_test

BOOST_AUTO_TEST_SUITE(session_wire)

BOOST_AUTO_TEST_CASE(sends_method_target_and_common_headers_on_every_operation)
{
    scripted_client c{{.jwt = "jwt-value", .csrf_token = "csrf-value", .user_agent = "ops-test/1.0"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    struct expected {
        http::verb method;
        std::string target;
    };
    std::vector<expected> const want{
        {http::verb::get, "/data/users/me"},
        {http::verb::get, "/data/users/u-1"},
        {http::verb::get, "/data/users"},
        {http::verb::get, "/data/users/$storage?region=eu-west-1"},
        {http::verb::post, "/data/users"},
        {http::verb::put, "/data/users/u-1"},
        {http::verb::delete_, "/data/users/u-1"},
        {http::verb::post, "/data/users/$resend-activation"},
        {http::verb::post, "/data/users/$mfa-reset"},
        {http::verb::post, "/data/users/$profile"},
    };
    auto const host = "127.0.0.1:" + std::to_string(c.peer.port());
    for (std::size_t i = 0; i < want.size(); ++i) {
        BOOST_TEST_CONTEXT("request " << i << ": " << want[i].target)
        {
            auto const& r = got[i];
            BOOST_TEST((r.method() == want[i].method));
            BOOST_TEST(target_of(r) == want[i].target);
            BOOST_TEST(r.version() == 11u);
            BOOST_TEST(header(r, "Host") == host);
            BOOST_TEST(header(r, "Accept") == "application/json");
            BOOST_TEST(header(r, "User-Agent") == "ops-test/1.0");
            BOOST_TEST(header(r, "X-JWT") == "jwt-value");
            BOOST_TEST(header(r, "X-CSRF-TOKEN") == "csrf-value");
            BOOST_TEST(!has_header(r, "X-Fields"));
            BOOST_TEST(!has_header(r, "Transfer-Encoding"));
        }
    }
    BOOST_TEST(c.peer.connections() == 1u); // keep-alive across all ten
}

BOOST_AUTO_TEST_CASE(sends_no_body_on_get_delete_and_post_profile)
{
    scripted_client c{{.jwt = "jwt-value"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 9u}) {
        BOOST_TEST_CONTEXT("request " << i << ": " << target_of(got[i]))
        {
            BOOST_TEST(got[i].body().empty());
            BOOST_TEST(!has_header(got[i], "Content-Type"));
            BOOST_TEST((!has_header(got[i], "Content-Length") || header(got[i], "Content-Length") == "0"));
        }
    }
}

BOOST_AUTO_TEST_CASE(sends_camel_case_json_without_absent_members_on_bodies)
{
    scripted_client c{{.jwt = "jwt-value"}};
    run_ten(c, "u-1");
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    auto const user_body =
        boost::json::value{{"familyName", "Lovelace"}, {"email", "ada@example.org"}, {"loginId", "ada"}};
    auto const who_body = boost::json::value{{"loginId", "ada"}};
    struct expected {
        std::size_t index;
        boost::json::value body;
    };
    for (auto const& [i, body] :
         {expected{4, user_body}, expected{5, user_body}, expected{7, who_body}, expected{8, who_body}}) {
        BOOST_TEST_CONTEXT("request " << i << ": " << target_of(got[i]))
        {
            BOOST_TEST(header(got[i], "Content-Type") == "application/json");
            BOOST_TEST(header(got[i], "Content-Length") == std::to_string(got[i].body().size()));
            boost::system::error_code ec;
            auto const sent = boost::json::parse(got[i].body(), ec);
            BOOST_TEST_REQUIRE(!ec);
            BOOST_TEST_REQUIRE(sent.is_object());
            BOOST_TEST(sent == body, "sent " << got[i].body());
            BOOST_TEST(got[i].body().find("null") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(sends_only_configured_tokens_on_jwt_or_csrf_alone)
{
    {
        scripted_client c{{.jwt = "only-jwt"}};
        BOOST_TEST(
            c.run<void>([&](auto t) { return c.users.async_post_user_profile(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(header(r, "X-JWT") == "only-jwt");
        BOOST_TEST(!has_header(r, "X-CSRF-TOKEN"));
        BOOST_TEST(header(r, "User-Agent").starts_with("igtcloud-cpp/"));
    }
    {
        scripted_client c{{.csrf_token = "only-csrf"}};
        BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(header(r, "X-CSRF-TOKEN") == "only-csrf");
        BOOST_TEST(!has_header(r, "X-JWT"));
    }
    {
        scripted_client c{};
        BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
        auto const r = c.last();
        BOOST_TEST(!has_header(r, "X-JWT"));
        BOOST_TEST(!has_header(r, "X-CSRF-TOKEN"));
    }
}

BOOST_AUTO_TEST_CASE(encodes_user_uuid_as_one_segment_on_reserved_characters)
{
    scripted_client c{{.jwt = "jwt-value"}};
    entities::user_create const ada{.email = "ada@example.org", .login_id = "ada"};
    std::string const uuid = "a b/../c";
    BOOST_TEST(
        c.run<user_info>([&](auto t) { return c.users.async_get_user(uuid, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_put_user(uuid, ada, std::move(t)); }).has_value());
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_delete_user(uuid, std::move(t)); }).has_value());
    BOOST_TEST(c.run<user_info>([&](auto t) {
                    return c.users.async_get_user("\xC3\xA9?#%", std::move(t));
                }).has_value());
    auto const targets = c.peer.targets();
    BOOST_TEST_REQUIRE(targets.size() == 4u);
    BOOST_TEST(targets[0] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[1] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[2] == "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(targets[3] == "/data/users/%C3%A9%3F%23%25");
}

BOOST_AUTO_TEST_CASE(reaches_user_route_on_user_uuid_with_slashes_against_mock)
{
    mock_client c;
    auto const r = c.run<user_info>(token_kind::callback,
                                    [&](auto t) { return c.users.async_get_user("a b/../c", std::move(t)); });
    check_client_error(error_of(r), entities::http_status::not_found, "User not found");
    BOOST_TEST(route_count(c.srv, "GET /users/{user_uuid}") == 1u); // one segment, not a traversal
}

BOOST_AUTO_TEST_CASE(encodes_region_query_on_reserved_characters)
{
    scripted_client c{{.jwt = "jwt-value"}};
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage("eu west/1?&=#+", std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == "/data/users/$storage?region=eu%20west%2F1%3F%26%3D%23%2B");
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage(std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == "/data/users/$storage");
}

BOOST_AUTO_TEST_CASE(sends_x_fields_only_when_given_on_masked_operations)
{
    scripted_client c{{.jwt = "jwt-value"}};
    entities::request_options const mask{.fields = "{loginId,profile{givenName}}"};
    run_ten(c, "u-1", mask);
    auto const got = c.peer.received();
    BOOST_TEST_REQUIRE(got.size() == 10u);
    // The spec lists X-Fields for the operations that answer JSON only; the others never send it.
    for (std::size_t i : {0u, 1u, 2u, 3u, 4u, 7u})
        BOOST_TEST(header(got[i], "X-Fields") == "{loginId,profile{givenName}}", "request " << i);
    for (std::size_t i : {5u, 6u, 8u, 9u})
        BOOST_TEST(!has_header(got[i], "X-Fields"), "request " << i);
    BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(!has_header(c.last(), "X-Fields"));
}

BOOST_DATA_TEST_CASE(honours_prefix_on_custom_base_url_path,
                     data::make(std::vector<std::string>{"/api/v2", "/api/v2/", ""}) ^
                         data::make(std::vector<std::string>{"/api/v2", "/api/v2", ""}),
                     prefix, expected)
{
    scripted_client c{{.jwt = "jwt-value"}, prefix};
    BOOST_TEST(c.run<user_info>([&](auto t) { return c.users.async_get_me(std::move(t)); }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/me");
    BOOST_TEST(
        c.run<void>([&](auto t) { return c.users.async_delete_user("u-1", std::move(t)); }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/u-1");
    BOOST_TEST(c.run<entities::storage>([&](auto t) {
                    return c.users.async_get_user_storage("us-east-1", std::move(t));
                }).has_value());
    BOOST_TEST(target_of(c.last()) == expected + "/users/$storage?region=us-east-1");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------
namespace session_ops_test {

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

std::uint16_t closed_port()
{
    asio::io_context ioc;
    asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port(); // closed when the acceptor goes
}

} // namespace session_ops_test

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
    entities::session s{ioc.get_executor(),
                        secret_options("http://127.0.0.1:" + std::to_string(closed_port()) + "/data")};
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

// ---------------------------------------------------------------------------------------------------------
namespace session_ops_test {

mock::options tls_server(std::filesystem::path const& cert, std::filesystem::path const& key,
                         std::chrono::milliseconds latency = 0ms)
{
    return mock::options{.tls_cert_file = cert.string(), .tls_key_file = key.string(), .latency = latency};
}

std::string https_url(std::string_view host, std::uint16_t port)
{
    return "https://" + std::string(host) + ":" + std::to_string(port) + "/data";
}

api_result<user_info> get_me_over(mock::server& srv, entities::session_options o)
{
    asio::io_context ioc;
    o.jwt = srv.default_token();
    entities::session s{ioc.get_executor(), std::move(o)};
    auto users = s.users();
    return run_as<user_info>(token_kind::callback, ioc,
                             [&](auto t) { return users.async_get_me(std::move(t)); });
}

void check_tls_failure(api_result<user_info> const& r)
{
    auto const e = error_of(r);
    BOOST_TEST(e.status == 0u);
    BOOST_TEST((e.code == entities::condition::transport_error),
               "code: " << e.code.category().name() << ':' << e.code.value());
    BOOST_TEST(std::string_view(e.code.category().name()).starts_with("asio.ssl"),
               "category: " << e.code.category().name());
}

} // namespace session_ops_test

BOOST_AUTO_TEST_SUITE(session_tls)

BOOST_AUTO_TEST_CASE(succeeds_on_https_with_ca_file_for_localhost_and_ip_literal)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.server_cert, files.server_key)};
    for (std::string_view host : {"localhost", "127.0.0.1"}) {
        BOOST_TEST_CONTEXT(host)
        {
            auto const r = get_me_over(
                srv, {.base_url = https_url(host, srv.port()), .tls = {.ca_file = files.ca_cert.string()}});
            BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
            BOOST_TEST(login_of(*r) == admin_login);
        }
    }
    BOOST_TEST(srv.stats().requests_served == 2u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_system_trust_store)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.server_cert, files.server_key)};
    check_tls_failure(get_me_over(srv, {.base_url = https_url("localhost", srv.port())}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_certificate_for_another_host)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.wrong_host_cert, files.wrong_host_key)};
    check_tls_failure(get_me_over(
        srv, {.base_url = https_url("localhost", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    check_tls_failure(get_me_over(
        srv, {.base_url = https_url("127.0.0.1", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(fails_with_ssl_error_on_self_signed_certificate_when_verifying)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.self_signed_cert, files.self_signed_key)};
    check_tls_failure(get_me_over(
        srv, {.base_url = https_url("localhost", srv.port()), .tls = {.ca_file = files.ca_cert.string()}}));
    BOOST_TEST(srv.stats().requests_served == 0u);
}

BOOST_AUTO_TEST_CASE(succeeds_on_self_signed_certificate_without_verification)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.self_signed_cert, files.self_signed_key)};
    auto const r =
        get_me_over(srv, {.base_url = https_url("localhost", srv.port()), .tls = {.verify_peer = false}});
    BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
    BOOST_TEST(login_of(*r) == admin_login);
}

BOOST_AUTO_TEST_CASE(opens_working_second_connection_on_concurrent_requests_after_first)
{
    auto const& files = test::test_certificates();
    mock::server srv{tls_server(files.server_cert, files.server_key, 50ms)};
    asio::io_context ioc;
    entities::session s{ioc.get_executor(),
                        {.base_url = https_url("localhost", srv.port()),
                         .jwt = srv.default_token(),
                         .max_connections = 2,
                         .tls = {.ca_file = files.ca_cert.string()}}};
    auto users = s.users();
    // The first connection's handshake leaves a session to resume; the second connection offers it.
    auto const first = run_as<user_info>(token_kind::callback, ioc,
                                         [&](auto t) { return users.async_get_me(std::move(t)); });
    BOOST_TEST_REQUIRE(first.has_value(), "error: " << first.error().to_string());
    std::vector<api_result<user_info>> results;
    for (int i = 0; i < 2; ++i)
        users.async_get_me([&](api_result<user_info> r) { results.push_back(std::move(r)); });
    BOOST_TEST_REQUIRE(test::run_until(ioc, [&] { return results.size() == 2; }));
    for (auto const& r : results) {
        BOOST_TEST_REQUIRE(r.has_value(), "error: " << r.error().to_string());
        BOOST_TEST(login_of(*r) == admin_login);
    }
    BOOST_TEST(s.stats().created == 2u);
    BOOST_TEST(srv.stats().connections_accepted == 2u);
    // Both connections stay usable.
    results.clear();
    for (int i = 0; i < 4; ++i)
        users.async_get_me([&](api_result<user_info> r) { results.push_back(std::move(r)); });
    BOOST_TEST_REQUIRE(test::run_until(ioc, [&] { return results.size() == 4; }));
    for (auto const& r : results)
        BOOST_TEST(r.has_value());
    BOOST_TEST(srv.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(session_executor)

BOOST_AUTO_TEST_CASE(completes_on_bound_strand_on_success_and_error)
{
    mock_client c;
    auto strand = asio::make_strand(c.ioc);
    int done = 0;
    bool ok_on_strand = false, error_on_strand = false, early_on_strand = false;
    c.users.async_get_me(asio::bind_executor(strand, [&](api_result<user_info> r) {
        ok_on_strand = strand.running_in_this_thread() && r.has_value();
        ++done;
    }));
    c.users.async_get_user("no-such-user", asio::bind_executor(strand, [&](api_result<user_info> r) {
                               error_on_strand = strand.running_in_this_thread() && !r.has_value();
                               ++done;
                           }));
    c.users.async_delete_user("",
                              asio::bind_executor(strand, [&](api_result<void> r) { // refused before sending
                                  early_on_strand = strand.running_in_this_thread() && !r.has_value();
                                  ++done;
                              }));
    BOOST_TEST_REQUIRE(test::run_until(c.ioc, [&] { return done == 3; }));
    BOOST_TEST(ok_on_strand);
    BOOST_TEST(error_on_strand);
    BOOST_TEST(early_on_strand);
}

BOOST_AUTO_TEST_CASE(completes_on_other_io_context_thread_on_bound_executor)
{
    mock_client c;
    asio::io_context other;
    auto work = asio::make_work_guard(other);
    std::thread runner([&] { other.run_for(20s); });
    struct seen {
        bool on_other_context{};
        std::thread::id thread{};
    };
    std::vector<seen> results(2);
    std::atomic<int> done{0};
    c.users.async_get_users(asio::bind_executor(other, [&](api_result<std::vector<user_info>> r) {
        results[0] = {other.get_executor().running_in_this_thread() && r.has_value(),
                      std::this_thread::get_id()};
        ++done;
    }));
    c.users.async_get_user(".", asio::bind_executor(other, [&](api_result<user_info> r) {
                               results[1] = {other.get_executor().running_in_this_thread() && !r.has_value(),
                                             std::this_thread::get_id()};
                               ++done;
                           }));
    bool const completed = test::run_until(c.ioc, [&] { return done.load() == 2; });
    work.reset();
    other.stop();
    runner.join();
    BOOST_TEST_REQUIRE(completed);
    for (auto const& s : results) {
        BOOST_TEST(s.on_other_context);
        BOOST_TEST((s.thread != std::this_thread::get_id()));
    }
}

BOOST_AUTO_TEST_SUITE_END()
