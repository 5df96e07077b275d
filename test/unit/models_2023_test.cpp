// The models of the 2023 spec (DESIGN.md §7): user_file (File) and user_create's 2023 members beside the
// seed's, through decode/encode and Boost.JSON's value_from / value_to.
#include <igtcloud/entities/models.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "support/round_trip.hpp"

namespace entities = igtcloud::entities;
namespace json = boost::json;
using namespace std::chrono;

namespace {

using igtcloud::test::require_round_trip;

entities::date_time at(year_month_day day, hours h, minutes m = minutes{0})
{
    return entities::date_time{sys_days{day} + h + m};
}

constexpr char const* full_file = R"({"key": "cases/2023/run 1.zip", "fileName": "run 1.zip",
    "isCompleted": true, "isNew": false, "uploadId": "up-7", "progressPercentage": 100, "type": "application/zip",
    "fileSize": 5368709120, "progressInBytes": 5368709120})";

} // namespace

BOOST_AUTO_TEST_SUITE(models_2023)

BOOST_AUTO_TEST_CASE(round_trips_every_member_on_full_user_file)
{
    auto const f = require_round_trip<entities::user_file>(full_file);
    BOOST_TEST(f.key.value_or("") == "cases/2023/run 1.zip");
    BOOST_TEST(f.file_name.value_or("") == "run 1.zip");
    BOOST_TEST(f.is_completed.value_or(false));
    BOOST_TEST(!f.is_new.value_or(true));
    BOOST_TEST(f.upload_id.value_or("") == "up-7");
    BOOST_TEST(f.progress_percentage.value_or(0) == 100);
    BOOST_TEST(f.type.value_or("") == "application/zip");
    BOOST_TEST(f.file_size.value_or(0) == 5368709120LL); // over 4 GiB: 64-bit
    BOOST_TEST(f.progress_in_bytes.value_or(0) == 5368709120LL);
}

BOOST_AUTO_TEST_CASE(keeps_absent_members_absent_on_masked_user_file)
{
    // An X-Fields mask may leave out even the members the spec requires (key, fileSize).
    auto const f = require_round_trip<entities::user_file>(R"({"fileName": "a.txt"})");
    BOOST_TEST(!f.key.has_value());
    BOOST_TEST(!f.file_size.has_value());
    BOOST_TEST(entities::encode(entities::user_file{}) == "{}");
}

BOOST_AUTO_TEST_CASE(decodes_each_element_on_list_of_files)
{
    auto const list = entities::decode<std::vector<entities::user_file>>(
        R"([{"key": "a", "fileSize": 0}, {"key": "b/c", "fileSize": 1, "ignored": [1, {"x": null}]}])");
    BOOST_TEST_REQUIRE(list.has_value());
    BOOST_TEST_REQUIRE(list->size() == 2u);
    BOOST_TEST((*list)[0].key.value_or("") == "a");
    BOOST_TEST((*list)[0].file_size.value_or(-1) == 0);
    BOOST_TEST((*list)[1].key.value_or("") == "b/c");
    BOOST_TEST((*list)[1].file_size.value_or(-1) == 1);
    auto const empty = entities::decode<std::vector<entities::user_file>>("[]");
    BOOST_TEST_REQUIRE(empty.has_value());
    BOOST_TEST(empty->empty());
}

BOOST_AUTO_TEST_CASE(names_path_on_wrong_type_in_list_of_files)
{
    auto const r = entities::decode<std::vector<entities::user_file>>(
        R"([{"key": "a"}, {"key": "b", "fileSize": "12"}])");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST((r.error().code == entities::error::invalid_response));
    BOOST_TEST(r.error().message == "[1].fileSize: expected an integer, got a string", r.error().message);
    auto const not_bool = entities::decode<entities::user_file>(R"({"isCompleted": "yes"})");
    BOOST_TEST_REQUIRE(!not_bool.has_value());
    BOOST_TEST(not_bool.error().message.starts_with("isCompleted: expected a"), not_bool.error().message);
}

