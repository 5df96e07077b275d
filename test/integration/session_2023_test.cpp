// The 2023 spec's operations of entities::session (DESIGN.md §7): async_get_user_files,
// async_delete_user_files and async_delete_training_settings against the in-process mock server over real
// sockets, each with every completion style, success and 4xx; the wire of delete_user_files (the raw target a
// scripted peer sees); the 2023 create/update body against a mock with api_version::v2023.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "support/session_clients.hpp"

using namespace igtcloud::test::clients;
namespace data = boost::unit_test::data;
using entities::user_file;
using namespace std::chrono;

namespace session_2023_test {

// Keys that need every kind of escaping in a query value.
inline std::vector<std::string> const awkward_keys{
    "my file.txt", "a&keys=b", "dir/sub/x.bin", "1+1=2", "caf\xC3\xA9 \xE2\x82\xAC.txt", "%41?#"};
// How delete_user_files must put them on the wire.
inline std::string const awkward_query = "keys=my%20file.txt&keys=a%26keys%3Db&keys=dir%2Fsub%2Fx.bin"
                                         "&keys=1%2B1%3D2&keys=caf%C3%A9%20%E2%82%AC.txt&keys=%2541%3F%23";

inline std::set<std::string> keys_of(std::vector<mock::stored_file> const& files)
{
    std::set<std::string> keys;
    for (auto const& f : files)
        keys.insert(f.key);
    return keys;
}

/// A mock following the 2023 spec, where the token "t-grace" is the user "grace".
inline mock::options api_2023()
{
    mock::options o;
    o.api = mock::api_version::v2023;
    o.tokens = {{"t-grace", "grace"}};
    return o;
}

inline entities::user_create const grace_2023{.family_name = "Hopper",
                                              .email = "grace@example.org",
                                              .login_id = "grace",
                                              .given_name = "Grace",
                                              .ist_level = "expert",
                                              .preferred_language = "en",
                                              .training_start_date = sys_days{2024y / January / 31} + 9h,
                                              .training_end_date = sys_days{2024y / June / 30} + 17h};

} // namespace session_2023_test

using namespace session_2023_test;

BOOST_AUTO_TEST_SUITE(session_2023)

// --- GET /users/files
// ---------------------------------------------------------------------------------------

