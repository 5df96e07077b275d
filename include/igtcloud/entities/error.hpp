#pragma once

// Errors of the operations: the error codes and conditions, api_error, api_result<T> and api_exception.

#include <igtcloud/entities/config.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>

#include <string>
#include <type_traits>

namespace igtcloud::entities {

/// Failures found by the client itself. Category name: "igtcloud.entities".
enum class error {
    /// bad caller input (header injection, empty user_uuid, bad mask or URL); nothing sent
    invalid_argument = 1,
    /// a body that is not JSON, or JSON that does not fit the model (the message names the path)
    invalid_response,
    response_too_large, ///< a body over session_options::max_response_bytes (a download: max_download_bytes)
    timeout,            ///< the operation's deadline passed
    unexpected_status,  ///< an HTTP status the operation does not define (1xx, 3xx, an unlisted 2xx)
    shut_down,          ///< the session was shut down before the operation could finish
    proxy_refused,      ///< the proxy answered CONNECT with a non-2xx status (407: bad or no credentials)
};

/// Error statuses answered by the server. Category name: "igtcloud.entities.http"; the code's
/// value is the HTTP status itself, so any 4xx/5xx fits even when it has no enumerator here.
/// The enumerators name the statuses the library knows; each one's value is its status.
enum class http_status : int {
    bad_request = 400,
    unauthorized = 401,
    payment_required = 402,
    forbidden = 403,
    not_found = 404,
    method_not_allowed = 405,
    not_acceptable = 406,
    request_timeout = 408,
    conflict = 409,
    gone = 410,
    length_required = 411,
    precondition_failed = 412,
    payload_too_large = 413,
    unsupported_media_type = 415,
    unprocessable_entity = 422,
    too_many_requests = 429,
    internal_server_error = 500,
    not_implemented = 501,
    bad_gateway = 502,
    service_unavailable = 503,
    gateway_timeout = 504,
};

/// Groups of errors, for `r.error().code == condition::client_error`.
/// Category name: "igtcloud.entities.condition".
enum class condition {
    client_error = 1, ///< HTTP 4xx
    server_error,     ///< HTTP 5xx
    /// socket, DNS, TLS and stream errors as Asio/Beast/OpenSSL report them, and error::timeout
    transport_error,
    protocol_error, ///< unparsable HTTP, invalid_response, response_too_large, unexpected_status
};

/// The category of `error` codes, "igtcloud.entities". One instance for the program; thread-safe.
IGTCLOUD_ENTITIES_DECL boost::system::error_category const& error_category() noexcept;
/// The category of `http_status` codes, "igtcloud.entities.http"; messages name the status.
IGTCLOUD_ENTITIES_DECL boost::system::error_category const& http_category() noexcept;
/// The category of `condition`s, "igtcloud.entities.condition": it decides which codes each one groups.
IGTCLOUD_ENTITIES_DECL boost::system::error_category const& condition_category() noexcept;

/// An `error` as an error_code (found by ADL, so `error_code ec = error::timeout;` works).
IGTCLOUD_ENTITIES_DECL boost::system::error_code make_error_code(error e) noexcept;
/// An HTTP status as an error_code of http_category(); any value fits, not only the enumerators.
IGTCLOUD_ENTITIES_DECL boost::system::error_code make_error_code(http_status s) noexcept;
/// A `condition` as an error_condition, for `code == condition::client_error`.
IGTCLOUD_ENTITIES_DECL boost::system::error_condition make_error_condition(condition c) noexcept;

/// Why an operation failed. Holds no secret: tokens and `$storage` credentials never appear here.
struct api_error {
    boost::system::error_code code{}; ///< http_status, error, or the Asio/Beast/SSL code as it came
    unsigned status{};                ///< the HTTP status, 0 when no answer was received
    /// the 4xxMessage `message` (untrusted server text), else a description
    std::string message{};

    /// One line for logs and exceptions: "HTTP 404: no such user" or "Connection refused [system:111]".
    IGTCLOUD_ENTITIES_DECL std::string to_string() const;

    /// Member-wise equality (codes compare by category and value).
    friend bool operator==(api_error const&, api_error const&) = default;
};

/// The completion value of every operation; `T` is `void` for operations answered by 204.
template <class T>
using api_result = boost::system::result<T, api_error>;

/// Thrown by `api_result<T>::value()` on an error. `what()` is `api_error::to_string()`.
class IGTCLOUD_ENTITIES_DECL api_exception : public boost::system::system_error {
public:
    /// Takes the error; its code becomes the system_error's code.
    explicit api_exception(api_error e);

    /// The whole error (code, status, message).
    api_error const& error() const noexcept { return error_; }
    /// `error().to_string()`; valid as long as the exception.
    char const* what() const noexcept override { return what_.c_str(); }

private:
    api_error error_;
    std::string what_;
};

/// Found by ADL from `boost::system::result::value()`: throws api_exception.
[[noreturn]] IGTCLOUD_ENTITIES_DECL void throw_exception_from_error(api_error const& e,
                                                                    boost::source_location const& loc);

} // namespace igtcloud::entities

namespace boost::system {
template <>
struct is_error_code_enum<igtcloud::entities::error> : std::true_type {};
template <>
struct is_error_code_enum<igtcloud::entities::http_status> : std::true_type {};
template <>
struct is_error_condition_enum<igtcloud::entities::condition> : std::true_type {};
} // namespace boost::system
