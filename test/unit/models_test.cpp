// Models <-> JSON: round trips of every model, absent/null/unknown members, and malformed documents.
#include <igtcloud/entities/models.hpp>

#include <boost/json.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <iostream>
#include <string>

#include "support/round_trip.hpp"

namespace entities = igtcloud::entities;
namespace json = boost::json;
namespace data = boost::unit_test::data;
using namespace std::chrono;

namespace {

using igtcloud::test::require_round_trip;

// Every member of UserInfoModel and of the models below it set, date-times in canonical UTC form.
constexpr char const* full_user = R"({
  "loginId": "ada.lovelace@example.org",
  "userUUID": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "profile": {
    "addresses": ["12 St James's Square, London", "Marylebone"],
    "contact": {"emailAddress": "ada.lovelace@example.org", "mobilePhone": "+44 20 7946 0000"},
    "disabled": false,
    "familyName": "Lovelace",
    "givenName": "Ada",
    "organizationRoles": [
      {"groups": ["engines"], "organizationId": "org-1", "organizationName": "Analytical Engines",
       "permissions": ["USER.READ", "USER.WRITE"], "roles": ["admin", "reviewer"]},
      {"groups": [], "organizationId": "org-2", "organizationName": "Royal Society",
       "permissions": [], "roles": ["member"]}
    ],
    "preferredLanguage": "en-GB",
    "roles": ["mathematician"]
  },
  "settings": {"istLevel": "L2", "preferredLanguage": "en", "trainingStartDate": "2024-03-01",
               "trainingEndDate": "2024-12-31"},
  "accountStatus": {
    "lastLoginTime": "2024-05-06T05:08:09.123456Z",
    "mfaStatus": "ENROLLED",
    "emailVerified": true,
    "disabled": false,
    "accountLockedOn": "1969-07-20T20:17:40Z",
    "accountLockedUntil": "2038-01-19T03:14:08.000001Z",
    "numberOfInvalidAttempt": 3,
    "lastInvalidAttemptedOn": "2024-02-29T23:59:59.999999Z",
    "passwordExpiresOn": "2025-01-01T00:00:00Z",
    "passwordChangedOn": "2000-01-01T12:00:00.500000Z"
  }
})";

json::value parse(std::string_view text)
{
    return json::parse(text);
}

} // namespace

BOOST_AUTO_TEST_SUITE(models)

BOOST_AUTO_TEST_CASE(round_trips_every_field_on_full_user)
{
    auto user = require_round_trip<entities::user_info>(full_user);
    BOOST_TEST(*user.login_id == "ada.lovelace@example.org");
    BOOST_TEST(*user.user_uuid == "0f8fad5b-d9cb-469f-a165-70867728950e");
    auto const& roles = *user.profile->organization_roles;
    BOOST_TEST_REQUIRE(roles.size() == 2u);
    BOOST_TEST(roles[0].permissions->at(1) == "USER.WRITE");
    BOOST_TEST(roles[1].groups->empty());
    BOOST_TEST(*user.profile->contact->mobile_phone == "+44 20 7946 0000");
    BOOST_TEST(*user.profile->disabled == false);
    BOOST_TEST(*user.account_status->number_of_invalid_attempt == 3);
    BOOST_TEST(*user.account_status->email_verified == true);
    BOOST_TEST((*user.settings->training_end_date == year{2024} / December / 31));
    auto const login = sys_days{year{2024} / May / 6} + 5h + 8min + 9s + 123456us;
    BOOST_TEST((*user.account_status->last_login_time == login));
    auto const moon = sys_days{year{1969} / July / 20} + 20h + 17min + 40s;
    BOOST_TEST((*user.account_status->account_locked_on == moon));
    // Member order on the wire follows the field tables, which follow the spec.
    BOOST_TEST(entities::encode(user).starts_with(R"({"loginId":"ada.lovelace@example.org","userUUID":)"));
}

BOOST_AUTO_TEST_CASE(round_trips_exactly_on_struct_built_in_code)
{
    entities::user_info user;
    user.login_id = "grace@example.org";
    user.profile.emplace().organization_roles.emplace().push_back(
        {.roles = std::vector<std::string>{"admin"}});
    user.account_status.emplace().last_invalid_attempted_on =
        sys_days{year{1900} / January / 1} + 1us; // before the epoch
    user.settings.emplace().training_start_date = year{2023} / February / 28;
    auto const text = entities::encode(user);
    BOOST_TEST(text ==
               R"({"loginId":"grace@example.org","profile":{"organizationRoles":[{"roles":["admin"]}]},)"
               R"("settings":{"trainingStartDate":"2023-02-28"},)"
               R"("accountStatus":{"lastInvalidAttemptedOn":"1900-01-01T00:00:00.000001Z"}})");
    auto back = entities::decode<entities::user_info>(text);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((*back == user));
}