BOOST_DATA_TEST_CASE(returns_callers_files_on_get_user_files, data::make(all_token_kinds), kind)
{
    mock_client c;
    c.srv.add_file(admin_login, "cases/run 1.zip", std::string(1234, 'x'));
    c.srv.add_file(admin_login, "empty.txt", "");
    auto const other = add_user(c.srv, "ada", "ada@example.org");
    c.srv.add_file(other, "not-mine.txt", "secret"); // another user's file is not listed
    auto const r = c.run<std::vector<user_file>>(
        kind, [&](auto tok) { return c.users.async_get_user_files(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST_REQUIRE(r->size() == 2u);
    auto by_key = *r;
    std::sort(by_key.begin(), by_key.end(),
              [](auto const& a, auto const& b) { return a.key.value_or("") < b.key.value_or(""); });
    BOOST_TEST(by_key[0].key.value_or("") == "cases/run 1.zip");
    BOOST_TEST(by_key[0].file_size.value_or(-1) == 1234);
    BOOST_TEST(by_key[0].file_name.value_or("") == "run 1.zip");
    BOOST_TEST(by_key[1].key.value_or("") == "empty.txt");
    BOOST_TEST(by_key[1].file_size.value_or(-1) == 0);
    BOOST_TEST(route_count(c.srv, "GET /users/files") == 1u);
}

BOOST_DATA_TEST_CASE(returns_empty_list_on_get_user_files_of_caller_without_files,
                     data::make(all_token_kinds), kind)
{
    mock_client c;
    auto const r = c.run<std::vector<user_file>>(
        kind, [&](auto tok) { return c.users.async_get_user_files(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->empty());
}

BOOST_DATA_TEST_CASE(fails_with_401_on_get_user_files_with_unknown_token, data::make(all_token_kinds), kind)
{
    auto c = unknown_token_client();
    auto const r = c.run<std::vector<user_file>>(
        kind, [&](auto tok) { return c.users.async_get_user_files(std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
}

BOOST_AUTO_TEST_CASE(applies_mask_on_get_user_files_with_fields)
{
    mock_client c;
    c.srv.add_file(admin_login, "a.bin", "abc");
    auto const r = c.run<std::vector<user_file>>(token_kind::callback, [&](auto tok) {
        return c.users.async_get_user_files(entities::request_options{.fields = "key"}, std::move(tok));
    });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST_REQUIRE(r->size() == 1u);
    BOOST_TEST(r->front().key.value_or("") == "a.bin");
    BOOST_TEST(!r->front().file_size.has_value()); // masked out
}

// --- DELETE /users/files?keys=...
// ----------------------------------------------------------------------------

BOOST_DATA_TEST_CASE(deletes_exactly_given_keys_on_delete_user_files, data::make(all_token_kinds), kind)
{
    mock_client c;
    for (auto const& key : awkward_keys)
        c.srv.add_file(admin_login, key, "bytes of " + key);
    for (auto const& key : {"a", "keys", "dir/sub", "my", "caf\xC3\xA9"}) // near misses of the awkward keys
        c.srv.add_file(admin_login, key, "kept");
    std::vector<std::string> const doomed{awkward_keys[0], awkward_keys[1], awkward_keys[2], awkward_keys[3],
                                          awkward_keys[4], awkward_keys[5], "no-such-key"};
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_delete_user_files(doomed, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST((keys_of(c.srv.files_of(admin_login)) ==
                std::set<std::string>{"a", "keys", "dir/sub", "my", "caf\xC3\xA9"}));
    BOOST_TEST(route_count(c.srv, "DELETE /users/files") == 1u);
}

BOOST_DATA_TEST_CASE(fails_with_401_on_delete_user_files_with_unknown_token, data::make(all_token_kinds),
                     kind)
{
    auto c = unknown_token_client();
    c.srv.add_file(admin_login, "a.txt", "a");
    auto const r = c.run<void>(
        kind, [&](auto tok) { return c.users.async_delete_user_files({"a.txt"}, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
    BOOST_TEST(c.srv.files_of(admin_login).size() == 1u);
}

BOOST_DATA_TEST_CASE(refuses_without_sending_on_delete_user_files_without_keys, data::make(all_token_kinds),
                     kind)
{
    mock_client c;
    c.srv.add_file(admin_login, "a.txt", "a");
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_delete_user_files({}, std::move(tok)); });
    check_invalid_argument(error_of(r));
    BOOST_TEST(error_of(r).message == "query parameter 'keys' needs at least one value");
    auto const empty_key = c.run<void>(kind, [&](auto tok) {
        return c.users.async_delete_user_files({"a.txt", ""}, std::move(tok));
    });
    check_invalid_argument(error_of(empty_key));
    BOOST_TEST(c.served() == 0u); // nothing reached the server
    BOOST_TEST(c.srv.stats().connections_accepted == 0u);
    BOOST_TEST(c.srv.files_of(admin_login).size() == 1u);
}

BOOST_AUTO_TEST_CASE(sends_one_keys_parameter_per_key_on_delete_user_files)
{
    scripted_client c;
    auto const r =
        c.run<void>([&](auto tok) { return c.users.async_delete_user_files(awkward_keys, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    auto const req = c.last();
    BOOST_TEST((req.method() == boost::beast::http::verb::delete_));
    BOOST_TEST(target_of(req) == "/data/users/files?" + awkward_query);
    BOOST_TEST(req.body().empty());
    BOOST_TEST(!has_header(req, "Content-Type"));
    BOOST_TEST(!has_header(req, "X-Fields"));
}

BOOST_AUTO_TEST_CASE(sends_nothing_on_delete_user_files_without_keys_to_scripted_peer)
{
    scripted_client c;
    auto const r = c.run<void>([&](auto tok) { return c.users.async_delete_user_files({}, std::move(tok)); });
    check_invalid_argument(error_of(r));
    BOOST_TEST(c.peer.requests() == 0u);
}

// --- DELETE /users/training-settings
// -------------------------------------------------------------------------

BOOST_DATA_TEST_CASE(clears_training_settings_on_delete_training_settings, data::make(all_token_kinds), kind)
{
    mock_client c{api_2023(), "t-grace"};
    auto const uuid = c.srv.find_user_by_login("grace")->user_uuid.value_or("");
    auto const put =
        c.run<void>(kind, [&](auto tok) { return c.users.async_put_user(uuid, grace_2023, std::move(tok)); });
    BOOST_TEST_REQUIRE(put.has_value(), (put ? "" : put.error().to_string()));
    auto const before = c.srv.find_user(uuid);
    BOOST_TEST_REQUIRE((before && before->settings));
    BOOST_TEST(before->settings->ist_level.value_or("") == "expert");
    BOOST_TEST(before->settings->training_start_date.has_value());

    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_delete_training_settings(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    auto const after = c.srv.find_user(uuid);
    BOOST_TEST_REQUIRE(after.has_value());
    BOOST_TEST((!after->settings || !after->settings->ist_level));
    BOOST_TEST((!after->settings || !after->settings->training_start_date));
    BOOST_TEST((!after->settings || !after->settings->training_end_date));
    BOOST_TEST(route_count(c.srv, "DELETE /users/training-settings") == 1u);
}

BOOST_DATA_TEST_CASE(fails_with_401_on_delete_training_settings_with_unknown_token,
                     data::make(all_token_kinds), kind)
{
    auto c = unknown_token_client();
    auto const r =
        c.run<void>(kind, [&](auto tok) { return c.users.async_delete_training_settings(std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::unauthorized, unknown_token_message);
}

BOOST_AUTO_TEST_CASE(sends_delete_without_body_on_delete_training_settings)
{
    scripted_client c;
    auto const r =
        c.run<void>([&](auto tok) { return c.users.async_delete_training_settings(std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    auto const req = c.last();
    BOOST_TEST((req.method() == boost::beast::http::verb::delete_));
    BOOST_TEST(target_of(req) == "/data/users/training-settings");
    BOOST_TEST(req.body().empty());
}

// --- the 2023 create/update body
// ------------------------------------------------------------------------------

BOOST_DATA_TEST_CASE(refuses_create_without_given_name_on_api_2023, data::make(all_token_kinds), kind)
{
    mock_client c{api_2023(), "t-grace"};
    auto const users_before = c.srv.user_count();
    entities::user_create const seed_style{
        .name = "Ada", .family_name = "Lovelace", .email = "ada@example.org", .login_id = "ada"};
    auto const r = c.run<created<user_info>>(
        kind, [&](auto tok) { return c.users.async_post_users(seed_style, std::move(tok)); });
    check_client_error(error_of(r), entities::http_status::bad_request,
                       "Input payload validation failed: 'givenName' is a required property");
    BOOST_TEST(c.srv.user_count() == users_before);
}

BOOST_DATA_TEST_CASE(creates_with_2023_members_on_api_2023, data::make(all_token_kinds), kind)
{
    mock_client c{api_2023(), "t-grace"};
    auto ada = grace_2023;
    ada.login_id = "ada";
    ada.email = "ada@example.org";
    ada.given_name = "Ada";
    auto const r = c.run<created<user_info>>(
        kind, [&](auto tok) { return c.users.async_post_users(ada, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().to_string()));
    BOOST_TEST(r->is_new);
    BOOST_TEST_REQUIRE(r->value.profile.has_value());
    BOOST_TEST(r->value.profile->given_name.value_or("") == "Ada");
    BOOST_TEST_REQUIRE(r->value.settings.has_value());
    BOOST_TEST(r->value.settings->ist_level.value_or("") == "expert");
    BOOST_TEST(r->value.settings->preferred_language.value_or("") == "en");
    BOOST_TEST((r->value.settings->training_start_date == entities::date{2024y / January / 31}));
    BOOST_TEST((r->value.settings->training_end_date == entities::date{2024y / June / 30}));
}

BOOST_AUTO_TEST_CASE(sends_2023_members_only_when_given_on_post_users)
{
    scripted_client c;
    auto const r = c.run<created<user_info>>(
        [&](auto tok) { return c.users.async_post_users(grace_2023, std::move(tok)); });
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(
        boost::json::parse(c.last().body()) ==
        boost::json::parse(R"({"familyName": "Hopper", "email": "grace@example.org", "loginId": "grace",
                   "givenName": "Grace", "istLevel": "expert", "preferredLanguage": "en",
                   "trainingStartDate": "2024-01-31T09:00:00Z", "trainingEndDate": "2024-06-30T17:00:00Z"})"));
}

BOOST_AUTO_TEST_SUITE_END()
