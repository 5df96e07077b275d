// Error codes, categories, conditions, api_error text and api_exception.
#include <igtcloud/entities/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace entities = igtcloud::entities;
using boost::system::error_code;
using entities::condition;

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(http_status_keeps_status_as_value_on_make_error_code)
{
    error_code ec = entities::http_status::not_found;
    BOOST_TEST(ec.value() == 404);
    BOOST_TEST(std::string(ec.category().name()) == "igtcloud.entities.http");
    BOOST_TEST(ec.message() == "Not Found");
    BOOST_TEST((ec == entities::http_status::not_found));
    BOOST_TEST((ec != entities::http_status::conflict));
}

BOOST_AUTO_TEST_CASE(unlisted_status_has_class_message_on_418)
{
    error_code ec(418, entities::http_category());
    BOOST_TEST(ec.message() == "Client Error");
    BOOST_TEST((ec == condition::client_error));
}

BOOST_AUTO_TEST_CASE(error_enum_has_named_category_on_make_error_code)
{
    error_code ec = entities::error::invalid_argument;
    BOOST_TEST(std::string(ec.category().name()) == "igtcloud.entities");
    BOOST_TEST(ec.message() == "invalid argument");
    BOOST_TEST((ec == entities::error::invalid_argument));
    BOOST_TEST((ec != entities::error::timeout));
}

BOOST_AUTO_TEST_CASE(status_classes_match_conditions_on_4xx_and_5xx)
{
    for (int status : {400, 401, 403, 404, 409, 413, 429, 499}) {
        error_code ec(status, entities::http_category());
        BOOST_TEST((ec == condition::client_error), status);
        BOOST_TEST((ec != condition::server_error), status);
        BOOST_TEST((ec != condition::transport_error), status);
        BOOST_TEST((ec != condition::protocol_error), status);
    }
    for (int status : {500, 502, 503, 504, 599}) {
        error_code ec(status, entities::http_category());
        BOOST_TEST((ec == condition::server_error), status);
        BOOST_TEST((ec != condition::client_error), status);
    }
}

BOOST_AUTO_TEST_CASE(client_errors_are_protocol_or_transport_on_error_enum)
{
    BOOST_TEST((error_code(entities::error::invalid_response) == condition::protocol_error));
    BOOST_TEST((error_code(entities::error::response_too_large) == condition::protocol_error));
    BOOST_TEST((error_code(entities::error::unexpected_status) == condition::protocol_error));
    BOOST_TEST((error_code(entities::error::timeout) == condition::transport_error));
    BOOST_TEST((error_code(entities::error::timeout) != condition::protocol_error));
    for (auto e : {entities::error::invalid_argument, entities::error::shut_down}) {
        error_code ec = e;
        BOOST_TEST((ec != condition::client_error));
        BOOST_TEST((ec != condition::server_error));
        BOOST_TEST((ec != condition::transport_error));
        BOOST_TEST((ec != condition::protocol_error));
    }
}

BOOST_AUTO_TEST_CASE(library_codes_keep_their_category_on_condition_compare)
{
    error_code refused = boost::asio::error::connection_refused;
    BOOST_TEST((refused == condition::transport_error));
    BOOST_TEST((refused != condition::protocol_error));
    error_code eof = boost::asio::error::eof;
    BOOST_TEST((eof == condition::transport_error));
    error_code not_found = boost::asio::error::host_not_found;
    BOOST_TEST((not_found == condition::transport_error));
    error_code truncated = boost::asio::ssl::error::stream_truncated;
    BOOST_TEST((truncated == condition::transport_error));
    error_code beast_timeout = boost::beast::error::timeout;
    BOOST_TEST((beast_timeout == condition::transport_error));
    error_code bad_version = boost::beast::http::error::bad_version;
    BOOST_TEST((bad_version == condition::protocol_error));
    BOOST_TEST((bad_version != condition::transport_error));
}

BOOST_AUTO_TEST_CASE(cancellation_is_no_transport_error_on_operation_aborted)
{
    error_code aborted = boost::asio::error::operation_aborted;
    BOOST_TEST((aborted != condition::transport_error));
    BOOST_TEST((aborted != condition::client_error));
}

BOOST_AUTO_TEST_CASE(condition_has_named_category_on_make_error_condition)
{
    boost::system::error_condition c = condition::server_error;
    BOOST_TEST(std::string(c.category().name()) == "igtcloud.entities.condition");
    BOOST_TEST(c.message() == "server error (HTTP 5xx)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(api_exception)

BOOST_AUTO_TEST_CASE(to_string_shows_status_and_message_on_http_error)
{
    entities::api_error e{entities::http_status::not_found, 404, "user 7f3c not found"};
    BOOST_TEST(e.to_string() == "HTTP 404: user 7f3c not found");
    e.message.clear();
    BOOST_TEST(e.to_string() == "HTTP 404: Not Found");
}

BOOST_AUTO_TEST_CASE(to_string_shows_category_on_transport_error)
{
    entities::api_error e{boost::asio::error::connection_refused, 0, {}};
    BOOST_TEST(e.to_string() == e.code.message() + " [system:" + std::to_string(e.code.value()) + "]");
}

BOOST_AUTO_TEST_CASE(value_throws_api_exception_on_error_result)
{
    entities::api_result<int> r = entities::api_error{entities::http_status::conflict, 409, "login id taken"};
    BOOST_TEST(!r.has_value());
    try {
        (void)r.value();
        BOOST_FAIL("value() did not throw");
    } catch (entities::api_exception const& ex) {
        BOOST_TEST(std::string(ex.what()) == "HTTP 409: login id taken");
        BOOST_TEST(ex.error().status == 409u);
        BOOST_TEST((ex.code() == entities::http_status::conflict));
        BOOST_TEST((ex.code() == condition::client_error));
    }
}

BOOST_AUTO_TEST_CASE(value_throws_system_error_on_void_result)
{
    entities::api_result<void> r =
        entities::api_error{entities::error::timeout, 0, "deadline of 30 s passed"};
    BOOST_CHECK_THROW(r.value(), boost::system::system_error);
    try {
        r.value();
    } catch (boost::system::system_error const& ex) {
        BOOST_TEST(std::string(ex.what()) == "deadline of 30 s passed [igtcloud.entities:4]");
        BOOST_TEST((ex.code() == entities::error::timeout));
    }
}

BOOST_AUTO_TEST_CASE(value_returns_on_success_result)
{
    entities::api_result<int> r = 7;
    BOOST_TEST(r.value() == 7);
    entities::api_result<void> v;
    BOOST_CHECK_NO_THROW(v.value());
}

BOOST_AUTO_TEST_SUITE_END()
