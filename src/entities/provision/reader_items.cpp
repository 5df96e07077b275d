// The readers' items: a checked user, or a failed item naming its line.
#include "entities/provision/reader_items.hpp"

#include <boost/system/errc.hpp>

#include <optional>
#include <utility>

namespace igtcloud::entities::detail {
namespace {

provision_item failed_item(std::size_t line, std::string_view problem, boost::system::error_code code)
{
    std::string message = "line " + std::to_string(line) + ": ";
    message += problem;
    return provision_item{
        line, api_result<user_create>(boost::system::in_place_error, api_error{code, 0, std::move(message)})};
}

bool is_empty(std::optional<std::string> const& s) noexcept
{
    return !s || s->empty();
}

} // namespace

provision_item bad_row(std::size_t line, std::string_view problem)
{
    return failed_item(line, problem, make_error_code(error::invalid_argument));
}

provision_item read_failure(std::size_t line)
{
    return failed_item(line, "read error",
                       boost::system::errc::make_error_code(boost::system::errc::io_error));
}

provision_item checked(std::size_t line, user_create user)
{
    bool const no_login = is_empty(user.login_id);
    bool const no_email = is_empty(user.email);
    if (no_login || no_email)
        return bad_row(line, no_login && no_email ? "missing loginId and email"
                             : no_login           ? "missing loginId"
                                                  : "missing email");
    return provision_item{line, std::move(user)};
}

std::string too_long(std::string_view what, std::size_t limit)
{
    std::string text(what);
    text += " longer than ";
    text += std::to_string(limit);
    text += " bytes";
    return text;
}

} // namespace igtcloud::entities::detail
