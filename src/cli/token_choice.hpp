#pragma once

// igtcloud-users: which tokens a command uses (DESIGN.md §6), first found wins: --jwt/--csrf;
// $IGTCLOUD_JWT/$IGTCLOUD_CSRF; $CLOUD_JWT_TOKEN + $CLOUD_CSRF_TOKEN; the token file when its domain is the
// one in use. Pure: the caller looks the sources up and passes what it found.
//
// Design: the first two sources are fixed tokens that the session sends as they are (per value, the flag
// before the variable, as --jwt/--csrf have always worked); the last two belong to the authenticator
// (auth_options::from_environment and token_file), which renews them. The choice is made here once so that
// the CLI can say what it uses and refuse early, with the reason, when there is nothing to use.

#include <cstdint>
#include <optional>
#include <string>

namespace igtcloud::cli {

/// Where a command's tokens come from.
enum class token_source : std::uint8_t {
    command_line,         ///< --jwt / --csrf (completed by $IGTCLOUD_JWT / $IGTCLOUD_CSRF)
    igtcloud_environment, ///< $IGTCLOUD_JWT / $IGTCLOUD_CSRF
    cloud_environment,    ///< $CLOUD_JWT_TOKEN + $CLOUD_CSRF_TOKEN, through the authenticator
    token_file,           ///< the shared token file, through the authenticator
    none,                 ///< not logged in
};

/// What was found; an empty value counts as absent.
struct token_sources {
    std::optional<std::string> cli_jwt{};       ///< --jwt
    std::optional<std::string> cli_csrf{};      ///< --csrf
    std::optional<std::string> igtcloud_jwt{};  ///< $IGTCLOUD_JWT
    std::optional<std::string> igtcloud_csrf{}; ///< $IGTCLOUD_CSRF
    bool cloud_environment{}; ///< $CLOUD_JWT_TOKEN and $CLOUD_CSRF_TOKEN are both set and not empty
    bool token_file{};        ///< the token file holds a usable login for the domain in use
};

/// The choice: the source, and for the fixed sources the tokens to send.
struct token_choice {
    token_source source{token_source::none};
    std::string jwt{};  ///< command_line / igtcloud_environment only
    std::string csrf{}; ///< command_line / igtcloud_environment only
};

/// The first source found, in the order above.
token_choice choose_tokens(token_sources const& found);

/// "--jwt/--csrf", "$IGTCLOUD_JWT/$IGTCLOUD_CSRF", ... for messages.
char const* to_string(token_source s) noexcept;

} // namespace igtcloud::cli