BOOST_AUTO_TEST_CASE(converts_offsets_to_utc_on_date_time)
{
    auto user = entities::decode<entities::user_info>(
        R"({"accountStatus":{"lastLoginTime":"2024-05-06T07:08:09.1234567+02:00",
                             "passwordExpiresOn":"2024-12-31T23:30:00-01:00"}})");
    BOOST_TEST_REQUIRE(user.has_value());
    auto const text = entities::encode(*user);
    BOOST_TEST(text == R"({"accountStatus":{"lastLoginTime":"2024-05-06T05:08:09.123456Z",)"
                       R"("passwordExpiresOn":"2025-01-01T00:30:00Z"}})");
}

BOOST_AUTO_TEST_CASE(decodes_each_element_on_list_of_users)
{
    auto users = require_round_trip<std::vector<entities::user_info>>(
        std::string("[") + full_user + R"(, {"loginId": "b@example.org"}, {}])");
    BOOST_TEST_REQUIRE(users.size() == 3u);
    BOOST_TEST(*users[1].login_id == "b@example.org");
    BOOST_TEST(!users[2].login_id.has_value());
    BOOST_TEST(entities::encode(std::vector<entities::user_info>{}) == "[]");
}

// Found by the benchmark: the reused parser's memory grew with every large document until it ran out.
BOOST_AUTO_TEST_CASE(decodes_every_time_on_many_large_lists)
{
    std::string list = "[";
    for (int i = 0; i < 1000; ++i) {
        if (i != 0) list += ',';
        list += full_user;
    }
    list += ']';
    BOOST_TEST_REQUIRE(list.size() > 1'000'000u);
    for (int round = 0; round < 60; ++round) {
        auto users = entities::decode<std::vector<entities::user_info>>(list);
        BOOST_TEST_REQUIRE(users.has_value(), "round " << round << ": " << users.error().message);
        BOOST_TEST_REQUIRE(users->size() == 1000u);
        BOOST_TEST(users->back().login_id.has_value());
    }
    auto small = entities::decode<entities::user_info>(full_user); // the kept buffer serves small ones too
    BOOST_TEST_REQUIRE(small.has_value());
}

BOOST_AUTO_TEST_CASE(round_trips_on_every_model)
{
    require_round_trip<entities::api_message>(R"({"message": "User not found"})");
    require_round_trip<entities::user_create>(
        R"({"name": "Ada", "familyName": "Lovelace", "email": "ada@example.org", "mobile": "+44 1", "loginId": "ada"})");
    require_round_trip<entities::user_activation_create>(R"({"loginId": "ada"})");
    require_round_trip<entities::coding>(
        R"({"system": "urn:x", "code": "sent", "extra": {"n": [1, 2.5, null]}})");
    require_round_trip<entities::details>(
        R"({"coding": {"code": "MSG_SENT"}, "text": "Activation mail sent"})");
    require_round_trip<entities::issue>(
        R"({"severity": "information", "code": "informational", "details": {"text": "sent"}})");
    auto activation = require_round_trip<entities::user_activation>(
        R"({"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational",
            "details": {"coding": {"system": "urn:igt", "code": "MSG_SENT"}, "text": "sent"}}]})");
    BOOST_TEST(activation.issue->at(0).details->coding->json == R"({"system":"urn:igt","code":"MSG_SENT"})");
    require_round_trip<entities::credentials>(
        R"({"accessKey": "AKIA", "secret": "s", "sessionToken": "t", "expiration": "2024-01-01T01:00:00Z"})");
    require_round_trip<entities::storage_config>(
        R"({"bucket": "b", "key": "users/1/", "region": "eu-west-1"})");
    require_round_trip<entities::storage>(
        R"({"credentials": {"accessKey": "AKIA", "expiration": "2024-01-01T01:00:00Z"}, "config": {"bucket": "b"}})");
    require_round_trip<entities::contact>(R"({"emailAddress": "a@example.org", "mobilePhone": "+31 6"})");
    require_round_trip<entities::organization_role>(
        R"({"groups": ["g"], "organizationId": "o", "organizationName": "O", "permissions": ["p"], "roles": ["r"]})");
    require_round_trip<entities::profile>(R"({"givenName": "Ada", "roles": [], "contact": {}})");
    require_round_trip<entities::user_settings>(
        R"({"istLevel": "1", "preferredLanguage": "nl", "trainingStartDate": "2000-02-29", "trainingEndDate": "9999-12-31"})");
    require_round_trip<entities::account_status>(R"({"mfaStatus": "NONE", "numberOfInvalidAttempt": -1})");
}

