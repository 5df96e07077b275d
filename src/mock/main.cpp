// igtcloud-mock-server: the in-memory Users service on 127.0.0.1, until SIGINT or SIGTERM.
//
// The first line on stdout is `listening on 127.0.0.1:PORT`. Exit codes: 0 after a signal, 1 when the
// server cannot start (port taken, unreadable TLS files), 2 for a usage error (a bad --user, --service-key
// or --token-lifetime value included).
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

namespace mock = igtcloud::mock;

/// The raw values of the flags, before they become mock::options.
struct flags {
    unsigned port{0};
    unsigned latency_ms{0};
    std::vector<std::string> tokens{};
    std::vector<std::string> users{};
    std::vector<std::string> service_keys{};
    std::int64_t token_lifetime{3600};
    std::optional<std::uint64_t> seed{};
    std::string api{"seed"};
};

/// Splits TOKEN=LOGIN_ID; throws CLI::ValidationError when either side is empty.
std::pair<std::string, std::string> parse_token(std::string const& text)
{
    auto const eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw CLI::ValidationError("--token", "expected TOKEN=LOGIN_ID");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

/// Splits LOGIN:PASSWORD at the first ':'; throws CLI::ValidationError (never quoting the value, which may
/// be a password) when there is no ':' or no login.
std::pair<std::string, std::string> parse_user(std::string const& text)
{
    auto const colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
        throw CLI::ValidationError("--user", "expected LOGIN:PASSWORD");
    return {text.substr(0, colon), text.substr(colon + 1)};
}

/// Splits SUB=PEM_FILE; throws CLI::ValidationError when either side is empty.
std::pair<std::string, std::string> parse_service_key(std::string const& text)
{
    auto const eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw CLI::ValidationError("--service-key", "expected SUB=PEM_FILE");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

/// Declares the auth API's flags (DESIGN.md §6).
void declare_auth_flags(CLI::App& app, mock::options& opts, flags& raw)
{
    app.add_option("--user", raw.users, "LOGIN:PASSWORD (repeatable): a password login at /api/auth/login");
    app.add_option("--service-key", raw.service_keys,
                   "SUB=PEM_FILE (repeatable): a service identity and its RSA public key");
    app.add_option("--audience", opts.audience, "the aud of service assertions (default: igtcloud-mock)");
    app.add_option("--token-lifetime", raw.token_lifetime, "seconds a JWT lives (default: 3600)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{366} * 24 * 3600));
}

/// Declares the 2023 spec's flags (DESIGN.md §7).
void declare_2023_flags(CLI::App& app, mock::options& opts, flags& raw)
{
    app.add_option("--api", raw.api, "seed|2023: the spec version of the create/update body (default: seed)")
        ->check(CLI::IsMember({"seed", "2023"}));
    app.add_option("--files-per-user", opts.files_per_user,
                   "files stored at start for each token's, --user's and --service-key's user (default: 0)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{65535}));
    app.add_option("--file-bytes", opts.file_bytes, "the size of each seeded file (default: 1024)")
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{0xFFFFFFFEull}));
}

/// Declares every flag of the binary on `app`, writing into `opts` and `raw`.
void declare_flags(CLI::App& app, mock::options& opts, flags& raw)
{
    app.add_option("--port", raw.port, "TCP port on 127.0.0.1 (0: an ephemeral port)")
        ->check(CLI::Range(0, 65535));
    app.add_option("--threads", opts.threads, "I/O threads")->check(CLI::Range(1, 256));
    auto* cert = app.add_option("--tls-cert", opts.tls_cert_file, "PEM certificate (chain): serve https")
                     ->check(CLI::ExistingFile);
    auto* key = app.add_option("--tls-key", opts.tls_key_file, "PEM private key of --tls-cert")
                    ->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    app.add_option("--tls-client-ca", opts.tls_client_ca_file,
                   "PEM CA file: require client certificates signed by it (needs --tls-cert)")
        ->check(CLI::ExistingFile)
        ->needs(cert);
    app.add_option("--token", raw.tokens,
                   "TOKEN=LOGIN_ID (repeatable): an accepted X-JWT/X-CSRF-TOKEN and its user "
                   "(default: mock-token=admin@example.org)");
    app.add_option("--seed-users", opts.seed_users, "users preloaded at start");
    app.add_option("--latency-ms", raw.latency_ms, "milliseconds added before each answer");
    app.add_option("--fail-rate", opts.fail_rate, "share of answers replaced by --fail-status")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--fail-status", opts.fail_status, "status of injected failures (429 adds Retry-After: 1)")
        ->check(CLI::IsMember({503u, 429u}));
    app.add_option("--close-after", opts.close_after,
                   "close each connection after N answers, without Connection: close (0: never)");
    app.add_option("--truncate-rate", opts.truncate_rate,
                   "share of bodies cut in half, then the connection closed")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--seed", raw.seed, "fixes the fault dice and generated ids");
    app.add_flag("--gzip", opts.gzip, "gzip JSON answers of 1 KiB and more for clients that accept it");
    app.add_option("--access-log", opts.access_log,
                   "PATH: append one JSON line per answer: {time, method, target, status} (no secrets)");
    declare_auth_flags(app, opts, raw);
    declare_2023_flags(app, opts, raw);
}

/// Parses the command line into options; nullopt after --help (0) or a usage error (2), in `exit_code`.
std::optional<mock::options> parse_options(int argc, char** argv, int& exit_code)
{
    CLI::App app{"igtcloud-mock-server: an in-memory IGT Cloud Users service on 127.0.0.1"};
    mock::options opts;
    flags raw;
    declare_flags(app, opts, raw);
    try {
        app.parse(argc, argv);
        opts.port = static_cast<std::uint16_t>(raw.port);
        opts.latency = std::chrono::milliseconds(raw.latency_ms);
        opts.seed = raw.seed;
        for (auto const& t : raw.tokens)
            opts.tokens.push_back(parse_token(t));
        for (auto const& u : raw.users)
            opts.users.push_back(parse_user(u));
        for (auto const& k : raw.service_keys)
            opts.service_keys.push_back(parse_service_key(k));
        opts.token_lifetime = std::chrono::seconds(raw.token_lifetime);
        opts.api = raw.api == "2023" ? mock::api_version::v2023 : mock::api_version::seed;
    } catch (CLI::ParseError const& e) {
        exit_code = app.exit(e) == 0 ? 0 : 2;
        return std::nullopt;
    }
    return opts;
}

} // namespace

int main(int argc, char** argv)
{
    int exit_code = 0;
    auto opts = parse_options(argc, argv, exit_code);
    if (!opts) return exit_code;
    try {
        boost::asio::io_context signals_context{1};
        boost::asio::signal_set signals{signals_context, SIGINT, SIGTERM};
        mock::server server{std::move(*opts)};
        std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
        signals.async_wait([&](boost::system::error_code, int) { server.stop(); });
        signals_context.run();
        return 0;
    } catch (std::invalid_argument const& e) { // a bad flag value (it names the flag, and the file if any)
        std::cerr << "igtcloud-mock-server: " << e.what() << '\n';
        return 2;
    } catch (std::exception const& e) {
        std::cerr << "igtcloud-mock-server: " << e.what() << '\n';
        return 1;
    }
}