BOOST_AUTO_TEST_CASE(round_trips_seed_members_on_seed_user_create)
{
    auto const u = require_round_trip<entities::user_create>(
        R"({"name": "Ada", "familyName": "Lovelace", "email": "ada@example.org", "mobile": "+44 1", "loginId": "ada"})");
    BOOST_TEST(u.name.value_or("") == "Ada");
    BOOST_TEST(u.mobile.value_or("") == "+44 1");
    BOOST_TEST(!u.given_name.has_value()); // no 2023 member appears in a seed body
    BOOST_TEST(!u.training_start_date.has_value());
}

BOOST_AUTO_TEST_CASE(round_trips_2023_members_on_user_request)
{
    auto const u = require_round_trip<entities::user_create>(
        R"({"givenName": "Ada", "familyName": "Lovelace", "email": "ada@example.org", "loginId": "ada",
            "istLevel": "expert", "preferredLanguage": "nl", "trainingStartDate": "2024-01-31T09:00:00Z",
            "trainingEndDate": "2024-06-30T17:30:00.250000Z"})");
    BOOST_TEST(u.given_name.value_or("") == "Ada");
    BOOST_TEST(u.ist_level.value_or("") == "expert");
    BOOST_TEST(u.preferred_language.value_or("") == "nl");
    BOOST_TEST_REQUIRE(u.training_start_date.has_value());
    BOOST_TEST((*u.training_start_date == at(2024y / January / 31, hours{9})));
    BOOST_TEST_REQUIRE(u.training_end_date.has_value());
    BOOST_TEST((*u.training_end_date == at(2024y / June / 30, hours{17}, minutes{30}) + milliseconds{250}));
    BOOST_TEST(!u.name.has_value()); // no seed-only member appears in a 2023 body
    BOOST_TEST(!u.mobile.has_value());
}

BOOST_AUTO_TEST_CASE(writes_utc_on_training_dates_with_offset)
{
    auto const u =
        entities::decode<entities::user_create>(R"({"trainingStartDate": "2024-01-31T09:00:00+02:00"})");
    BOOST_TEST_REQUIRE(u.has_value());
    BOOST_TEST(entities::encode(*u) == R"({"trainingStartDate":"2024-01-31T07:00:00Z"})");
}

BOOST_AUTO_TEST_CASE(writes_only_given_members_on_mixed_user_create)
{
    entities::user_create const both{.name = "Ada",
                                     .email = "ada@example.org",
                                     .login_id = "ada",
                                     .given_name = "Augusta",
                                     .training_end_date = at(2025y / March / 1, hours{0})};
    auto const text = entities::encode(both);
    BOOST_TEST(json::parse(text) ==
                   json::parse(R"({"name": "Ada", "email": "ada@example.org", "loginId": "ada",
        "givenName": "Augusta", "trainingEndDate": "2025-03-01T00:00:00Z"})"),
               text);
    BOOST_TEST(text.find("null") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_member_on_bad_training_date)
{
    auto const r = entities::decode<entities::user_create>(R"({"trainingStartDate": "2024-01-31"})");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.starts_with("trainingStartDate: "), r.error().message);
    auto const n = entities::decode<entities::user_create>(R"({"givenName": 7})");
    BOOST_TEST_REQUIRE(!n.has_value());
    BOOST_TEST(n.error().message == "givenName: expected a string, got a number", n.error().message);
}

BOOST_AUTO_TEST_CASE(converts_through_boost_json_on_user_file_and_user_create)
{
    auto const f = json::value_to<entities::user_file>(json::parse(full_file));
    BOOST_TEST(json::value_from(f) == json::parse(full_file));
    entities::user_create const u{.family_name = "Hopper", .given_name = "Grace", .ist_level = "2"};
    auto const v = json::value_from(u);
    BOOST_TEST(v == json::parse(R"({"familyName": "Hopper", "givenName": "Grace", "istLevel": "2"})"),
               json::serialize(v));
    BOOST_TEST((json::value_to<entities::user_create>(v) == u));
}

BOOST_AUTO_TEST_SUITE_END()
