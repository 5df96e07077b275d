// igtcloud-users: the token precedence, as a pure function.
#include "cli/token_choice.hpp"

namespace igtcloud::cli {
namespace {

bool present(std::optional<std::string> const& v)
{
    return v && !v->empty();
}

std::string first_of(std::optional<std::string> const& a, std::optional<std::string> const& b)
{
    if (present(a)) return *a;
    return present(b) ? *b : std::string{};
}

} // namespace

token_choice choose_tokens(token_sources const& found)
{
    token_choice c;
    if (present(found.cli_jwt) || present(found.cli_csrf))
        c.source = token_source::command_line;
    else if (present(found.igtcloud_jwt) || present(found.igtcloud_csrf))
        c.source = token_source::igtcloud_environment;
    else if (found.cloud_environment)
        return {token_source::cloud_environment};
    else if (found.token_file)
        return {token_source::token_file};
    else
        return {token_source::none};
    c.jwt = first_of(found.cli_jwt, found.igtcloud_jwt);
    c.csrf = first_of(found.cli_csrf, found.igtcloud_csrf);
    return c;
}

char const* to_string(token_source s) noexcept
{
    switch (s) {
    case token_source::command_line: return "--jwt/--csrf";
    case token_source::igtcloud_environment: return "$IGTCLOUD_JWT/$IGTCLOUD_CSRF";
    case token_source::cloud_environment: return "$CLOUD_JWT_TOKEN/$CLOUD_CSRF_TOKEN";
    case token_source::token_file: return "the token file";
    case token_source::none: break;
    }
    return "none";
}

} // namespace igtcloud::cli
