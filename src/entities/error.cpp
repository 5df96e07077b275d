// Error categories, conditions, api_error text and api_exception; the library's invalid_argument refusal.
#include <igtcloud/entities/error.hpp>

#include <cstring>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities {
namespace {

char const* describe(error e) noexcept
{
    switch (e) {
    case error::invalid_argument: return "invalid argument";
    case error::invalid_response: return "invalid response";
    case error::response_too_large: return "response too large";
    case error::timeout: return "operation timed out";
    case error::unexpected_status: return "unexpected HTTP status";
    case error::shut_down: return "session shut down";
    case error::proxy_refused: return "the proxy refused the CONNECT tunnel (non-2xx answer)";
    }
    return "unknown igtcloud.entities error";
}

class error_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "igtcloud.entities"; }
    std::string message(int ev) const override { return describe(static_cast<error>(ev)); }
    char const* message(int ev, char*, std::size_t) const noexcept override
    {
        return describe(static_cast<error>(ev));
    }
};

char const* reason_phrase(int status) noexcept
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    }
    if (status >= 400 && status < 500) return "Client Error";
    if (status >= 500 && status < 600) return "Server Error";
    return "HTTP Status";
}

class http_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "igtcloud.entities.http"; }
    std::string message(int ev) const override { return reason_phrase(ev); }
    char const* message(int ev, char*, std::size_t) const noexcept override { return reason_phrase(ev); }
};

bool has_name(boost::system::error_category const& cat, char const* name) noexcept
{
    return std::strcmp(cat.name(), name) == 0;
}

// Categories of the libraries under the client, recognised by their documented names so that
// this file needs neither Asio's nor Beast's headers.
bool is_transport_category(boost::system::error_category const& cat) noexcept
{
    return has_name(cat, "system") || has_name(cat, "generic") || has_name(cat, "asio.netdb") ||
           has_name(cat, "asio.addrinfo") || has_name(cat, "asio.misc") || has_name(cat, "asio.ssl") ||
           has_name(cat, "asio.ssl.stream") || has_name(cat, "boost.beast");
}

bool is_operation_aborted(boost::system::error_code const& code) noexcept
{
    return code == boost::system::errc::operation_canceled;
}

bool in_condition(boost::system::error_code const& code, condition c) noexcept
{
    auto const& cat = code.category();
    if (cat == http_category()) {
        auto const v = code.value();
        return (c == condition::client_error && v >= 400 && v < 500) ||
               (c == condition::server_error && v >= 500 && v < 600);
    }
    if (cat == error_category()) {
        switch (static_cast<error>(code.value())) {
        case error::timeout:
        case error::proxy_refused: return c == condition::transport_error;
        case error::invalid_response:
        case error::response_too_large:
        case error::unexpected_status: return c == condition::protocol_error;
        default: return false;
        }
    }
    if (has_name(cat, "beast.http")) return c == condition::protocol_error;
    if (is_transport_category(cat)) return c == condition::transport_error && !is_operation_aborted(code);
    return false;
}

char const* describe(condition c) noexcept
{
    switch (c) {
    case condition::client_error: return "client error (HTTP 4xx)";
    case condition::server_error: return "server error (HTTP 5xx)";
    case condition::transport_error: return "transport error";
    case condition::protocol_error: return "protocol error";
    }
    return "unknown condition";
}

class condition_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "igtcloud.entities.condition"; }
    std::string message(int ev) const override { return describe(static_cast<condition>(ev)); }
    char const* message(int ev, char*, std::size_t) const noexcept override
    {
        return describe(static_cast<condition>(ev));
    }
    bool equivalent(boost::system::error_code const& code, int cond) const noexcept override
    {
        return in_condition(code, static_cast<condition>(cond));
    }
};

} // namespace

boost::system::error_category const& error_category() noexcept
{
    static constexpr error_category_impl instance;
    return instance;
}

boost::system::error_category const& http_category() noexcept
{
    static constexpr http_category_impl instance;
    return instance;
}

boost::system::error_category const& condition_category() noexcept
{
    static constexpr condition_category_impl instance;
    return instance;
}

boost::system::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

boost::system::error_code make_error_code(http_status s) noexcept
{
    return {static_cast<int>(s), http_category()};
}

boost::system::error_condition make_error_condition(condition c) noexcept
{
    return {static_cast<int>(c), condition_category()};
}

std::string api_error::to_string() const
{
    std::string text;
    if (status != 0) {
        text = "HTTP " + std::to_string(status) + ": ";
        text += message.empty() ? code.message() : message;
        return text;
    }
    text = message.empty() ? code.message() : message;
    text += " [";
    text += code.category().name();
    text += ':';
    text += std::to_string(code.value());
    text += ']';
    return text;
}

api_exception::api_exception(api_error e)
    : boost::system::system_error(e.code)
    , error_(std::move(e))
    , what_(error_.to_string())
{}

void throw_exception_from_error(api_error const& e, boost::source_location const& loc)
{
    boost::throw_with_location(api_exception(e), loc);
}

api_error detail::invalid(std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::move(message)};
}

} // namespace igtcloud::entities
