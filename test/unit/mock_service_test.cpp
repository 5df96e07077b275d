// The mock's service layer without sockets: routing, auth, the ten operations, masks, the store.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <thread>

#include "mock/service.hpp"

namespace entities = igtcloud::entities;
namespace mock = igtcloud::mock;
namespace json = boost::json;
using mock::detail::answer;
using mock::detail::request_view;

namespace {

struct fixture {
    mock::detail::service svc{mock::options{.seed_users = 3, .seed = 42}};

    answer call(std::string_view method, std::string_view target, std::string_view body = {},
                std::string_view fields = {}, bool has_fields = false)
    {
        return svc.handle(request_view{.method = method,
                                       .target = target,
                                       .jwt = "mock-token",
                                       .fields = fields,
                                       .has_fields = has_fields,
                                       .content_type = body.empty() ? "" : "application/json",
                                       .body = body});
    }
    json::value body_of(answer const& a) { return json::parse(a.body); }
    std::string message_of(answer const& a) { return std::string(body_of(a).at("message").as_string()); }
    std::string some_uuid() { return *svc.users().find_by_login("user00002@example.org")->user_uuid; }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(mock_service, fixture)

BOOST_AUTO_TEST_CASE(seeds_admin_and_users_on_default_options)
{
    BOOST_TEST(svc.users().size() == 4u);
    BOOST_TEST(svc.default_token() == "mock-token");
    auto me = call("GET", "/data/users/me");
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(std::string(me.route) == "GET /users/me");
    auto user = entities::decode<entities::user_info>(me.body);
    BOOST_TEST_REQUIRE(user.has_value());
    BOOST_TEST(*user->login_id == "admin@example.org");
    BOOST_TEST(user->profile->roles->front() == "ADMIN");
    // Seeded users are realistic: every part of the model is there.
    auto seeded = svc.users().find_by_login("user00001@example.org");
    BOOST_TEST_REQUIRE(seeded.has_value());
    BOOST_TEST(seeded->profile->organization_roles->size() == 2u);
    BOOST_TEST(seeded->account_status->last_login_time.has_value());
    BOOST_TEST(entities::encode(*seeded).size() > 900u);
}

BOOST_AUTO_TEST_CASE(answers_401_on_missing_or_unknown_token)
{
    auto none = svc.handle(request_view{.method = "GET", .target = "/data/users/me"});
    BOOST_TEST(none.status == 401u);
    BOOST_TEST(message_of(none).find("X-JWT") != std::string::npos);
    auto unknown = svc.handle(request_view{.method = "GET", .target = "/data/users", .jwt = "nope"});
    BOOST_TEST(unknown.status == 401u);
    auto csrf = svc.handle(
        request_view{.method = "GET", .target = "/data/users", .jwt = "nope", .csrf_token = "mock-token"});
    BOOST_TEST(csrf.status == 200u);
}

BOOST_AUTO_TEST_CASE(maps_configured_tokens_on_token_options)
{
    mock::detail::service custom{
        mock::options{.tokens = {{"t-1", "ops@example.org"}, {"t-2", "admin@example.org"}}}};
    BOOST_TEST(custom.users().size() == 2u);
    BOOST_TEST(custom.default_token() == "t-1");
    auto me = custom.handle(request_view{.method = "GET", .target = "/data/users/me", .jwt = "t-1"});
    BOOST_TEST(json::parse(me.body).at("loginId") == "ops@example.org");
    auto old = custom.handle(request_view{.method = "GET", .target = "/data/users/me", .jwt = "mock-token"});
    BOOST_TEST(old.status == 401u);
}

BOOST_AUTO_TEST_CASE(answers_404_and_405_on_unknown_routes)
{
    BOOST_TEST(call("GET", "/data/groups").status == 404u);
    BOOST_TEST(call("GET", "/other/users").status == 404u);
    BOOST_TEST(call("GET", "/data/users/a/b").status == 404u);
    BOOST_TEST(call("GET", "/data/users/%zz").status == 404u);
    BOOST_TEST(call("DELETE", "/data/users").status == 405u);
    BOOST_TEST(call("POST", "/data/users/$storage").status == 405u);
    BOOST_TEST(std::string(call("GET", "/data/nothing").route) == "other");
}

BOOST_AUTO_TEST_CASE(creates_then_finds_existing_on_post_users)
{
    auto created = call("POST", "/data/users", R"({"loginId": "new@example.org", "email": "new@example.org",
                                                   "name": "New", "familyName": "Person", "mobile": "+1 555"})");
    BOOST_TEST(created.status == 201u);
    auto user = entities::decode<entities::user_info>(created.body).value();
    BOOST_TEST(*user.profile->given_name == "New");
    BOOST_TEST(*user.profile->contact->mobile_phone == "+1 555");
    BOOST_TEST(*user.account_status->email_verified == false);
    BOOST_TEST(user.user_uuid->size() == 36u);
    BOOST_TEST(user.user_uuid->at(14) == '4'); // UUID v4
    auto again =
        call("POST", "/data/users", R"({"loginId": "new@example.org", "email": "other@example.org"})");
    BOOST_TEST(again.status == 200u);
    BOOST_TEST(*entities::decode<entities::user_info>(again.body)->user_uuid == *user.user_uuid);
    BOOST_TEST(svc.users().size() == 5u);
}

BOOST_AUTO_TEST_CASE(refuses_400_on_bad_bodies)
{
    auto bad = [&](std::string_view content_type, std::string_view body) {
        auto a = svc.handle(request_view{.method = "POST",
                                         .target = "/data/users",
                                         .jwt = "mock-token",
                                         .content_type = content_type,
                                         .body = body});
        BOOST_TEST(a.status == 400u, body);
        return message_of(a);
    };
    BOOST_TEST(bad("application/json", "not json").find("malformed JSON") != std::string::npos);
    BOOST_TEST(bad("application/json", "[1]").find("expected an object") != std::string::npos);
    BOOST_TEST(bad("text/plain", R"({"loginId":"a","email":"a@b"})").find("Content-Type") !=
               std::string::npos);
    BOOST_TEST(bad("", R"({"loginId":"a","email":"a@b"})").find("Content-Type") != std::string::npos);
    BOOST_TEST(bad("application/json", R"({"email":"a@b"})").find("loginId") != std::string::npos);
    BOOST_TEST(bad("application/json", R"({"loginId":"a"})").find("email") != std::string::npos);
    BOOST_TEST(bad("application/json", R"({"loginId":"a","email":"no-at"})").find("email") !=
               std::string::npos);
    BOOST_TEST(bad("application/json", R"({"loginId":7,"email":"a@b"})").find("loginId") !=
               std::string::npos);
    BOOST_TEST(svc.users().size() == 4u);
    auto charset = svc.handle(request_view{.method = "POST",
                                           .target = "/data/users",
                                           .jwt = "mock-token",
                                           .content_type = "Application/JSON; charset=utf-8",
                                           .body = R"({"loginId":"c@example.org","email":"c@example.org"})"});
    BOOST_TEST(charset.status == 201u);
}

BOOST_AUTO_TEST_CASE(gets_updates_and_deletes_on_user_uuid_routes)
{
    auto const uuid = some_uuid();
    BOOST_TEST(call("GET", "/data/users/" + uuid).status == 200u);
    BOOST_TEST(call("GET", "/data/users/unknown").status == 404u);
    auto put =
        call("PUT", "/data/users/" + uuid, R"({"loginId": "renamed@example.org", "email": "r@example.org"})");
    BOOST_TEST(put.status == 204u);
    BOOST_TEST(put.body.empty());
    BOOST_TEST(*svc.users().find(uuid)->profile->contact->email_address == "r@example.org");
    BOOST_TEST(!svc.users().find_by_login("user00002@example.org").has_value());
    BOOST_TEST(call("PUT", "/data/users/unknown", R"({"loginId": "x", "email": "x@y"})").status == 404u);
    BOOST_TEST(call("PUT", "/data/users/" + uuid, R"({"loginId": "x"})").status == 400u);
    auto taken = call("PUT", "/data/users/" + uuid, R"({"loginId": "admin@example.org", "email": "x@y"})");
    BOOST_TEST(taken.status == 400u);
    BOOST_TEST(call("DELETE", "/data/users/" + uuid).status == 204u);
    BOOST_TEST(call("DELETE", "/data/users/" + uuid).status == 404u);
    BOOST_TEST(call("GET", "/data/users/" + uuid).status == 404u);
    BOOST_TEST(svc.users().size() == 3u);
}

BOOST_AUTO_TEST_CASE(decodes_percent_encoding_on_user_uuid_segment)
{
    auto r = svc.users().insert(entities::user_info{.login_id = "odd@example.org", .user_uuid = "a b/../c"});
    auto a = call("GET", "/data/users/a%20b%2F..%2Fc");
    BOOST_TEST(a.status == 200u);
    BOOST_TEST(body_of(a).at("loginId") == "odd@example.org");
    BOOST_TEST(call("GET", "/data/users/%24storage").status == 200u); // an encoded '$' is the same route
}

BOOST_AUTO_TEST_CASE(lists_every_user_in_creation_order_on_get_users)
{
    auto list = call("GET", "/data/users");
    BOOST_TEST(list.status == 200u);
    auto users = entities::decode<std::vector<entities::user_info>>(list.body).value();
    BOOST_TEST_REQUIRE(users.size() == 4u);
    BOOST_TEST(*users[0].login_id == "admin@example.org");
    BOOST_TEST(*users[3].login_id == "user00003@example.org");
}

BOOST_AUTO_TEST_CASE(issues_credentials_on_storage_region)
{
    auto a = call("GET", "/data/users/$storage?x=1&region=us-west-2");
    BOOST_TEST(a.status == 200u);
    auto s = entities::decode<entities::storage>(a.body).value();
    BOOST_TEST(*s.config->region == "us-west-2");
    BOOST_TEST(s.credentials->access_key->starts_with("ASIA"));
    BOOST_TEST(s.credentials->secret->size() == 40u);
    auto const ahead = *s.credentials->expiration - std::chrono::system_clock::now();
    BOOST_TEST((ahead > std::chrono::minutes(58) && ahead <= std::chrono::minutes(60)));
    BOOST_TEST(call("GET", "/data/users/$storage").status == 200u);
    BOOST_TEST(call("GET", "/data/users/$storage?region=mars-1").status == 400u);
    BOOST_TEST(call("GET", "/data/users/$storage?region=eu%2Dwest%2D1").status == 200u);
}

BOOST_AUTO_TEST_CASE(answers_outcome_or_400_on_activation_and_mfa)
{
    auto sent = call("POST", "/data/users/$resend-activation", R"({"loginId": "user00001@example.org"})");
    BOOST_TEST(sent.status == 200u);
    auto outcome = entities::decode<entities::user_activation>(sent.body).value();
    BOOST_TEST(*outcome.resource_type == "OperationOutcome");
    BOOST_TEST(outcome.issue->at(0).details->text->find("user00001@example.org") != std::string::npos);
    BOOST_TEST(call("POST", "/data/users/$resend-activation", R"({"loginId": "ghost"})").status == 400u);
    BOOST_TEST(call("POST", "/data/users/$mfa-reset", R"({"loginId": "user00001@example.org"})").status ==
               204u);
    BOOST_TEST(call("POST", "/data/users/$mfa-reset", R"({"loginId": "ghost"})").status == 400u);
    BOOST_TEST(call("POST", "/data/users/$mfa-reset", R"({})").status == 400u);
    BOOST_TEST(call("POST", "/data/users/$profile").status == 204u);
}

BOOST_AUTO_TEST_CASE(applies_mask_on_x_fields)
{
    auto a = call("GET", "/data/users/me", {}, "{loginId,profile{givenName,nickname},absent}", true);
    BOOST_TEST(a.status == 200u);
    BOOST_TEST(
        a.body ==
        R"({"loginId":"admin@example.org","profile":{"givenName":"Admin","nickname":null},"absent":null})");
    auto list = call("GET", "/data/users", {}, "userUUID", true);
    auto const list_body = body_of(list);
    auto const& array = list_body.as_array();
    BOOST_TEST(array.size() == 4u);
    BOOST_TEST(array[1].as_object().size() == 1u);
    auto star = call("GET", "/data/users/me", {}, "profile{contact},*", true);
    BOOST_TEST(body_of(star).as_object().contains("accountStatus"));
    BOOST_TEST(body_of(star).at("profile").as_object().size() == 1u);
    auto bad = call("GET", "/data/users/me", {}, "{loginId", true);
    BOOST_TEST(bad.status == 400u);
    BOOST_TEST(message_of(bad).find("X-Fields") != std::string::npos);
    auto empty = call("GET", "/data/users/me", {}, "", true);
    BOOST_TEST(empty.status == 400u);
    // A malformed mask refuses the request before anything changes.
    auto create =
        call("POST", "/data/users", R"({"loginId": "m@example.org", "email": "m@example.org"})", "{a", true);
    BOOST_TEST(create.status == 400u);
    BOOST_TEST(!svc.users().find_by_login("m@example.org").has_value());
}

BOOST_AUTO_TEST_CASE(generates_same_ids_on_same_seed)
{
    mock::detail::service a{mock::options{.seed_users = 2, .seed = 7}};
    mock::detail::service b{mock::options{.seed_users = 2, .seed = 7}};
    mock::detail::service c{mock::options{.seed_users = 2, .seed = 8}};
    auto id = [](auto& s) { return *s.users().find_by_login("user00002@example.org")->user_uuid; };
    BOOST_TEST(id(a) == id(b));
    BOOST_TEST(id(a) != id(c));
}

BOOST_AUTO_TEST_CASE(keeps_one_user_per_login_on_concurrent_creates)
{
    constexpr int threads = 8, per_thread = 500;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([this, t] {
            for (int i = 0; i < per_thread; ++i) {
                // Half the logins are shared between all threads, half are the thread's own.
                auto login = i % 2 ? "shared" + std::to_string(i) + "@example.org"
                                   : "t" + std::to_string(t) + "-" + std::to_string(i) + "@example.org";
                entities::user_create u{.email = login, .login_id = login};
                svc.users().create(u);
            }
        });
    }
    for (auto& w : workers)
        w.join();
    auto const expected = 4u + threads * per_thread / 2 + per_thread / 2;
    BOOST_TEST(svc.users().size() == expected);
    std::set<std::string> uuids, logins;
    for (auto const& r : svc.users().all()) {
        uuids.insert(*r->user.user_uuid);
        logins.insert(*r->user.login_id);
    }
    BOOST_TEST(uuids.size() == expected);
    BOOST_TEST(logins.size() == expected);
}

BOOST_AUTO_TEST_SUITE_END()