BOOST_AUTO_TEST_CASE(treats_null_as_absent_on_null_members)
{
    auto user = entities::decode<entities::user_info>(
        R"({"loginId": null, "userUUID": "u", "profile": {"contact": null, "roles": null}})");
    BOOST_TEST_REQUIRE(user.has_value());
    BOOST_TEST(!user->login_id.has_value());
    BOOST_TEST(!user->profile->contact.has_value());
    BOOST_TEST(!user->profile->roles.has_value());
    BOOST_TEST(entities::encode(*user) == R"({"userUUID":"u","profile":{}})");
}

BOOST_AUTO_TEST_CASE(ignores_members_on_unknown_names)
{
    auto user = entities::decode<entities::user_info>(
        R"({"loginId": "a", "futureField": {"deep": [1, {"x": null}]}, "profile": {"nickname": 7}})");
    BOOST_TEST_REQUIRE(user.has_value());
    BOOST_TEST(*user->login_id == "a");
    BOOST_TEST(entities::encode(*user) == R"({"loginId":"a","profile":{}})");
}

BOOST_AUTO_TEST_CASE(writes_empty_object_on_default_model)
{
    BOOST_TEST(entities::encode(entities::user_info{}) == "{}");
    BOOST_TEST(entities::encode(entities::user_create{}) == "{}");
    BOOST_TEST(entities::encode(entities::coding{}) == "{}");
}

BOOST_AUTO_TEST_CASE(converts_through_boost_json_on_value_from_and_value_to)
{
    auto const v = parse(full_user);
    auto user = json::value_to<entities::user_info>(v);
    BOOST_TEST(*user.profile->given_name == "Ada");
    BOOST_TEST(json::value_from(user) == v);
    auto users = json::value_to<std::vector<entities::user_info>>(parse(R"([{"loginId": "x"}])"));
    BOOST_TEST(*users.at(0).login_id == "x");
    BOOST_TEST(json::value_from(users) == parse(R"([{"loginId": "x"}])"));
}

BOOST_AUTO_TEST_CASE(throws_api_exception_with_path_on_value_to_mismatch)
{
    try {
        (void)json::value_to<entities::user_info>(parse(R"({"profile": {"familyName": ["x"]}})"));
        BOOST_FAIL("value_to did not throw");
    } catch (entities::api_exception const& e) {
        BOOST_TEST((e.code() == entities::error::invalid_response));
        BOOST_TEST(e.error().message == "profile.familyName: expected a string, got an array");
    }
}

BOOST_AUTO_TEST_CASE(refuses_to_write_on_bad_coding_text_and_year_10000)
{
    entities::details d{.coding = entities::coding{"[1, 2]"}};
    BOOST_CHECK_THROW(entities::encode(d), std::invalid_argument);
    d.coding->json = "{not json";
    BOOST_CHECK_THROW(entities::encode(d), std::invalid_argument);
    entities::credentials c{.expiration = sys_days{year{10000} / January / 1}};
    BOOST_CHECK_THROW(entities::encode(c), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(returns_error_without_throwing_on_deep_nesting)
{
    std::string deep = R"({"profile": )" + std::string(5000, '[') + std::string(5000, ']') + "}";
    auto r = entities::decode<entities::user_info>(deep);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == entities::error::invalid_response));
    BOOST_TEST(r.error().message.starts_with("malformed JSON: "));
}

struct malformed_case {
    char const* model;    // which decode<T>
    char const* document; // the input
    char const* message;  // the whole expected error message ("~" prefix: expected prefix only)
};

std::ostream& operator<<(std::ostream& os, malformed_case const& c)
{
    return os << c.model << ' ' << c.document;
}

entities::api_result<void> decode_as(std::string_view model, std::string_view text)
{
    auto drop = [](auto r) -> entities::api_result<void> {
        if (r) return {};
        return r.error();
    };
    if (model == "user_info") return drop(entities::decode<entities::user_info>(text));
    if (model == "users") return drop(entities::decode<std::vector<entities::user_info>>(text));
    if (model == "user_activation") return drop(entities::decode<entities::user_activation>(text));
    if (model == "storage") return drop(entities::decode<entities::storage>(text));
    if (model == "api_message") return drop(entities::decode<entities::api_message>(text));
    throw std::logic_error("unknown model in test table");
}

