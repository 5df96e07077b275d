// The models' round trip, shared by their unit tests: decode -> encode gives back the same JSON (compared
// as values: member order and spacing aside), and decoding that again gives the same value.
#pragma once

#include <igtcloud/entities/models.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace igtcloud::test {

template <class T>
T require_round_trip(std::string_view text)
{
    auto decoded = entities::decode<T>(text);
    BOOST_TEST_REQUIRE(decoded.has_value(), (decoded ? "" : decoded.error().message));
    auto const encoded = entities::encode(*decoded);
    BOOST_TEST(boost::json::parse(encoded) == boost::json::parse(text), encoded);
    auto again = entities::decode<T>(encoded);
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST((*again == *decoded));
    return *decoded;
}

} // namespace igtcloud::test
