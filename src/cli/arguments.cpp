// igtcloud-users: the command line (CLI11). Global options may come before or after the command.
#include "cli/arguments.hpp"

#include <cstdlib>
#include <string_view>

#include "cli/output.hpp"
#include "cli/service_address.hpp"
#include "entities/date_time.hpp"
#include <CLI/CLI.hpp>

#ifndef IGTCLOUD_VERSION
#define IGTCLOUD_VERSION "0"
#endif

namespace igtcloud::cli {
namespace {

constexpr char const* footer = R"(ENVIRONMENT
  IGTCLOUD_URL, IGTCLOUD_JWT, IGTCLOUD_CSRF   defaults of --url, --jwt, --csrf (ignored with --mock)
  CLOUD_DOMAIN, CLOUD_USERNAME                defaults of --domain, login --username
  CLOUD_JWT_TOKEN, CLOUD_CSRF_TOKEN           tokens, checked with the auth API (after --jwt, IGTCLOUD_JWT)
  CLOUD_TOKEN_MMAP                            the token file shared with the Python client's `igtcloud
                                              login` (default: $TMPDIR/igtcloud_auth_mmap)
TOKENS
  first found wins: --jwt/--csrf, IGTCLOUD_JWT/IGTCLOUD_CSRF, CLOUD_JWT_TOKEN/CLOUD_CSRF_TOKEN, the token
  file of `login` when its domain is the one in use (refreshed and written back when near expiry)
OUTPUT
  stdout: the answer as one JSON document (API names; indented on a terminal); 204 operations print nothing.
  stderr: on failure, one JSON line {"status": N, "message": "..."} (status 0: no HTTP answer).
EXIT CODES
  0 success   1 API error (4xx/5xx; provision: an item failed or the run was interrupted;
                download-files: interrupted)
  2 usage error   3 transport, TLS or timeout error)";

/// The options given on the command line, before the environment fills the gaps.
struct raw_options {
    CLI::Option* url{};
    CLI::Option* auth_url{};
    CLI::Option* domain{};
    CLI::Option* env{};
    CLI::Option* username{};
    std::string auth_url_value{};
    std::string domain_value{};
    std::string env_value{};
    CLI::Option* jwt{};
    CLI::Option* csrf{};
    CLI::Option* fields{};
    CLI::Option* timeout{};
    CLI::Option* connections{};
    CLI::Option* retries{};
    std::string fields_value{};
    double timeout_value{};
    std::size_t connections_value{};
    unsigned retries_value{};
};

void declare_global(CLI::App& app, global_options& g, raw_options& raw)
{
    raw.url =
        app.add_option("--url", g.url, "base URL, e.g. https://example.org/data (default: $IGTCLOUD_URL)");
    raw.auth_url = app.add_option("--auth-url", raw.auth_url_value,
                                  "the auth API's URL (default: from --domain/--env, else --url's host)");
    raw.domain = app.add_option("--domain", raw.domain_value,
                                "HOST or http[s]://HOST[:PORT]: --url https://HOST/api/data and --auth-url "
                                "https://HOST/api/auth (default: $CLOUD_DOMAIN)");
    raw.env = app.add_option("--env", raw.env_value, "PROD or TEST: the live service's --domain");
    raw.jwt = app.add_option("--jwt", g.jwt, "X-JWT token (default: $IGTCLOUD_JWT)");
    raw.csrf = app.add_option("--csrf", g.csrf, "X-CSRF-TOKEN token (default: $IGTCLOUD_CSRF)");
    raw.fields = app.add_option("--fields", raw.fields_value, "X-Fields mask, e.g. '{loginId,userUUID}'");
    raw.timeout =
        app.add_option("--timeout", raw.timeout_value,
                       "seconds for each operation, retries included (default: 30; download-files: 3600)")
            ->check(CLI::Range(0.001, 86400.0));
    raw.connections = app.add_option("--connections", raw.connections_value,
                                     "connection pool size (default: 16; provision: --concurrency)")
                          ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
    raw.retries = app.add_option("--retries", raw.retries_value,
                                 "retries after the first attempt, for safe operations (default: 2)")
                      ->check(CLI::Range(0u, 100u));
    app.add_option("--ca-file", g.ca_file, "PEM file of CAs to trust (default: the system's)")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", g.insecure, "do not verify TLS certificates (warns)");
    app.add_flag("--mock", g.mock, "start the embedded mock server in-process and use it");
}

void declare_user(CLI::App& cmd, user_arguments& u)
{
    cmd.add_option("--login-id", u.login_id, "loginId")->required();
    cmd.add_option("--email", u.email, "e-mail address")->required();
    cmd.add_option("--name", u.name, "given name");
    cmd.add_option("--family-name", u.family_name, "family name");
    cmd.add_option("--mobile", u.mobile, "mobile phone number (seed spec)");
    cmd.add_option("--given-name", u.given_name, "given name (2023 spec: givenName, required there)");
    cmd.add_option("--ist-level", u.ist_level, "training level (2023 spec: istLevel)");
    cmd.add_option("--preferred-language", u.preferred_language,
                   "preferred language, e.g. en (2023 spec: preferredLanguage)");
    cmd.add_option("--training-start", u.training_start_text,
                   "RFC 3339 date-time, e.g. 2024-01-31T09:00:00Z (2023 spec: trainingStartDate)");
    cmd.add_option("--training-end", u.training_end_text, "RFC 3339 date-time (2023 spec: trainingEndDate)");
}

/// An RFC 3339 date-time option's value; throws usage_error naming the option.
std::optional<entities::date_time> date_time_of(std::optional<std::string> const& text, char const* option)
{
    if (!text) return std::nullopt;
    auto parsed = entities::detail::parse_date_time(*text);
    if (!parsed)
        throw usage_error{std::string(option) +
                          ": not an RFC 3339 date-time (e.g. 2024-01-31T09:00:00Z): " + *text};
    return parsed;
}

constexpr char const* download_footer = R"(OUTPUT
  --output PATH  the archive goes to PATH.part, renamed to PATH once complete (replacing a file there); a
                 failed or interrupted download leaves PATH as it was and no PATH.part. Prints one line
                 {"bytes": N, "path": "PATH"}.
  --output -     the archive on stdout (refused when stdout is a terminal), nothing else. What went to stdout
                 cannot be taken back, so the download is not retried once bytes went out; on a failure
                 stdout holds part of the archive.
PROGRESS
  on stderr when it is a terminal: bytes so far, the total with a percentage when the size is known, the
  rate and the time left, redrawn in place; otherwise a plain line every second.
DEADLINE
  --timeout SECONDS bounds the whole download, retries included; default 3600 for this command.
  Ctrl-C (SIGINT) or SIGTERM cancels the download (exit 1); a second one kills the process.)";

void declare_download(CLI::App& app, download_arguments& d)
{
    auto* cmd = app.add_subcommand("download-files",
                                   "download the caller's files as one zip archive to PATH or stdout (2023 "
                                   "spec; prints {\"bytes\", \"path\"} for a PATH)");
    cmd->footer(download_footer);
    cmd->add_option("--output", d.output, "PATH to write the zip archive to, or '-' for stdout")->required();
}

constexpr char const* sync_footer = R"(PLAN (--plan)
  stdout: one JSON line per loginId {"loginId", "action": "create"|"update"|"unchanged"|"delete", "changes":
  [the user's JSON paths that differ]} (the file's order, then the deletes), then one summary line
  {"create", "update", "unchanged", "delete"}. Nothing is changed on the service.
  Only the members the file gives are compared (an empty cell: leave as is); emails ignoring case; the
  training dates as days. A loginId given twice: the second row fails ("duplicate loginId, first at line N").
  stderr: the rows that fail, notes, a readable summary.
DELETES
  --delete-absent plans a delete for each user absent from FILE, never the calling user (GET /users/me).
  Applying refuses more than --max-delete N deletes (default: 10 % of the current users) unless --force,
  before anything is sent; --plan shows them all and says so.
APPLY (without --plan)
  the plan is made first (nothing sent), then applied with --concurrency requests in flight: POST (create),
  PUT with the file's members and the current values of the others (update), DELETE (delete). stdout: the
  provision summary plus "updated", "unchanged", "deleted"; --report: one JSON line per item with "outcome":
  created, existing, updated, unchanged, deleted, failed, not_attempted. Deletes over --max-delete without
  --force: refused, nothing sent (exit 2). Ctrl-C: as provision.
AT SCALE
  --rate, --shard and --resume as provision's (also with --plan: --shard and --resume show that run's plan).
  --shard K/N also limits the current users to those of the shard: only they are compared and deleted, and
  --max-delete's default is 10 % of them. Skipped items count in "skipped"; the plan's summary line has none.
EXIT CODES
  --plan: 0 planned; 1 a row failed, applying would be refused, or an API error
  apply: 0 every item done; 1 an item failed or the run was interrupted; 2 refused deletes
  2 usage; 3 transport)";

CLI::App* declare_sync(CLI::App& app, sync_arguments& a)
{
    auto* cmd = app.add_subcommand(
        "sync", "bring the users in line with a CSV or JSON Lines file (--plan: show what would change)");
    cmd->footer(sync_footer);
    cmd->add_option("FILE", a.file, "input file (.csv, .jsonl/.ndjson, else sniffed); '-': stdin")
        ->required();
    cmd->add_flag("--plan", a.plan, "print the plan and change nothing");
    cmd->add_flag("--delete-absent", a.delete_absent, "delete the users absent from FILE (never the caller)");
    cmd->add_option("--max-delete", a.max_delete,
                    "refuse more deletes than N without --force (default: 10 % of the current users)");
    cmd->add_flag("--force", a.force, "allow more deletes than --max-delete");
    cmd->add_option("--concurrency", a.concurrency, "requests in flight when applying (default: 32)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
    cmd->add_option("--report", a.report, "applying: write one JSON line per item to this file");
    return cmd;
}

/// sync's checks.
void finish_sync(sync_arguments const& a)
{
    if (a.plan && a.report) throw usage_error{"sync: --report needs applying (no --plan)"};
    if ((a.max_delete || a.force) && !a.delete_absent)
        throw usage_error{"sync: --max-delete and --force need --delete-absent"};
}

void declare_auth_commands(CLI::App& app, invocation& inv, raw_options& raw)
{
    auto* login = app.add_subcommand(
        "login", "log in (password from the terminal, or --password-stdin; or --key-file) and keep the "
                 "tokens in the token file; prints whoami's document");
    raw.username = login->add_option("--username", inv.login.username,
                                     "user name, or the service identity (default: $CLOUD_USERNAME)");
    login->add_flag("--password-stdin", inv.login.password_stdin, "read the password from stdin (one line)");
    login->add_option("--key-file", inv.login.key_file,
                      "log in as a service identity with this PEM RSA private key");
    app.add_subcommand("logout", "log out (POST /logout) and remove the token file");
    app.add_subcommand("whoami", R"(show the login in use: {"sub", "domain", "expiresAt"})");
}

/// --rate, --shard and --resume of a run at scale (provision, sync): checked as they are parsed, so a bad
/// value is a usage error before anything is sent.
void declare_scale_flags(CLI::App& cmd, scale_arguments& s)
{
    cmd.add_option_function<double>(
        "--rate", [&s](double r) { s.rate = checked_rate(r); },
        "at most R requests per second for the whole run (any one-second window: 1.1 R + 1 at most)");
    cmd.add_option_function<std::string>(
        "--shard", [&s](std::string const& text) { s.shard = parse_shard(text); },
        "K/N: only the items whose loginId's FNV-1a 64-bit hash modulo N is K (N runs, K = 0..N-1, cover the "
        "file once)");
    cmd.add_option(
        "--resume", s.resume,
        "REPORT: skip the items an earlier run's --report file shows as done (created, existing, "
        "updated, unchanged, deleted); with --report naming the same file, the report is appended to");
}

void declare_commands(CLI::App& app, invocation& inv)
{
    app.add_subcommand("me", "show the caller's user");
    app.add_subcommand("list", "list every user, printed as the list arrives (a JSON array)")
        ->add_flag("--jsonl", inv.list_jsonl, "print one compact JSON object per user and line instead");
    app.add_subcommand("get", "show one user")
        ->add_option("UUID", inv.argument, "the user's userUUID")
        ->required();
    app.add_subcommand("storage", "show the caller's temporary storage credentials")
        ->add_option("--region", inv.region, "storage region");
    app.add_subcommand("profile", "post the caller's profile ($profile; prints nothing)");
    declare_user(
        *app.add_subcommand("create", "create a user (or find the one with this loginId): prints it"),
        inv.user);
    auto* update = app.add_subcommand("update", "replace a user's attributes (prints nothing)");
    update->add_option("UUID", inv.argument, "the user's userUUID")->required();
    declare_user(*update, inv.user);
    app.add_subcommand("delete", "delete a user (prints nothing)")
        ->add_option("UUID", inv.argument, "the user's userUUID")
        ->required();
    app.add_subcommand("files", "list the caller's stored files (2023 spec; a JSON array)");
    app.add_subcommand("delete-files",
                       "delete the caller's files with these keys (2023 spec; prints nothing)")
        ->add_option("KEY", inv.keys, "a file's key (as `files` shows it); one or more")
        ->required();
    declare_download(app, inv.download);
    app.add_subcommand("delete-training-settings",
                       "reset the caller's training settings (2023 spec; prints nothing)");
    app.add_subcommand("resend-activation", "send the activation mail again: prints the outcome")
        ->add_option("LOGIN_ID", inv.argument, "the user's loginId")
        ->required();
    app.add_subcommand("reset-mfa", "reset the user's multi-factor authentication (prints nothing)")
        ->add_option("LOGIN_ID", inv.argument, "the user's loginId")
        ->required();
    auto* provision = app.add_subcommand(
        "provision", "create every user of a CSV (with header) or JSON Lines file; prints a summary");
    provision
        ->add_option("FILE", inv.provision.file,
                     "input file (.csv, .jsonl/.ndjson, else sniffed); '-': stdin")
        ->required();
    provision->add_option("--concurrency", inv.provision.concurrency, "requests in flight (default: 32)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
    provision->add_option("--report", inv.provision.report, "write one JSON line per item to this file");
    declare_scale_flags(*provision, inv.provision.scale);
    declare_scale_flags(*declare_sync(app, inv.sync), inv.sync.scale);
}

/// The values following --jwt/--csrf (or after '='), and the environment's tokens: scrubbed from messages.
std::vector<std::string> secrets_of(int argc, char** argv)
{
    std::vector<std::string> found;
    for (char const* name : {"IGTCLOUD_JWT", "IGTCLOUD_CSRF", "CLOUD_JWT_TOKEN", "CLOUD_CSRF_TOKEN"})
        if (char const* v = std::getenv(name)) found.emplace_back(v);
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        for (std::string_view const flag : {"--jwt", "--csrf"}) {
            if (arg == flag && i + 1 < argc) found.emplace_back(argv[i + 1]);
            if (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=')
                found.emplace_back(arg.substr(flag.size() + 1));
        }
    }
    return found;
}

void from_environment(std::string& value, CLI::Option const* given, char const* variable)
{
    if (given->count() > 0) return;
    if (char const* v = std::getenv(variable)) value = v;
}

std::optional<std::string> environment(char const* variable)
{
    char const* v = std::getenv(variable);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

std::optional<std::string> given(CLI::Option const* option, std::string const& value)
{
    return option->count() > 0 ? std::optional<std::string>(value) : std::nullopt;
}

/// The token sources of the command line and the environment (the token file is looked at later).
token_sources sources_of(global_options const& g, raw_options const& raw)
{
    token_sources found;
    found.cli_jwt = given(raw.jwt, g.jwt);
    found.cli_csrf = given(raw.csrf, g.csrf);
    found.igtcloud_jwt = environment("IGTCLOUD_JWT");
    found.igtcloud_csrf = environment("IGTCLOUD_CSRF");
    found.cloud_environment = environment("CLOUD_JWT_TOKEN") && environment("CLOUD_CSRF_TOKEN");
    return found;
}

/// The service's URLs (see service_address.hpp).
void resolve_urls(global_options& g, raw_options const& raw)
{
    auto const address = resolve_service(address_inputs{
        .url = given(raw.url, g.url),
        .auth_url = given(raw.auth_url, raw.auth_url_value),
        .domain = given(raw.domain, raw.domain_value),
        .env = given(raw.env, raw.env_value),
        .env_url = environment("IGTCLOUD_URL"),
        .env_domain = environment("CLOUD_DOMAIN"),
    });
    g.url = address.url;
    g.auth_url = address.auth_url;
}

/// login's checks and defaults.
void finish_login(invocation& inv, raw_options const& raw)
{
    auto& l = inv.login;
    if (raw.username->count() == 0)
        if (auto name = environment("CLOUD_USERNAME")) l.username = *name;
    if (l.username.empty())
        throw usage_error{l.key_file ? "login --key-file: give the service identity with --username (or set "
                                       "CLOUD_USERNAME)"
                                     : "login: give --username (or set CLOUD_USERNAME)"};
    if (l.key_file && l.password_stdin)
        throw usage_error{"--key-file and --password-stdin exclude each other"};
}

/// Fills the gaps from the environment and the optional values; throws usage_error.
void finish(invocation& inv, raw_options const& raw)
{
    auto& g = inv.global;
    if (raw.fields->count() > 0) g.fields = raw.fields_value;
    if (raw.timeout->count() > 0) g.timeout_seconds = raw.timeout_value;
    if (raw.connections->count() > 0) g.connections = raw.connections_value;
    if (raw.retries->count() > 0) g.retries = raw.retries_value;
    g.tokens_given = raw.jwt->count() > 0 || raw.csrf->count() > 0;
    inv.user.training_start = date_time_of(inv.user.training_start_text, "--training-start");
    inv.user.training_end = date_time_of(inv.user.training_end_text, "--training-end");
    if (inv.command == "sync") finish_sync(inv.sync);
    if (g.mock) {
        for (auto const* o : {raw.url, raw.auth_url, raw.domain, raw.env})
            if (o->count() > 0) throw usage_error{"--mock and " + o->get_name() + " exclude each other"};
        if (is_auth_command(inv.command))
            throw usage_error{inv.command + ": the embedded mock (--mock) has no logins; give --domain"};
        return; // the environment describes a real service: --mock ignores it
    }
    g.tokens = sources_of(g, raw);
    from_environment(g.jwt, raw.jwt, "IGTCLOUD_JWT");
    from_environment(g.csrf, raw.csrf, "IGTCLOUD_CSRF");
    resolve_urls(g, raw);
    if (g.url.empty() && !is_auth_command(inv.command)) throw usage_error{no_service};
    if (inv.command == "login") finish_login(inv, raw);
}

} // namespace

bool is_auth_command(std::string const& command)
{
    return command == "login" || command == "logout" || command == "whoami";
}

std::optional<invocation> parse_command_line(int argc, char** argv, int& exit_code)
{
    set_secrets(secrets_of(argc, argv));
    CLI::App app{"igtcloud-users: the IGT Cloud Users API from the shell, and batch provisioning",
                 "igtcloud-users"};
    app.footer(footer);
    app.set_version_flag("--version", "igtcloud-users " IGTCLOUD_VERSION);
    app.require_subcommand(1);
    app.fallthrough(); // global options are accepted after the command too
    invocation inv;
    raw_options raw;
    declare_global(app, inv.global, raw);
    declare_commands(app, inv);
    declare_auth_commands(app, inv, raw);
    try {
        app.parse(argc, argv);
        inv.command = app.get_subcommands().front()->get_name();
        finish(inv, raw);
    } catch (CLI::ParseError const& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) { // --help, --version
            exit_code = app.exit(e);
            return std::nullopt;
        }
        exit_code = fail_usage(std::string(e.what()) + " (see igtcloud-users --help)");
        return std::nullopt;
    } catch (usage_error const& e) {
        exit_code = fail_usage(e.message);
        return std::nullopt;
    }
    return inv;
}

} // namespace igtcloud::cli