malformed_case const malformed_cases[] = {
    {"user_info", "[]", "JSON document: expected an object, got an array"},
    {"user_info", R"("ada")", "JSON document: expected an object, got a string"},
    {"user_info", "null", "JSON document: expected an object, got null"},
    {"user_info", "42", "JSON document: expected an object, got a number"},
    {"user_info", R"({"loginId": 5})", "loginId: expected a string, got a number"},
    {"user_info", R"({"profile": []})", "profile: expected an object, got an array"},
    {"user_info", R"({"profile": {"organizationRoles": [{}, {"roles": "admin"}]}})",
     "profile.organizationRoles[1].roles: expected an array, got a string"},
    {"user_info", R"({"profile": {"organizationRoles": [{"roles": ["a", 7]}]}})",
     "profile.organizationRoles[0].roles[1]: expected a string, got a number"},
    {"user_info", R"({"profile": {"organizationRoles": {"roles": []}}})",
     "profile.organizationRoles: expected an array, got an object"},
    {"user_info", R"({"profile": {"contact": {"emailAddress": true}}})",
     "profile.contact.emailAddress: expected a string, got a boolean"},
    {"user_info", R"({"profile": {"disabled": "yes"}})",
     "profile.disabled: expected a boolean, got a string"},
    {"user_info", R"({"profile": {"addresses": {"0": "x"}}})",
     "profile.addresses: expected an array, got an object"},
    {"user_info", R"({"accountStatus": {"numberOfInvalidAttempt": 1.5}})",
     "~accountStatus.numberOfInvalidAttempt: expected an integer in the range of int64, got "},
    {"user_info", R"({"accountStatus": {"numberOfInvalidAttempt": 18446744073709551615}})",
     "~accountStatus.numberOfInvalidAttempt: expected an integer in the range of int64, got "},
    {"user_info", R"({"accountStatus": {"numberOfInvalidAttempt": "3"}})",
     "accountStatus.numberOfInvalidAttempt: expected an integer, got a string"},
    {"user_info", R"({"accountStatus": {"lastLoginTime": "2024-13-01T00:00:00Z"}})",
     "accountStatus.lastLoginTime: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"lastLoginTime": "2023-02-29T00:00:00Z"}})",
     "accountStatus.lastLoginTime: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"passwordExpiresOn": "2024-01-01T00:00:00+25:00"}})",
     "accountStatus.passwordExpiresOn: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"passwordChangedOn": "2024-01-01T00:00:00+0100"}})",
     "accountStatus.passwordChangedOn: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"accountLockedOn": "2024-01-01T00:00:00"}})",
     "accountStatus.accountLockedOn: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"accountLockedUntil": "yesterday"}})",
     "accountStatus.accountLockedUntil: not an RFC 3339 date-time"},
    {"user_info", R"({"accountStatus": {"lastLoginTime": 1714971600}})",
     "accountStatus.lastLoginTime: expected an RFC 3339 date-time string, got a number"},
    {"user_info", R"({"settings": {"trainingStartDate": "2024-02-30"}})",
     "settings.trainingStartDate: not a valid YYYY-MM-DD date"},
    {"user_info", R"({"settings": {"trainingEndDate": "2024-1-5"}})",
     "settings.trainingEndDate: not a valid YYYY-MM-DD date"},
    {"user_info", R"({"settings": {"trainingEndDate": "2024-01-05T00:00:00Z"}})",
     "settings.trainingEndDate: not a valid YYYY-MM-DD date"},
    {"user_info", R"({"loginId": "ada)", "~malformed JSON: "},
    {"user_info", "", "~malformed JSON: "},
    {"user_info", R"({"loginId": "a"} trailing)", "~malformed JSON: "},
    {"user_info", R"({"loginId": "a",})", "~malformed JSON: "},
    {"users", R"([{"loginId": "a"}, {"loginId": "b"}, {"profile": {"givenName": 1}}])",
     "[2].profile.givenName: expected a string, got a number"},
    {"users", R"({"users": []})", "JSON document: expected an array, got an object"},
    {"users", R"([{}, null])", "[1]: expected an object, got null"},
    {"user_activation", R"({"issue": [{"details": {"coding": [1]}}]})",
     "issue[0].details.coding: expected an object, got an array"},
    {"user_activation", R"({"issue": [{}, {"severity": {}}]})",
     "issue[1].severity: expected a string, got an object"},
    {"storage", R"({"credentials": {"expiration": "2024-01-01T00:00:60Z"}})",
     "credentials.expiration: not an RFC 3339 date-time"},
    {"storage", R"({"config": {"bucket": false}})", "config.bucket: expected a string, got a boolean"},
    {"api_message", R"({"message": ["x"]})", "message: expected a string, got an array"},
};

BOOST_DATA_TEST_CASE(reports_path_on_malformed_document, data::make(malformed_cases), c)
{
    auto r = decode_as(c.model, c.document);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == entities::error::invalid_response));
    BOOST_TEST(r.error().status == 0u);
    std::string_view expected = c.message;
    if (expected.starts_with('~')) {
        expected.remove_prefix(1);
        BOOST_TEST(r.error().message.starts_with(expected), r.error().message);
        BOOST_TEST(r.error().message.size() > expected.size(), r.error().message);
    } else {
        BOOST_TEST(r.error().message == expected);
    }
}

BOOST_AUTO_TEST_SUITE_END()
