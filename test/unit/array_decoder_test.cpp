// The streaming decode of a JSON array (stream/array_decoder.hpp), socket-free: any split of the body gives
// the users the whole-document decode gives; failures name the element's path and the byte; max_item_bytes.
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/models.hpp>

#include <boost/asio/error.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "entities/stream/array_decoder.hpp"

namespace entities = igtcloud::entities;
namespace detail = igtcloud::entities::detail;
namespace data = boost::unit_test::data;
using entities::user_info;

namespace {

// Collects the elements, as async_get_users does.
struct collect final : detail::element_target {
    std::vector<user_info> users;
    int done_calls{};
    void* next() override { return &users.emplace_back(); }
    boost::system::error_code done() override
    {
        ++done_calls;
        return {};
    }
};

struct decoded {
    boost::system::error_code ec{};
    std::string message{};
    std::vector<user_info> users{};
    std::size_t elements{};
};

// Feeds `text` in the pieces `cuts` gives (sizes, repeated until the end), then finishes.
template <class NextSize>
decoded decode_in_pieces(std::string_view text, NextSize next_size, std::uint64_t max_item = 1u << 20)
{
    collect target;
    detail::array_decoder decoder(detail::sax_traits<user_info>::type, target, max_item);
    decoded out;
    std::size_t at = 0;
    while (!out.ec && at < text.size()) {
        auto const n = std::min<std::size_t>(std::max<std::size_t>(next_size(), 1), text.size() - at);
        out.ec = decoder.write(text.substr(at, n));
        at += n;
    }
    if (!out.ec) out.ec = decoder.finish();
    out.message = out.ec ? decoder.message() : std::string();
    out.elements = decoder.elements();
    BOOST_TEST(out.elements == std::size_t(target.done_calls));
    out.users = std::move(target.users);
    return out;
}

decoded decode_whole(std::string_view text, std::uint64_t max_item = 1u << 20)
{
    return decode_in_pieces(
        text, [&] { return text.size(); }, max_item);
}

// A list that exercises every kind of value: escapes and non-ASCII text, long strings, dates, integers,
// nulls, nested arrays and objects, unknown members holding every kind of JSON, duplicate members.
std::string varied_list(std::size_t n)
{
    std::string s = " [\n";
    for (std::size_t i = 0; i < n; ++i) {
        auto const k = std::to_string(i);
        if (i != 0) s += ",\n ";
        s += R"({"loginId": "user-)" + k + R"(@example.org", "userUUID": "uuid\u00e9\n\"-)" + k + R"(",)";
        s +=
            R"( "unknown": {"deep": [1, 2.5e3, -7, true, null, {"x": ["y", {"z": "\ud83d\ude00"}]}], "s": "t"},)";
        s += R"( "profile": {"givenName": ")" + std::string(i % 7 * 40, 'g') + R"(", "familyName": null,)";
        s += R"( "roles": ["a", "b\\c"], "organizationRoles": [{"roles": ["r"], "groups": []}, {}],)";
        s += R"( "contact": {"emailAddress": "e)" + k + R"(@x.org"}, "disabled": false},)";
        s += R"( "accountStatus": {"numberOfInvalidAttempt": )" + k +
             R"(, "lastLoginTime": "2024-05-06T05:08:09.123456+02:00", "emailVerified": true},)";
        s += R"( "settings": {"trainingStartDate": "2024-03-01", "istLevel": "L)" + k + R"("},)";
        s += R"( "loginId": "user-)" + k + R"(@example.org", "trailing": 18446744073709551615})";
    }
    return s + "\n] \n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(array_decoder)

BOOST_AUTO_TEST_CASE(one_byte_at_a_time_decodes_as_the_whole_body)
{
    auto const text = varied_list(40);
    auto const whole = decode_whole(text);
    BOOST_TEST_REQUIRE(!whole.ec, whole.message);
    BOOST_TEST_REQUIRE(whole.users.size() == 40u);
    auto const reference = entities::decode<std::vector<user_info>>(text); // the whole-document decoder
    BOOST_TEST_REQUIRE(reference.has_value());
    BOOST_TEST((whole.users == *reference));
    BOOST_TEST(*whole.users[3].profile->given_name == std::string(120, 'g'));
    BOOST_TEST(*whole.users[9].account_status->number_of_invalid_attempt == 9);

    auto const bytewise = decode_in_pieces(text, [] { return 1; });
    BOOST_TEST_REQUIRE(!bytewise.ec, bytewise.message);
    BOOST_TEST((bytewise.users == whole.users));
}

BOOST_DATA_TEST_CASE(random_pieces_decode_as_the_whole_body, data::xrange(1, 9), seed)
{
    auto const text = varied_list(25);
    auto const whole = decode_whole(text);
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::uniform_int_distribution<std::size_t> size(1, 300);
    auto const pieces = decode_in_pieces(text, [&] { return size(rng); });
    BOOST_TEST_REQUIRE(!pieces.ec, pieces.message);
    BOOST_TEST((pieces.users == whole.users));
}

BOOST_AUTO_TEST_CASE(an_empty_array_has_no_elements)
{
    for (auto text : {"[]", " [ ] ", "\n[\n]\n"}) {
        auto const r = decode_in_pieces(text, [] { return 1; });
        BOOST_TEST(!r.ec, r.message);
        BOOST_TEST(r.users.empty());
    }
}

struct bad_case {
    std::string text;
    std::size_t good;    ///< elements completed before the failure
    std::string message; ///< its start (before " (at byte ")
    entities::error code{entities::error::invalid_response};
    friend std::ostream& operator<<(std::ostream& os, bad_case const& c)
    {
        return os << c.text.substr(0, 60);
    }
};

std::string three_good()
{
    return R"([{"loginId": "a"}, {"loginId": "b"}, {"loginId": "c"}, )";
}

bad_case const bad_cases[] = {
    {R"({"users": []})", 0, "JSON document: expected an array, got an object"},
    {R"("[]")", 0, "JSON document: expected an array, got a string"},
    {"42", 0, "JSON document: expected an array, got a number"},
    {"null", 0, "JSON document: expected an array, got null"},
    {three_good() + R"({"loginId": 5}])", 3, "[3].loginId: expected a string, got a number"},
    {three_good() + R"(null])", 3, "[3]: expected an object, got null"},
    {three_good() + R"("ada"])", 3, "[3]: expected an object, got a string"},
    {three_good() + R"({"profile": {"organizationRoles": [{}, {"roles": [1]}]}}])", 3,
     "[3].profile.organizationRoles[1].roles[0]: expected a string, got a number"},
    {three_good() + R"({"profile": {"contact": {"emailAddress": true}}}])", 3,
     "[3].profile.contact.emailAddress: expected a string, got a boolean"},
    {three_good() + R"({"accountStatus": {"lastLoginTime": "yesterday"}}])", 3,
     "[3].accountStatus.lastLoginTime: not an RFC 3339 date-time"},
    {three_good() + R"({"accountStatus": {"numberOfInvalidAttempt": 1.5}}])", 3,
     "[3].accountStatus.numberOfInvalidAttempt: expected an integer in the range of int64, got 1.5"},
    {three_good() + R"({"accountStatus": {"numberOfInvalidAttempt": 9223372036854775808}}])", 3,
     "[3].accountStatus.numberOfInvalidAttempt: expected an integer in the range of int64, got "
     "9223372036854775808"},
    {three_good() + R"({"settings": {"trainingEndDate": "2024-02-30"}}])", 3,
     "[3].settings.trainingEndDate: not a valid YYYY-MM-DD date"},
    {three_good() + R"({"loginId": "d",}])", 3, "malformed JSON: syntax error"},
    {three_good() + R"({"loginId": "d"})", 4, "malformed JSON: incomplete JSON"},
    {three_good() + R"({"loginId": "d"}] x)", 4, "malformed JSON: extra data"},
    {three_good() + "{\"loginId\": \"\xff\"}]", 3, "malformed JSON: syntax error"},
    {"", 0, "malformed JSON: incomplete JSON"},
};

BOOST_DATA_TEST_CASE(failures_name_the_path_and_the_byte, data::make(bad_cases), c)
{
    for (bool bytewise : {false, true}) {
        auto const r = bytewise ? decode_in_pieces(c.text, [] { return 1; }) : decode_whole(c.text);
        BOOST_TEST_REQUIRE(!!r.ec);
        BOOST_TEST((r.ec == c.code));
        BOOST_TEST(r.message.starts_with(c.message + " (at byte "), r.message);
        BOOST_TEST(r.elements == c.good);
        // the byte is within the body
        auto const at = r.message.find(" (at byte ");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        auto const byte = std::stoul(r.message.substr(at + 10));
        BOOST_TEST(byte <= c.text.size());
    }
}

BOOST_AUTO_TEST_CASE(where_the_body_is_cut_changes_no_outcome)
{
    // A token's pieces never fail by themselves: a string at the top whose rest is not UTF-8 (found by
    // fuzz_model_decode: cut, its first piece was refused as "not an array" before the parser saw the bad
    // byte), a string over max_item_bytes whose rest is not UTF-8, a number at the top.
    std::string const cases[] = {
        "\"abcouesrUUIDutnLo\xe3kedUntils\"smaz\"ege\": \"UIDutnLokkedUntil\"}",
        R"([{"loginId": ")" + std::string(500, 'x') + "\xff\"}]",
        R"([{"loginId": ")" + std::string(500, 'x') + R"("}])",
        "12345678901234567890123 ",
    };
    for (auto const& text : cases) {
        auto const whole = decode_whole(text, 100);
        BOOST_TEST_REQUIRE(!!whole.ec);
        for (std::size_t size : {1u, 2u, 3u, 7u, 64u}) {
            auto const cut = decode_in_pieces(
                text, [&] { return size; }, 100);
            BOOST_TEST((cut.ec == whole.ec), text.substr(0, 20) << " in pieces of " << size);
            BOOST_TEST(cut.message.substr(0, cut.message.find(" (at byte")) ==
                           whole.message.substr(0, whole.message.find(" (at byte")),
                       cut.message << " / " << whole.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_syntax_error_inside_an_element_names_it)
{
    auto const r = decode_whole(three_good() + R"({"profile": {"roles": ["x" "y"]}}])");
    BOOST_TEST(r.message.find(", in [3].profile.roles[0])") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(the_byte_of_a_failure_is_where_it_is)
{
    auto const text = three_good() + R"({"loginId": "d"}, {"loginId": 5}])";
    auto const r = decode_whole(text);
    auto const expected = text.find("5}]");
    auto const at = r.message.find(" (at byte ");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto const byte = std::stoul(r.message.substr(at + 10));
    BOOST_TEST(byte >= expected - 12); // the member's key or its value
    BOOST_TEST(byte <= expected + 1);
}

BOOST_AUTO_TEST_CASE(an_element_over_max_item_bytes_stops_the_decode)
{
    std::string const big = R"({"loginId": ")" + std::string(500, 'x') + R"("})";
    std::string const text = R"([{"loginId": "a"}, )" + big + "]";
    for (bool bytewise : {false, true}) {
        auto const r = bytewise ? decode_in_pieces(
                                      text, [] { return 1; }, 400)
                                : decode_whole(text, 400);
        BOOST_TEST((r.ec == entities::error::response_too_large));
        BOOST_TEST(r.message.starts_with("[1]: one element's JSON is over max_item_bytes (400 bytes)"),
                   r.message);
        BOOST_TEST(r.elements == 1u);
    }
    // Whitespace between tokens is not counted; an element just under the limit passes.
    auto const spaced =
        "[" + std::string(1000, ' ') + R"({"loginId":  )" + std::string(1000, ' ') + R"("a"}])";
    BOOST_TEST(!decode_whole(spaced, 400).ec);
    auto const fits = decode_whole(R"([)" + big + "]", 520);
    BOOST_TEST(!fits.ec, fits.message);
}

BOOST_AUTO_TEST_CASE(unknown_members_count_toward_max_item_bytes)
{
    std::string const text = R"([{"loginId": "a", "junk": [")" + std::string(5000, 'j') + R"("]}])";
    auto const r = decode_in_pieces(
        text, [] { return 7; }, 1000);
    BOOST_TEST((r.ec == entities::error::response_too_large));
}

BOOST_AUTO_TEST_CASE(reset_starts_a_new_body)
{
    collect target;
    detail::array_decoder decoder(detail::sax_traits<user_info>::type, target, 1u << 20);
    BOOST_TEST(!decoder.write(R"([{"loginId": "a"}, {"log)"));
    decoder.reset();
    target.users.clear();
    BOOST_TEST(!decoder.write(R"([{"loginId": "b"}])"));
    BOOST_TEST(!decoder.finish());
    BOOST_TEST_REQUIRE(target.users.size() == 1u);
    BOOST_TEST(*target.users[0].login_id == "b");
    BOOST_TEST(decoder.elements() == 1u);
}

BOOST_AUTO_TEST_CASE(a_target_error_stops_the_decode_at_once)
{
    struct stop_after_two final : detail::element_target {
        user_info u;
        int n{};
        void* next() override { return &(u = user_info{}); }
        boost::system::error_code done() override
        {
            return ++n == 2 ? boost::system::error_code(boost::asio::error::operation_aborted)
                            : boost::system::error_code{};
        }
    } target;
    detail::array_decoder decoder(detail::sax_traits<user_info>::type, target, 1u << 20);
    auto const ec = decoder.write(three_good() + "]");
    BOOST_TEST((ec == boost::asio::error::operation_aborted));
    BOOST_TEST(target.n == 2); // not called for the third
}

BOOST_AUTO_TEST_SUITE_END()
