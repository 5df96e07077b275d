// One function turns every non-success HTTP answer into an api_error.
#include <boost/test/unit_test.hpp>

#include <string>

#include "entities/http_error.hpp"

namespace entities = igtcloud::entities;
using entities::condition;
using entities::detail::error_from_answer;

BOOST_AUTO_TEST_SUITE(error_from_answer_suite)

BOOST_AUTO_TEST_CASE(takes_message_on_4xx_message_body)
{
    auto e = error_from_answer(404, "application/json", R"({"message": "User 7f3c not found"})");
    BOOST_TEST((e.code == entities::http_status::not_found));
    BOOST_TEST((e.code == condition::client_error));
    BOOST_TEST(e.status == 404u);
    BOOST_TEST(e.message == "User 7f3c not found");
}

BOOST_AUTO_TEST_CASE(takes_message_on_mislabelled_content_type)
{
    auto e = error_from_answer(400, "text/html", " {\"message\": \"loginId is required\", \"errors\": {}}\n");
    BOOST_TEST(e.message == "loginId is required");
}

BOOST_AUTO_TEST_CASE(uses_reason_phrase_on_empty_body)
{
    auto e = error_from_answer(401, "", "");
    BOOST_TEST((e.code == entities::http_status::unauthorized));
    BOOST_TEST(e.message == "Unauthorized");
}

BOOST_AUTO_TEST_CASE(drops_markup_on_html_body)
{
    auto e = error_from_answer(502, "text/html", "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>");
    BOOST_TEST((e.code == condition::server_error));
    BOOST_TEST(e.message == "Bad Gateway");
}

BOOST_AUTO_TEST_CASE(uses_reason_phrase_on_json_array_body)
{
    auto e = error_from_answer(400, "application/json", R"(["message", "not an object"])");
    BOOST_TEST(e.message == "Bad Request");
}

BOOST_AUTO_TEST_CASE(uses_reason_phrase_on_non_string_message)
{
    BOOST_TEST(error_from_answer(409, "application/json", R"({"message": 42})").message == "Conflict");
    BOOST_TEST(error_from_answer(409, "application/json", R"({"msg": "x"})").message == "Conflict");
    BOOST_TEST(error_from_answer(409, "application/json", R"({"message": "x")").message == "Conflict");
}

BOOST_AUTO_TEST_CASE(appends_text_on_plain_text_5xx)
{
    auto e = error_from_answer(503, "text/plain; charset=utf-8", "upstream down\r\nretry later\n");
    BOOST_TEST((e.code == entities::http_status::service_unavailable));
    BOOST_TEST((e.code == condition::server_error));
    BOOST_TEST(e.message == "Service Unavailable: upstream down  retry later");
}

BOOST_AUTO_TEST_CASE(reports_unexpected_status_on_3xx)
{
    auto e = error_from_answer(302, "text/html", "<a href=/elsewhere>moved</a>");
    BOOST_TEST((e.code == entities::error::unexpected_status));
    BOOST_TEST((e.code == condition::protocol_error));
    BOOST_TEST(e.status == 302u);
    BOOST_TEST(e.message == "unexpected HTTP status 302");
}

BOOST_AUTO_TEST_CASE(classifies_unlisted_status_on_418_and_599)
{
    BOOST_TEST((error_from_answer(418, "", "").code == condition::client_error));
    BOOST_TEST((error_from_answer(599, "", "").code == condition::server_error));
}

BOOST_AUTO_TEST_CASE(replaces_control_characters_on_hostile_message)
{
    auto e = error_from_answer(400, "application/json", R"({"message": "bad\r\nX-Injected: 1\u0000end"})");
    BOOST_TEST(e.message == "bad  X-Injected: 1 end");
}

BOOST_AUTO_TEST_CASE(caps_length_on_utf8_boundary_on_huge_message)
{
    std::string text(1023, 'a');
    text += "\xC3\xA9"; // é straddles the 1024-byte limit
    text += std::string(5000, 'b');
    auto e = error_from_answer(400, "application/json", "{\"message\": \"" + text + "\"}");
    BOOST_TEST(e.message.size() == 1023u);
    BOOST_TEST(e.message == std::string(1023, 'a'));
}

BOOST_AUTO_TEST_SUITE_END()
