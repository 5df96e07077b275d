// The on-disk parts of a sync (src/entities/sync): the compact record of a current user, the record file,
// the hash index (growth, collisions, lines), and the planner's decisions over them.
#include <igtcloud/entities/models.hpp>
#include <igtcloud/entities/sync.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "entities/invalid_argument.hpp"
#include "entities/sync/apply_queue.hpp"
#include "entities/sync/current_user.hpp"
#include "entities/sync/login_index.hpp"
#include "entities/sync/spill_file.hpp"
#include "entities/sync/sync_planner.hpp"
#include "support/temp_dir.hpp"

namespace entities = igtcloud::entities;
namespace detail = igtcloud::entities::detail;
using igtcloud::test::temp_dir;
using namespace std::chrono;

namespace {

detail::current_user full_user()
{
    return detail::current_user{.login_id = "ada",
                                .user_uuid = "u-1",
                                .email = "ada@example.org",
                                .given_name = "Ada",
                                .family_name = "",
                                .mobile = std::nullopt,
                                .profile_language = "en",
                                .ist_level = "2",
                                .settings_language = "nl",
                                .training_start = year{1969} / December / 31, // a negative day count
                                .training_end = year{2025} / December / 31};
}

entities::user_info listed(std::string login, std::string uuid, std::string given = "G")
{
    entities::user_info u;
    u.login_id = std::move(login);
    u.user_uuid = std::move(uuid);
    u.profile = entities::profile{.contact = entities::contact{.email_address = *u.login_id + "@x"},
                                  .given_name = std::move(given)};
    return u;
}

entities::provision_item row(std::size_t line, std::string login, std::string given = "G")
{
    return entities::provision_item{
        line,
        entities::user_create{.email = login + "@x", .login_id = login, .given_name = std::move(given)}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_index)

BOOST_AUTO_TEST_CASE(round_trips_records_and_refuses_every_cut)
{
    std::string bytes;
    detail::encode(detail::record_kind::current, full_user(), bytes);
    auto back = detail::decode(bytes);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((back->kind == detail::record_kind::current));
    BOOST_TEST((back->user == full_user()));
    BOOST_TEST((detail::login_of(bytes) == std::optional<std::string_view>("ada")));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut)
        BOOST_TEST(!detail::decode(std::string_view(bytes).substr(0, cut)).has_value(), "cut at " << cut);
    BOOST_TEST(!detail::decode(bytes + 'x').has_value()); // trailing bytes

    std::string desired;
    detail::encode(detail::record_kind::desired, full_user(), desired);
    auto only = detail::decode(desired);
    BOOST_TEST_REQUIRE(only.has_value());
    BOOST_TEST((only->kind == detail::record_kind::desired));
    BOOST_TEST((only->user == detail::current_user{.login_id = "ada"})); // the loginId alone

    BOOST_TEST(!detail::decode(std::string("\x07", 1)).has_value()); // unknown kind
    BOOST_TEST(!detail::login_of("").has_value());
}

BOOST_AUTO_TEST_CASE(hashes_with_fnv1a_64)
{
    BOOST_TEST(detail::fnv1a64("") == 0xcbf29ce484222325ull);
    BOOST_TEST(detail::fnv1a64("a") == 0xaf63dc4c8601ec8cull);
    BOOST_TEST(detail::fnv1a64("foobar") == 0x85944171f73967e8ull);
}

BOOST_AUTO_TEST_CASE(reads_records_back_before_and_after_they_are_written)
{
    temp_dir dir;
    detail::record_file records(dir.path.string());
    std::vector<std::uint64_t> offsets;
    for (int i = 0; i < 5000; ++i) // ~150 KiB: flushed twice, the rest still buffered
        offsets.push_back(records.append("record number " + std::to_string(i) + std::string(i % 17, '.')));
    std::string buffer;
    for (int i = 4999; i >= 0; --i)
        BOOST_TEST(records.read(offsets[static_cast<std::size_t>(i)], buffer) ==
                   "record number " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 17), '.'));
    BOOST_CHECK_THROW(records.read(records.size(), buffer), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(finds_every_key_after_growing_and_tells_colliding_hashes_apart)
{
    temp_dir dir;
    detail::login_index index(dir.path.string(), 2);
    constexpr std::uint64_t n = 20'000;
    // 20 keys per hash value (spread over the table): is_key must tell them apart
    auto const hash_of = [](std::uint64_t k) { return (k % 1000) * 0x9E3779B97F4A7C15ull; };
    for (std::uint64_t k = 0; k < n; ++k) {
        auto const hash = hash_of(k);
        BOOST_TEST_REQUIRE(!index.find(hash, [&](std::uint64_t rec) { return rec == k; }).has_value());
        index.insert(hash, k, k % 3 == 0 ? k + 1 : 0);
    }
    BOOST_TEST(index.size() == n);
    BOOST_TEST(index.capacity() >= 2 * n);
    for (std::uint64_t k = 0; k < n; ++k) {
        auto slot = index.find(hash_of(k), [&](std::uint64_t rec) { return rec == k; });
        BOOST_TEST_REQUIRE(slot.has_value());
        BOOST_TEST(index.at(*slot).line == (k % 3 == 0 ? k + 1 : 0));
    }
    BOOST_TEST(!index.find(hash_of(5), [](std::uint64_t rec) { return rec == n; }).has_value());
    auto slot = index.find(hash_of(7), [](std::uint64_t rec) { return rec == 1007; });
    BOOST_TEST_REQUIRE(slot.has_value());
    index.set_line(*slot, 42);
    index.insert(123456, n, 0); // may grow: the line set survives
    std::set<std::uint64_t> seen;
    index.for_each([&](detail::login_index::slot const& s) {
        BOOST_TEST(seen.insert(s.record - 1).second);
        if (s.record - 1 == 1007) BOOST_TEST(s.line == 42u);
    });
    BOOST_TEST(seen.size() == n + 1);
}

BOOST_AUTO_TEST_CASE(refuses_a_directory_that_does_not_exist)
{
    temp_dir dir;
    BOOST_CHECK_THROW(detail::sync_planner((dir / "missing").string()), std::system_error);
}

BOOST_AUTO_TEST_CASE(plans_create_update_unchanged_duplicates_and_removes)
{
    temp_dir dir;
    detail::sync_planner planner(dir.path.string());
    planner.set_caller(listed("me", "u-me"));
    for (auto const& u : {listed("me", "u-me"), listed("a", "u-a"), listed("b", "u-b"), listed("c", "u-c"),
                          listed("d", "u-d"), listed("a", "u-a2")}) // "a" twice: the first stands
        planner.add_current(u);
    auto no_login = listed("x", "u-x");
    no_login.login_id.reset();
    planner.add_current(no_login); // counted, never matched nor removed
    BOOST_TEST(planner.current() == 7u);

    std::map<std::size_t, entities::sync_plan_item> plan;
    auto add = [&](entities::provision_item const& item) { plan[item.line] = planner.plan(item); };
    add(row(2, "a"));            // unchanged
    add(row(3, "b", "Barbara")); // update
    add(row(4, "e"));            // create
    add(row(5, "e"));            // duplicate of a create
    add(row(6, "a"));            // duplicate of a match
    add(entities::provision_item{7, entities::detail::invalid("line 7: missing email")});

    BOOST_TEST((plan[2].action == entities::sync_action::unchanged));
    BOOST_TEST(plan[2].user_uuid == "u-a");
    BOOST_TEST((plan[3].action == entities::sync_action::update));
    BOOST_TEST(plan[3].changes == std::vector<std::string>{"profile.givenName"},
               boost::test_tools::per_element());
    BOOST_TEST(plan[3].user_uuid == "u-b");
    BOOST_TEST((plan[4].action == entities::sync_action::create));
    BOOST_TEST(plan[4].login_id == "e");
    BOOST_TEST((plan[5].action == entities::sync_action::failed));
    BOOST_TEST(plan[5].error->message == "line 5: duplicate loginId, first at line 4");
    BOOST_TEST((plan[6].action == entities::sync_action::failed));
    BOOST_TEST(plan[6].error->message == "line 6: duplicate loginId, first at line 2");
    BOOST_TEST((plan[7].action == entities::sync_action::failed));
    BOOST_TEST(plan[7].error->message == "line 7: missing email");

    auto const census = planner.census();
    BOOST_TEST(census.removes == 2u); // c and d; never the caller, never the user without a loginId
    BOOST_TEST(census.caller_kept);
    std::map<std::string, std::string> removes;
    planner.for_each_remove([&](entities::sync_plan_item item) {
        BOOST_TEST((item.action == entities::sync_action::remove));
        BOOST_TEST(item.line == 0u);
        removes[item.login_id] = item.user_uuid;
    });
    BOOST_TEST((removes == std::map<std::string, std::string>{{"c", "u-c"}, {"d", "u-d"}}));
}

BOOST_AUTO_TEST_CASE(keeps_no_caller_when_the_file_has_it)
{
    temp_dir dir;
    detail::sync_planner planner(dir.path.string());
    planner.set_caller(listed("me", "u-me"));
    planner.add_current(listed("me", "u-me"));
    planner.add_current(listed("other", "u-o"));
    BOOST_TEST((planner.plan(row(2, "me")).action == entities::sync_action::unchanged));
    auto const census = planner.census();
    BOOST_TEST(census.removes == 1u);
    BOOST_TEST(!census.caller_kept);
}

BOOST_AUTO_TEST_CASE(keeps_the_plan_for_applying_and_gives_it_back_in_order_as_provisioning_items)
{
    temp_dir dir;
    detail::apply_queue queue(dir.path.string());
    entities::user_create const created{.email = "e@x", .login_id = "e", .given_name = "E"};
    entities::user_create const put{.family_name = "F", .email = "b@x", .login_id = "b"};
    queue.push(entities::sync_plan_item{.line = 2, .login_id = "e", .action = entities::sync_action::create},
               &created);
    queue.push(entities::sync_plan_item{.line = 3,
                                        .login_id = "b",
                                        .action = entities::sync_action::update,
                                        .changes = {"profile.familyName"},
                                        .user_uuid = "u-b"},
               &put);
    queue.push(
        entities::sync_plan_item{
            .line = 4, .login_id = "a", .action = entities::sync_action::unchanged, .user_uuid = "u-a"},
        nullptr);
    queue.push(
        entities::sync_plan_item{.line = 5,
                                 .login_id = "e",
                                 .action = entities::sync_action::failed,
                                 .error = detail::invalid("line 5: duplicate loginId, first at line 2")},
        nullptr);
    BOOST_CHECK_THROW(queue.push(entities::sync_plan_item{.action = entities::sync_action::create}, nullptr),
                      std::invalid_argument);

    auto first = queue.pop();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->line == 2u);
    BOOST_TEST((first->action == entities::provision_action::create));
    BOOST_TEST((first->user.value() == created));
    auto second = queue.pop();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST((second->action == entities::provision_action::update));
    BOOST_TEST(second->user_uuid == "u-b");
    BOOST_TEST((second->user.value() == put));
    auto third = queue.pop();
    BOOST_TEST_REQUIRE(third.has_value());
    BOOST_TEST((third->action == entities::provision_action::none));
    BOOST_TEST(*third->user->login_id == "a");
    BOOST_TEST(third->user_uuid == "u-a");
    auto fourth = queue.pop();
    BOOST_TEST_REQUIRE(fourth.has_value());
    BOOST_TEST(fourth->line == 5u);
    BOOST_TEST_REQUIRE(!fourth->user.has_value());
    BOOST_TEST(fourth->user.error().message == "line 5: duplicate loginId, first at line 2");
    BOOST_TEST((fourth->user.error().code == entities::error::invalid_argument));
    BOOST_TEST(!queue.pop().has_value());
    BOOST_TEST(!queue.pop().has_value());
}

