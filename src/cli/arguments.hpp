#pragma once

// igtcloud-users: the command line, parsed (CLI11) into plain values, with the environment's defaults.

#include <igtcloud/entities/models/common.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/scale_flags.hpp"
#include "cli/token_choice.hpp"

namespace igtcloud::cli {

/// The options every command takes (DESIGN.md §5), as given; absent ones keep the library's defaults.
struct global_options {
    std::string url{}; ///< the Users API: --url, --domain/--env, $IGTCLOUD_URL, $CLOUD_DOMAIN (not --mock)
    std::string auth_url{}; ///< the auth API: --auth-url, --domain/--env, else url's origin + /api/auth
    std::string jwt{};      ///< --jwt, else $IGTCLOUD_JWT
    std::string csrf{};     ///< --csrf, else $IGTCLOUD_CSRF
    bool tokens_given{};    ///< --jwt or --csrf on the command line (not from the env)
    /// The token sources found on the command line and in the environment (token_file: filled by run()).
    token_sources tokens{};
    std::optional<std::string> fields{};      ///< --fields: the X-Fields mask
    std::optional<double> timeout_seconds{};  ///< --timeout: each operation, retries included
    std::optional<std::size_t> connections{}; ///< --connections: pool size
    std::optional<unsigned> retries{};        ///< --retries: repeats after the first attempt
    std::string ca_file{};                    ///< --ca-file
    bool insecure{};                          ///< --insecure
    bool mock{};                              ///< --mock
};

/// The user of create/update: the seed spec's members and the 2023 spec's (DESIGN.md §7).
struct user_arguments {
    std::string login_id{};
    std::string email{};
    std::optional<std::string> name{};
    std::optional<std::string> family_name{};
    std::optional<std::string> mobile{};
    std::optional<std::string> given_name{};             ///< --given-name
    std::optional<std::string> ist_level{};              ///< --ist-level
    std::optional<std::string> preferred_language{};     ///< --preferred-language
    std::optional<std::string> training_start_text{};    ///< --training-start, as given
    std::optional<std::string> training_end_text{};      ///< --training-end, as given
    std::optional<entities::date_time> training_start{}; ///< --training-start, parsed (RFC 3339)
    std::optional<entities::date_time> training_end{};   ///< --training-end, parsed (RFC 3339)
};

struct provision_arguments {
    std::string file{};                  ///< FILE; "-": stdin
    std::size_t concurrency{32};         ///< --concurrency
    std::optional<std::string> report{}; ///< --report FILE
    scale_arguments scale{};             ///< --rate, --shard, --resume
};

/// sync's options (DESIGN.md §9).
struct sync_arguments {
    std::string file{};                      ///< FILE; "-": stdin
    bool plan{};                             ///< --plan: print the plan, change nothing
    bool delete_absent{};                    ///< --delete-absent
    std::optional<std::size_t> max_delete{}; ///< --max-delete N (default: 10 % of the current users)
    bool force{};                            ///< --force: more deletes than --max-delete
    std::size_t concurrency{32};             ///< --concurrency (apply)
    std::optional<std::string> report{};     ///< --report FILE (apply)
    scale_arguments scale{};                 ///< --rate, --shard, --resume
};

/// download-files' options.
struct download_arguments {
    std::string output{}; ///< --output PATH, or "-": stdout
};

/// login's options.
struct login_arguments {
    std::string username{};                ///< --username, else $CLOUD_USERNAME
    bool password_stdin{};                 ///< --password-stdin: one line of stdin
    std::optional<std::string> key_file{}; ///< --key-file: a service identity's PEM RSA private key
};

/// One parsed command line.
struct invocation {
    global_options global{};
    std::string command{};  ///< "me", "list", "get", ... "provision"
    std::string argument{}; ///< UUID (get, update, delete) or LOGIN_ID (resend-activation, reset-mfa)
    std::optional<std::string> region{}; ///< storage --region
    std::vector<std::string> keys{};     ///< delete-files KEY...
    bool list_jsonl{};                   ///< list --jsonl: one user per line
    user_arguments user{};
    provision_arguments provision{};
    sync_arguments sync{};
    download_arguments download{};
    login_arguments login{};
};

/// Whether `command` talks to the auth API only (login, logout, whoami).
bool is_auth_command(std::string const& command);

/// Parses argv. nullopt when the process should end now with `exit_code`: 0 after --help/--version (printed
/// on stdout), 2 after a usage error (reported as the JSON error line on stderr). Also registers the tokens
/// seen on the command line and in the environment with set_secrets().
std::optional<invocation> parse_command_line(int argc, char** argv, int& exit_code);

} // namespace igtcloud::cli
