// Unit tests of the base64 and base64url codecs: RFC 4648 vectors, round trips, every strict refusal.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <string_view>

#include "entities/auth/base64.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
using igtcloud::entities::error;

bool refused(igtcloud::entities::api_result<std::string> const& r)
{
    return !r && r.error().code == error::invalid_argument && r.error().status == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth_base64)

BOOST_AUTO_TEST_CASE(encodes_rfc4648_vectors_on_standard_alphabet)
{
    BOOST_TEST(auth::base64_encode("") == "");
    BOOST_TEST(auth::base64_encode("f") == "Zg==");
    BOOST_TEST(auth::base64_encode("fo") == "Zm8=");
    BOOST_TEST(auth::base64_encode("foo") == "Zm9v");
    BOOST_TEST(auth::base64_encode("foob") == "Zm9vYg==");
    BOOST_TEST(auth::base64_encode("fooba") == "Zm9vYmE=");
    BOOST_TEST(auth::base64_encode("foobar") == "Zm9vYmFy");
    BOOST_TEST(auth::base64_encode("\xfb\xff\xfe") == "+//+");
}

BOOST_AUTO_TEST_CASE(encodes_without_padding_on_url_alphabet)
{
    BOOST_TEST(auth::base64url_encode("") == "");
    BOOST_TEST(auth::base64url_encode("f") == "Zg");
    BOOST_TEST(auth::base64url_encode("fo") == "Zm8");
    BOOST_TEST(auth::base64url_encode("foo") == "Zm9v");
    BOOST_TEST(auth::base64url_encode("\xfb\xff\xfe") == "-__-");
    BOOST_TEST(auth::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") ==
               "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

BOOST_AUTO_TEST_CASE(decodes_vectors_on_valid_input)
{
    BOOST_TEST(auth::base64_decode("").value() == "");
    BOOST_TEST(auth::base64_decode("Zg==").value() == "f");
    BOOST_TEST(auth::base64_decode("Zm8=").value() == "fo");
    BOOST_TEST(auth::base64_decode("Zm9vYmFy").value() == "foobar");
    BOOST_TEST(auth::base64_decode("+//+").value() == "\xfb\xff\xfe");
    BOOST_TEST(auth::base64url_decode("").value() == "");
    BOOST_TEST(auth::base64url_decode("Zg").value() == "f");
    BOOST_TEST(auth::base64url_decode("Zm8").value() == "fo");
    BOOST_TEST(auth::base64url_decode("-__-").value() == "\xfb\xff\xfe");
}

BOOST_AUTO_TEST_CASE(round_trips_on_random_bytes)
{
    std::mt19937 gen(14);
    for (int n = 0; n < 300; ++n) {
        std::string bytes(static_cast<std::size_t>(n % 67), '\0');
        for (auto& b : bytes)
            b = static_cast<char>(gen() & 0xFF);
        auto const std_text = auth::base64_encode(bytes);
        auto const url_text = auth::base64url_encode(bytes);
        BOOST_TEST(std_text.size() % 4 == 0);
        BOOST_TEST(url_text.find('=') == std::string::npos);
        BOOST_TEST(auth::base64_decode(std_text).value() == bytes);
        BOOST_TEST(auth::base64url_decode(url_text).value() == bytes);
    }
}

BOOST_AUTO_TEST_CASE(refuses_bad_padding_on_standard_decode)
{
    BOOST_TEST(refused(auth::base64_decode("Zg")));       // padding missing
    BOOST_TEST(refused(auth::base64_decode("Zg=")));      // length 3
    BOOST_TEST(refused(auth::base64_decode("Z===")));     // three '='
    BOOST_TEST(refused(auth::base64_decode("====")));     // padding only
    BOOST_TEST(refused(auth::base64_decode("Zg==Zg=="))); // padding inside
    BOOST_TEST(refused(auth::base64_decode("Z=g=")));     // '=' in the middle of a quantum
    BOOST_TEST(refused(auth::base64_decode("Zm9v=")));    // length 5
    // EVP_DecodeBlock accepts or mis-sizes these; ours refuses them.
    BOOST_TEST(refused(auth::base64_decode("Zh=="))); // non-zero unused bits ('h' = 0b100001)
    BOOST_TEST(refused(auth::base64_decode("Zm9="))); // non-zero unused bits
}

BOOST_AUTO_TEST_CASE(refuses_foreign_characters_on_decode)
{
    BOOST_TEST(refused(auth::base64_decode("Zm9v YmFy")));
    BOOST_TEST(refused(auth::base64_decode("Zm9v\nYmFy")));
    BOOST_TEST(refused(auth::base64_decode("-__-"))); // URL alphabet in standard text
    BOOST_TEST(refused(auth::base64_decode(std::string_view("Zm9\0", 4))));
    BOOST_TEST(refused(auth::base64url_decode("+//+"))); // standard alphabet in URL text
    BOOST_TEST(refused(auth::base64url_decode("Zg=="))); // JWT parts never pad
    BOOST_TEST(refused(auth::base64url_decode("Zm9v.")));
    BOOST_TEST(refused(auth::base64url_decode("Z"))); // 4n + 1: no whole byte
    BOOST_TEST(refused(auth::base64url_decode("Zm9vY")));
    BOOST_TEST(refused(auth::base64url_decode("Zh"))); // non-zero unused bits
    BOOST_TEST(refused(auth::base64url_decode("\xc3\xa9")));
}

BOOST_AUTO_TEST_CASE(names_offset_not_text_on_refusal)
{
    auto const r = auth::base64url_decode("abcd*secret");
    BOOST_TEST_REQUIRE(refused(r));
    BOOST_TEST(r.error().message.find("offset 4") != std::string::npos);
    BOOST_TEST(r.error().message.find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