BOOST_AUTO_TEST_CASE(gives_the_removes_one_at_a_time_as_for_each_remove_does)
{
    temp_dir dir;
    detail::sync_planner planner(dir.path.string());
    planner.set_caller(listed("me", "u-me"));
    for (int i = 0; i < 3000; ++i) // the index grows several times
        planner.add_current(listed("user" + std::to_string(i), "u-" + std::to_string(i)));
    planner.add_current(listed("me", "u-me"));
    for (std::size_t i = 0; i < 3000; i += 3)
        planner.plan(row(i + 2, "user" + std::to_string(i)));
    std::vector<std::string> all, one_by_one;
    planner.for_each_remove([&](entities::sync_plan_item item) { all.push_back(item.login_id); });
    std::uint64_t slot = 0;
    while (auto item = planner.next_remove(slot))
        one_by_one.push_back(item->login_id);
    BOOST_TEST(all.size() == 2000u);
    BOOST_TEST(planner.census().removes == 2000u);
    BOOST_TEST(one_by_one == all, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(limits_deletes_to_a_tenth_rounded_down_by_default)
{
    BOOST_TEST(detail::default_max_delete(0) == 0u);
    BOOST_TEST(detail::default_max_delete(9) == 0u);
    BOOST_TEST(detail::default_max_delete(25) == 2u);
    BOOST_TEST(detail::default_max_delete(100'000) == 10'000u);
}

BOOST_AUTO_TEST_SUITE_END()
