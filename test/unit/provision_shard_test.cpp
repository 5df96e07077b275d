// Unit tests of the shards of a provisioning input: FNV-1a 64-bit (known vectors) and the shard predicate.
#include <igtcloud/entities/provision.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using igtcloud::entities::fnv1a_64;
using igtcloud::entities::in_shard;
using igtcloud::entities::shard_spec;

} // namespace

BOOST_AUTO_TEST_SUITE(provision_shard)

BOOST_AUTO_TEST_CASE(hashes_the_known_vectors_on_fnv1a_64)
{
    BOOST_TEST(fnv1a_64("") == 0xcbf29ce484222325ull);
    BOOST_TEST(fnv1a_64("a") == 0xaf63dc4c8601ec8cull);
    BOOST_TEST(fnv1a_64("foobar") == 0x85944171f73967e8ull);
    // bytes as they are: UTF-8, no normalisation, a NUL included
    BOOST_TEST(fnv1a_64("\xc3\xa9") != fnv1a_64("e\xcc\x81"));
    BOOST_TEST(fnv1a_64(std::string("a\0b", 3)) != fnv1a_64("ab"));
}

BOOST_AUTO_TEST_CASE(puts_each_login_in_exactly_one_shard_on_any_count)
{
    std::vector<std::string> logins{""};
    for (int i = 0; i < 3000; ++i)
        logins.push_back("user" + std::to_string(i) + "@example.org");
    for (std::uint64_t count : {1u, 2u, 3u, 7u, 64u}) {
        std::vector<std::size_t> sizes(count);
        for (auto const& login : logins) {
            std::size_t shards = 0;
            for (std::uint64_t index = 0; index < count; ++index) {
                if (!in_shard(login, shard_spec{index, count})) continue;
                ++shards;
                ++sizes[index];
                BOOST_TEST(fnv1a_64(login) % count == index);
            }
            BOOST_TEST_REQUIRE(shards == 1u, login << " in " << shards << " of " << count << " shards");
        }
        for (auto const size : sizes) // spread: no shard is far from its share
            BOOST_TEST(size > logins.size() / count / 2, "count " << count);
    }
}

BOOST_AUTO_TEST_CASE(refuses_every_login_on_an_invalid_spec)
{
    for (auto const* login : {"", "a", "ada@example.org"}) {
        BOOST_TEST(!in_shard(login, shard_spec{0, 0}));
        BOOST_TEST(!in_shard(login, shard_spec{3, 3}));
        BOOST_TEST(!in_shard(login, shard_spec{UINT64_MAX, 2}));
    }
    BOOST_TEST(in_shard("a", shard_spec{}));                   // the default: one shard, all
    BOOST_TEST(in_shard("", shard_spec{fnv1a_64("") % 3, 3})); // a bad row's shard
    BOOST_TEST(in_shard("a", shard_spec{0xaf63dc4c8601ec8cull % 5, 5}));
}

BOOST_AUTO_TEST_SUITE_END()
