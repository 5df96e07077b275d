// The diff of a sync (src/entities/sync/user_diff): which members differ between a desired user_create and a
// current user, and the PUT body that leaves the members the file does not give as they are.
#include <igtcloud/entities/models.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "entities/date_time.hpp"
#include "entities/sync/current_user.hpp"
#include "entities/sync/user_diff.hpp"

namespace entities = igtcloud::entities;
namespace detail = igtcloud::entities::detail;
using paths = std::vector<std::string>;
using namespace std::chrono;

namespace {

entities::date_time instant(char const* text)
{
    auto t = detail::parse_date_time(text);
    BOOST_TEST_REQUIRE(t.has_value(), text);
    return *t;
}

/// A current user with every compared member set.
detail::current_user ada()
{
    return detail::current_user{.login_id = "ada",
                                .user_uuid = "u-1",
                                .email = "Ada@Example.org",
                                .given_name = "Ada",
                                .family_name = "Lovelace",
                                .mobile = "+31 6 1",
                                .profile_language = "en",
                                .ist_level = "2",
                                .settings_language = "en",
                                .training_start = year{2024} / March / 2,
                                .training_end = year{2025} / December / 31};
}

/// A desired user giving every member, equal to ada().
entities::user_create ada_desired()
{
    return entities::user_create{.name = "Ada",
                                 .family_name = "Lovelace",
                                 .email = "ada@example.ORG",
                                 .mobile = "+31 6 1",
                                 .login_id = "ada",
                                 .given_name = "Ada",
                                 .ist_level = "2",
                                 .preferred_language = "en",
                                 .training_start_date = instant("2024-03-02T00:00:00Z"),
                                 .training_end_date = instant("2025-12-31T23:59:59.999999Z")};
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_diff)

BOOST_AUTO_TEST_CASE(is_empty_on_equal_members_with_email_case_and_times_within_the_day)
{
    BOOST_TEST(detail::differing_paths(ada_desired(), ada()) == paths{}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(is_empty_on_a_user_giving_only_its_key)
{
    // absent members mean "leave as is", whatever the current values are
    BOOST_TEST(detail::differing_paths(entities::user_create{.login_id = "ada"}, ada()).empty());
    BOOST_TEST(
        detail::differing_paths(entities::user_create{.login_id = "ada"}, detail::current_user{}).empty());
}

BOOST_AUTO_TEST_CASE(names_each_member_on_one_difference)
{
    struct one_case {
        void (*change)(entities::user_create&);
        char const* path;
    };
    one_case const cases[] = {
        {[](auto& d) { d.name = "Augusta"; }, "profile.givenName"},
        {[](auto& d) { d.given_name = "Augusta"; }, "profile.givenName"},
        {[](auto& d) { d.family_name = "King"; }, "profile.familyName"},
        {[](auto& d) { d.email = "ada@example.com"; }, "profile.contact.emailAddress"},
        {[](auto& d) { d.email = "ada@example.org "; }, "profile.contact.emailAddress"},
        {[](auto& d) { d.mobile = "+31 6 2"; }, "profile.contact.mobilePhone"},
        {[](auto& d) { d.ist_level = "3"; }, "settings.istLevel"},
        {[](auto& d) { d.training_start_date = instant("2024-03-01T23:59:59Z"); },
         "settings.trainingStartDate"},
        {[](auto& d) { d.training_end_date = instant("2026-01-01T00:00:00Z"); }, "settings.trainingEndDate"},
    };
    for (auto const& c : cases) {
        auto d = ada_desired();
        c.change(d);
        BOOST_TEST(detail::differing_paths(d, ada()) == paths{c.path}, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(names_both_languages_and_every_path_once_in_a_fixed_order)
{
    auto d = ada_desired();
    d.preferred_language = "nl";
    BOOST_TEST(detail::differing_paths(d, ada()) ==
                   (paths{"profile.preferredLanguage", "settings.preferredLanguage"}),
               boost::test_tools::per_element());
    auto c = ada();
    c.profile_language = "en-US"; // only the profile's differs
    BOOST_TEST(detail::differing_paths(ada_desired(), c) == paths{"profile.preferredLanguage"},
               boost::test_tools::per_element());

    auto all = ada_desired();
    all.name = "A";
    all.given_name = "B"; // both differ: one path
    all.family_name = "C";
    all.email = "d@e";
    all.mobile = "1";
    all.preferred_language = "fr";
    all.ist_level = "9";
    all.training_start_date = instant("2000-01-01T00:00:00Z");
    all.training_end_date = instant("2000-01-02T00:00:00Z");
    BOOST_TEST(
        detail::differing_paths(all, ada()) ==
            (paths{"profile.givenName", "profile.familyName", "profile.contact.emailAddress",
                   "profile.contact.mobilePhone", "profile.preferredLanguage", "settings.istLevel",
                   "settings.preferredLanguage", "settings.trainingStartDate", "settings.trainingEndDate"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(counts_a_given_member_absent_from_the_current_user_as_different)
{
    detail::current_user bare{.login_id = "ada", .user_uuid = "u-1"};
    auto const all = detail::differing_paths(ada_desired(), bare);
    BOOST_TEST(all.size() == 9u);
    BOOST_TEST(detail::differing_paths(entities::user_create{.email = "a@b", .login_id = "ada"}, bare) ==
                   paths{"profile.contact.emailAddress"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(compares_date_times_as_instants_and_their_utc_day_with_the_date)
{
    auto d = entities::user_create{.login_id = "ada"};
    // 2024-03-01T23:30-02:00 is 2024-03-02T01:30Z: the day of the current date
    d.training_start_date = instant("2024-03-01T23:30:00-02:00");
    BOOST_TEST(detail::differing_paths(d, ada()).empty());
    // 2024-03-02T00:30+01:00 is 2024-03-01T23:30Z: the day before
    d.training_start_date = instant("2024-03-02T00:30:00+01:00");
    BOOST_TEST(detail::differing_paths(d, ada()) == paths{"settings.trainingStartDate"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(compares_emails_ignoring_ascii_case_only)
{
    BOOST_TEST(detail::same_email("Ada@Example.ORG", "ada@example.org"));
    BOOST_TEST(detail::same_email("", ""));
    BOOST_TEST(!detail::same_email("ada@example.org", "ada@example.or"));
    BOOST_TEST(!detail::same_email("ada@example.org", "adb@example.org"));
    BOOST_TEST(!detail::same_email("\xC3\x89@x", "\xC3\xA9@x")); // É and é: bytes, not Unicode folding
    BOOST_TEST(!detail::same_email("[@x", "{@x"));               // only letters fold
}

BOOST_AUTO_TEST_CASE(fills_the_put_body_with_current_values_for_members_not_given)
{
    auto const body = detail::put_body(entities::user_create{.email = "new@x", .login_id = "ada"}, ada());
    BOOST_TEST(*body.login_id == "ada");
    BOOST_TEST(*body.email == "new@x");
    BOOST_TEST(*body.given_name == "Ada");
    BOOST_TEST(*body.name == "Ada");
    BOOST_TEST(*body.family_name == "Lovelace");
    BOOST_TEST(*body.mobile == "+31 6 1");
    BOOST_TEST(*body.ist_level == "2");
    BOOST_TEST(*body.preferred_language == "en");
    BOOST_TEST((*body.training_start_date == sys_days{year{2024} / March / 2}));
    BOOST_TEST((*body.training_end_date == sys_days{year{2025} / December / 31}));
    // what it sends beyond the file's members equals the current user: the diff is the file's alone
    BOOST_TEST(detail::differing_paths(body, ada()) == paths{"profile.contact.emailAddress"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sends_the_given_name_in_both_members_and_no_language_when_two_disagree)
{
    auto c = ada();
    c.profile_language = "en-US";
    auto const seed = detail::put_body(entities::user_create{.name = "Augusta", .login_id = "ada"}, c);
    BOOST_TEST(*seed.name == "Augusta");
    BOOST_TEST(*seed.given_name == "Augusta");
    BOOST_TEST(!seed.preferred_language.has_value());
    auto const v2023 = detail::put_body(entities::user_create{.login_id = "ada", .given_name = "Augusta"}, c);
    BOOST_TEST(*v2023.name == "Augusta");
    BOOST_TEST(*v2023.given_name == "Augusta");
    auto const bare = detail::put_body(entities::user_create{.login_id = "ada"}, detail::current_user{});
    BOOST_TEST((bare == entities::user_create{.login_id = "ada"}));
}

BOOST_AUTO_TEST_CASE(keeps_the_compared_members_of_a_user_info)
{
    entities::user_info u;
    u.login_id = "ada";
    u.user_uuid = "u-1";
    u.profile = entities::profile{
        .contact = entities::contact{.email_address = "Ada@Example.org", .mobile_phone = "+31 6 1"},
        .family_name = "Lovelace",
        .given_name = "Ada",
        .preferred_language = "en",
        .roles = std::vector<std::string>{"USER"}};
    u.settings = entities::user_settings{.ist_level = "2",
                                         .preferred_language = "en",
                                         .training_start_date = year{2024} / March / 2,
                                         .training_end_date = year{2025} / December / 31};
    u.account_status = entities::account_status{.disabled = false};
    BOOST_TEST((detail::current_of(u) == ada()));
    BOOST_TEST((detail::current_of(entities::user_info{}) == detail::current_user{}));
}

BOOST_AUTO_TEST_SUITE_END()
