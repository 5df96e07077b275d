// The mock server's 2023 API over real sockets: GET / DELETE /users/files (keys with spaces, '&', '/',
// UTF-8), DELETE /users/training-settings, and --api 2023's create/update bodies beside the seed's. The
// download: mock_2023_download_test.cpp.
#include <igtcloud/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "integration/mock_2023_kit.hpp"
#include "support/raw_client.hpp"

namespace {

namespace json = boost::json;
namespace mock = igtcloud::mock;
using igtcloud::test::raw_client;
using namespace mock_2023;

/// RFC 3986 percent-encoding of everything but the unreserved characters (as the library encodes a query
/// value).
std::string encode(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

/// "?keys=K1&keys=K2..." for `keys`.
std::string keys_query(std::vector<std::string> const& keys)
{
    std::string q;
    for (auto const& k : keys)
        q += (q.empty() ? "?keys=" : "&keys=") + encode(k);
    return q;
}

std::vector<std::string> keys_of(mock::server const& srv, std::string const& user = admin)
{
    std::vector<std::string> out;
    for (auto const& f : srv.files_of(user))
        out.push_back(f.key);
    return out;
}

/// A 2023 UserRequest body with every required member, minus `without`, plus `extra`.
std::string request_body(std::string const& login, std::string const& without = {}, json::object extra = {})
{
    json::object o{{"givenName", "Ada"}, {"familyName", "Lovelace"}, {"email", login}, {"loginId", login}};
    if (!without.empty()) o.erase(without);
    for (auto const& [k, v] : extra)
        o[k] = v;
    return json::serialize(o);
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_2023_files)

BOOST_AUTO_TEST_CASE(lists_the_callers_files_on_get_files)
{
    mock::server srv;
    raw_client c(srv.port());
    auto empty = c.send(call("GET", "/users/files"));
    BOOST_TEST_REQUIRE(empty.status == 200u);
    BOOST_TEST(empty.body == "[]");
    srv.add_file(admin, "reports/q1.json", "{}");
    srv.add_file(*srv.find_user_by_login(admin)->user_uuid, "a.bin", "xyz"); // by userUUID too
    auto r = c.send(call("GET", "/users/files"));
    BOOST_TEST_REQUIRE(r.status == 200u);
    auto const files = json::parse(r.body).as_array();
    BOOST_TEST_REQUIRE(files.size() == 2u);
    auto const& first = files[0].as_object(); // key order
    BOOST_TEST(first.at("key").as_string() == "a.bin");
    BOOST_TEST(first.at("fileSize").as_int64() == 3);
    BOOST_TEST(first.at("type").as_string() == "application/octet-stream");
    auto const& second = files[1].as_object();
    BOOST_TEST(second.at("key").as_string() == "reports/q1.json");
    BOOST_TEST(second.at("fileName").as_string() == "q1.json");
    BOOST_TEST(second.at("type").as_string() == "application/json");
    BOOST_TEST(second.at("isCompleted").as_bool());
    BOOST_TEST(second.at("fileSize").as_int64() == 2);
    auto masked = c.send([&] {
        auto q = call("GET", "/users/files");
        q.headers.push_back({"X-Fields", "key"});
        return q;
    }());
    BOOST_TEST(masked.body == R"([{"key":"a.bin"},{"key":"reports/q1.json"}])");
    auto const& stats = srv.stats().requests_by_route;
    BOOST_TEST(stats.at("GET /users/files") == 3u);
}

BOOST_AUTO_TEST_CASE(keeps_each_users_files_apart)
{
    mock::server srv{mock::options{.tokens = {{"t-a", "a@example.org"}, {"t-b", "b@example.org"}}}};
    srv.add_file("a@example.org", "same-key", "A");
    srv.add_file("b@example.org", "same-key", "BB");
    raw_client c(srv.port());
    auto b = c.send(call("GET", "/users/files", {}, "t-b"));
    BOOST_TEST(json::parse(b.body).at(0).at("fileSize").as_int64() == 2);
    BOOST_TEST(c.send(call("DELETE", "/users/files?keys=same-key", {}, "t-a")).status == 204u);
    BOOST_TEST(srv.files_of("a@example.org").empty());
    BOOST_TEST(srv.files_of("b@example.org").size() == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_bad_input_on_add_file)
{
    mock::server srv;
    BOOST_CHECK_THROW(srv.add_file("nobody@example.org", "k", "x"), std::invalid_argument);
    BOOST_CHECK_THROW(srv.add_file(admin, "", "x"), std::invalid_argument);
    BOOST_TEST(srv.files_of("nobody@example.org").empty());
    BOOST_TEST(srv.files_of(admin).empty());
    srv.add_file(admin, "k", "old");
    srv.add_file(admin, "k", "new"); // replaces
    BOOST_TEST_REQUIRE(srv.files_of(admin).size() == 1u);
    BOOST_TEST(*srv.files_of(admin).front().bytes == "new");
}

BOOST_AUTO_TEST_CASE(deletes_exactly_the_given_keys_on_delete_files)
{
    mock::server srv;
    std::vector<std::string> const doomed{
        "with space.txt", "a&b=c", "dir/sub/file.bin", "caf\xC3\xA9/\xE2\x82\xAC.txt", "plus+sign", "100%"};
    std::vector<std::string> const kept{"with", "a", "dir/sub", "caf\xC3\xA9", "plus sign", "100"};
    for (auto const& k : doomed)
        srv.add_file(admin, k, "d");
    for (auto const& k : kept)
        srv.add_file(admin, k, "k");
    raw_client c(srv.port());
    auto r = c.send(call("DELETE", "/users/files" + keys_query(doomed)));
    BOOST_TEST_REQUIRE(r.status == 204u, r.body);
    BOOST_TEST(r.body.empty());
    auto const left = keys_of(srv);
    BOOST_TEST(left == (std::vector<std::string>{"100", "a", "caf\xC3\xA9", "dir/sub", "plus sign", "with"}),
               boost::test_tools::per_element());
    BOOST_TEST(srv.stats().requests_by_route.at("DELETE /users/files") == 1u);
}

BOOST_AUTO_TEST_CASE(reads_plus_as_a_space_in_keys)
{
    mock::server srv;
    srv.add_file(admin, "a b", "1");
    srv.add_file(admin, "a+b", "2");
    raw_client c(srv.port());
    BOOST_TEST(c.send(call("DELETE", "/users/files?keys=a+b")).status == 204u);
    BOOST_TEST(keys_of(srv) == std::vector<std::string>{"a+b"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ignores_unknown_keys_on_delete_files)
{
    mock::server srv;
    srv.add_file(admin, "keep", "k");
    srv.add_file(admin, "go", "g");
    raw_client c(srv.port());
    BOOST_TEST(c.send(call("DELETE", "/users/files?keys=never-stored&keys=go&other=keep")).status == 204u);
    BOOST_TEST(keys_of(srv) == std::vector<std::string>{"keep"}, boost::test_tools::per_element());
    BOOST_TEST(c.send(call("DELETE", "/users/files?keys=go")).status == 204u); // again: still 204
}

BOOST_AUTO_TEST_CASE(answers_400_without_keys_on_delete_files)
{
    mock::server srv;
    srv.add_file(admin, "keep", "k");
    raw_client c(srv.port());
    for (std::string const query :
         {"", "?", "?other=keep", "?keys=", "?keys=keep&keys=", "?keys=%zz", "?keys=ke%e"}) {
        auto r = c.send(call("DELETE", "/users/files" + query));
        BOOST_TEST(r.status == 400u, query);
        BOOST_TEST(message_of(r).find("keys") != std::string::npos, query << ": " << r.body);
    }
    BOOST_TEST(keys_of(srv) == std::vector<std::string>{"keep"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(answers_401_without_a_known_token_on_each_route)
{
    mock::server srv;
    srv.add_file(admin, "k", "x");
    raw_client c(srv.port());
    for (auto const& [method, target] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/users/files"},
                                                          {"DELETE", "/users/files?keys=k"},
                                                          {"GET", "/users/download-files"},
                                                          {"DELETE", "/users/training-settings"}}) {
        BOOST_TEST(c.send(call(method, target, {}, "")).status == 401u, method << ' ' << target);
        BOOST_TEST(c.send(call(method, target, {}, "wrong")).status == 401u, method << ' ' << target);
    }
    BOOST_TEST(srv.files_of(admin).size() == 1u);
}

BOOST_AUTO_TEST_CASE(answers_404_when_the_callers_user_is_gone)
{
    mock::server srv{mock::options{.tokens = {{"mock-token", admin}, {"t-ghost", "ghost@example.org"}}}};
    srv.add_file("ghost@example.org", "k", "x");
    raw_client c(srv.port());
    auto const uuid = *srv.find_user_by_login("ghost@example.org")->user_uuid;
    BOOST_TEST_REQUIRE(c.send(call("DELETE", "/users/" + uuid)).status == 204u);
    BOOST_TEST(srv.files_of(uuid).empty()); // the user's files went with it
    for (auto const& [method, target] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/users/files"},
                                                          {"DELETE", "/users/files?keys=k"},
                                                          {"GET", "/users/download-files"},
                                                          {"DELETE", "/users/training-settings"}}) {
        auto r = c.send(call(method, target, {}, "t-ghost"));
        BOOST_TEST(r.status == 404u, method << ' ' << target);
        BOOST_TEST(message_of(r).find("does not exist") != std::string::npos, r.body);
    }
}

BOOST_AUTO_TEST_CASE(routes_other_methods_as_werkzeug_does)
{
    mock::server srv;
    raw_client c(srv.port());
    BOOST_TEST(c.send(call("POST", "/users/files", "{}")).status ==
               405u); // no POST /users/{user_uuid} either
    // DELETE and GET exist on /users/{user_uuid}, which then matches: no user has that userUUID.
    auto del = c.send(call("DELETE", "/users/download-files"));
    BOOST_TEST(del.status == 404u);
    BOOST_TEST(message_of(del) == "User not found");
    BOOST_TEST(c.send(call("GET", "/users/training-settings")).status == 404u);
    BOOST_TEST(srv.stats().requests_by_route.at("DELETE /users/{user_uuid}") == 1u);
}

BOOST_AUTO_TEST_CASE(serves_the_routes_at_api_data_with_a_jwt_login)
{
    mock::server srv{mock::options{.users = {{"carol@example.org", "pw"}}}};
    srv.add_file("carol@example.org", "mine.txt", "carol's");
    raw_client c(srv.port());
    auto const login =
        c.send({.method = "POST",
                .target = "/api/auth/login",
                .headers = {{"Content-Type", "application/json"}},
                .body = R"({"grantType":"password","username":"carol@example.org","password":"pw"})"});
    BOOST_TEST_REQUIRE(login.status == 200u);
    std::string payload, signature;
    for (auto const& h : login.headers) {
        auto const value = h.value.substr(0, h.value.find(';'));
        if (value.rfind("jwt_header_payload=", 0) == 0) payload = value.substr(19);
        if (value.rfind("jwt_signature=", 0) == 0) signature = value.substr(14);
    }
    auto const csrf = std::string(json::parse(login.body).at("CSRFToken").as_string());
    std::vector<igtcloud::test::field> const auth{{"X-JWT", payload + "." + signature},
                                                  {"X-CSRF-TOKEN", csrf}};
    auto files = c.send({.target = "/api/data/users/files", .headers = auth});
    BOOST_TEST_REQUIRE(files.status == 200u);
    BOOST_TEST(json::parse(files.body).at(0).at("key").as_string() == "mine.txt");
    auto zip = c.send({.target = "/api/data/users/download-files", .headers = auth});
    BOOST_TEST(zip.status == 200u);
    BOOST_TEST(zip.body.find("carol's") != std::string::npos); // a STORED entry holds the bytes as they are
    BOOST_TEST(c.send({.method = "DELETE", .target = "/api/data/users/files?keys=mine.txt", .headers = auth})
                   .status == 204u);
    BOOST_TEST(srv.files_of("carol@example.org").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mock_2023_training_settings)

BOOST_AUTO_TEST_CASE(removes_the_training_settings_on_delete)
{
    mock::server srv;
    auto const before = *srv.find_user_by_login(admin)->settings;
    BOOST_TEST_REQUIRE(before.ist_level.has_value()); // the seeded admin has them
    BOOST_TEST_REQUIRE(before.training_start_date.has_value());
    raw_client c(srv.port());
    auto r = c.send(call("DELETE", "/users/training-settings"));
    BOOST_TEST(r.status == 204u);
    BOOST_TEST(r.body.empty());
    auto const after = *srv.find_user_by_login(admin)->settings;
    BOOST_TEST(!after.ist_level.has_value());
    BOOST_TEST(!after.training_start_date.has_value());
    BOOST_TEST(!after.training_end_date.has_value());
    BOOST_TEST(after.preferred_language.value_or("-") == before.preferred_language.value_or("?"));
    BOOST_TEST(c.send(call("DELETE", "/users/training-settings")).status == 204u); // idempotent
    BOOST_TEST(srv.stats().requests_by_route.at("DELETE /users/training-settings") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mock_2023_user_request)

BOOST_AUTO_TEST_CASE(refuses_a_create_without_a_required_member_naming_it)
{
    mock::server srv{mock::options{.api = mock::api_version::v2023}};
    raw_client c(srv.port());
    for (std::string const member : {"givenName", "familyName", "email", "loginId"}) {
        auto r = c.send(call("POST", "/users", request_body("nina@example.org", member)));
        BOOST_TEST(r.status == 400u, member);
        BOOST_TEST(message_of(r).find("'" + member + "'") != std::string::npos, member << ": " << r.body);
    }
    BOOST_TEST(!srv.find_user_by_login("nina@example.org"));
    auto wrong =
        c.send(call("POST", "/users", request_body("nina@example.org", {}, {{"trainingStartDate", 5}})));
    BOOST_TEST(wrong.status == 400u);
    BOOST_TEST(message_of(wrong).find("trainingStartDate") != std::string::npos, wrong.body);
    auto seed_body =
        c.send(call("POST", "/users", R"({"loginId":"n@example.org","email":"n@example.org","name":"N"})"));
    BOOST_TEST(seed_body.status == 400u);
    BOOST_TEST(message_of(seed_body).find("'givenName'") != std::string::npos, seed_body.body);
}

BOOST_AUTO_TEST_CASE(stores_the_2023_members_on_create)
{
    mock::server srv{mock::options{.api = mock::api_version::v2023}};
    raw_client c(srv.port());
    auto r = c.send(call("POST", "/users",
                         request_body("nina@example.org", {},
                                      {{"istLevel", "3"},
                                       {"preferredLanguage", "nl-NL"},
                                       {"trainingStartDate", "2026-03-01T22:30:00-02:00"},
                                       {"trainingEndDate", "2026-12-31T23:59:59Z"}})));
    BOOST_TEST_REQUIRE(r.status == 201u, r.body);
    auto const body = json::parse(r.body);
    BOOST_TEST(body.at("profile").at("givenName").as_string() == "Ada");
    BOOST_TEST(body.at("settings").at("istLevel").as_string() == "3");
    BOOST_TEST(body.at("settings").at("trainingStartDate").as_string() == "2026-03-02"); // its UTC day
    BOOST_TEST(body.at("settings").at("trainingEndDate").as_string() == "2026-12-31");
    auto const u = *srv.find_user_by_login("nina@example.org");
    BOOST_TEST(*u.profile->given_name == "Ada");
    BOOST_TEST(*u.profile->family_name == "Lovelace");
    BOOST_TEST(*u.profile->preferred_language == "nl-NL");
    BOOST_TEST(*u.settings->preferred_language == "nl-NL");
    BOOST_TEST(*u.settings->ist_level == "3");
    auto again = c.send(call("POST", "/users", request_body("nina@example.org")));
    BOOST_TEST(again.status == 200u); // existing, onboarded: as in the seed spec
}

BOOST_AUTO_TEST_CASE(demands_the_2023_members_on_put)
{
    mock::server srv{mock::options{.api = mock::api_version::v2023}};
    raw_client c(srv.port());
    auto created = c.send(call("POST", "/users", request_body("nina@example.org")));
    BOOST_TEST_REQUIRE(created.status == 201u);
    auto const uuid = std::string(json::parse(created.body).at("userUUID").as_string());
    auto refused = c.send(call("PUT", "/users/" + uuid, request_body("nina@example.org", "givenName")));
    BOOST_TEST(refused.status == 400u);
    BOOST_TEST(message_of(refused).find("'givenName'") != std::string::npos);
    auto put =
        c.send({.method = "PUT",
                .target = "/api/data/users/" + uuid,
                .headers = {{"X-JWT", "mock-token"}, {"Content-Type", "application/json"}},
                .body = request_body("nina@example.org", {}, {{"givenName", "Nina"}, {"istLevel", "1"}})});
    BOOST_TEST(put.status == 204u, put.body);
    auto const u = *srv.find_user(uuid);
    BOOST_TEST(*u.profile->given_name == "Nina");
    BOOST_TEST(*u.settings->ist_level == "1");
}

BOOST_AUTO_TEST_CASE(keeps_the_seed_body_in_seed_mode)
{
    mock::server srv; // --api seed is the default
    raw_client c(srv.port());
    auto r = c.send(
        call("POST", "/users", R"({"loginId":"old@example.org","email":"old@example.org","name":"Old"})"));
    BOOST_TEST_REQUIRE(r.status == 201u, r.body);
    BOOST_TEST(json::parse(r.body).at("profile").at("givenName").as_string() == "Old");
    auto no_email = c.send(call("POST", "/users", R"({"loginId":"x@example.org"})"));
    BOOST_TEST(no_email.status == 400u);
    BOOST_TEST(message_of(no_email).find("'email'") != std::string::npos);
    // the 2023 members are not read in seed mode
    auto ignored = c.send(call("POST", "/users", request_body("new@example.org", {}, {{"istLevel", "3"}})));
    BOOST_TEST_REQUIRE(ignored.status == 201u);
    auto const u = *srv.find_user_by_login("new@example.org");
    BOOST_TEST(!u.profile->given_name.has_value());
    BOOST_TEST(!u.settings->ist_level.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
