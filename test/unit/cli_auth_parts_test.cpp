// Unit tests of igtcloud-users' login parts without sockets: the service's URLs from --url/--auth-url,
// --domain/--env and the environment; the token precedence; the password line reader (through a pipe).
#include <boost/test/unit_test.hpp>

#include <string>

#include "cli/output.hpp"
#include "cli/password_prompt.hpp"
#include "cli/service_address.hpp"
#include "cli/token_choice.hpp"
#include <unistd.h>

namespace {

namespace cli = igtcloud::cli;
using cli::address_inputs;
using cli::token_source;

/// The usage error resolve_service throws for `in` ("" when it throws none).
std::string refusal(address_inputs const& in)
{
    try {
        cli::resolve_service(in);
    } catch (cli::usage_error const& e) {
        return e.message;
    }
    return {};
}

/// read_password_line on a pipe holding `bytes`, closed after them.
cli::password_read read_from_pipe(std::string const& bytes)
{
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    BOOST_TEST_REQUIRE(::write(fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fds[1]);
    auto r = cli::read_password_line(fds[0]);
    ::close(fds[0]);
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_auth_parts)

BOOST_AUTO_TEST_CASE(env_names_the_live_hosts)
{
    BOOST_TEST(cli::host_of_environment("PROD").value_or("") == "igt-web.eu1.phsdp.com");
    BOOST_TEST(cli::host_of_environment("test").value_or("") == "igt-web-test.eu1.phsdp.com");
    BOOST_TEST(!cli::host_of_environment("STAGING"));
    BOOST_TEST(!cli::host_of_environment(""));
    auto const test = cli::resolve_service({.env = "TEST"});
    BOOST_TEST(test.url == "https://igt-web-test.eu1.phsdp.com/api/data");
    BOOST_TEST(test.auth_url == "https://igt-web-test.eu1.phsdp.com/api/auth");
    BOOST_TEST(refusal({.env = "STAGING"}).find("unknown --env STAGING") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(domain_keeps_scheme_and_port)
{
    BOOST_TEST(cli::origin_of_domain("igt-web.eu1.phsdp.com").value_or("") ==
               "https://igt-web.eu1.phsdp.com");
    BOOST_TEST(cli::origin_of_domain("Example.ORG:8443").value_or("") == "https://example.org:8443");
    BOOST_TEST(cli::origin_of_domain("https://example.org/").value_or("") == "https://example.org");
    BOOST_TEST(cli::origin_of_domain("https://example.org:443").value_or("") == "https://example.org");
    BOOST_TEST(cli::origin_of_domain("http://127.0.0.1:8080").value_or("") == "http://127.0.0.1:8080");
    for (auto const* bad : {"", "ftp://example.org", "https://example.org/api", "https://u:p@example.org",
                            "example.org?x", "exa mple.org", "https://:80"})
        BOOST_TEST(!cli::origin_of_domain(bad), bad);
    BOOST_TEST(cli::origin_of_url("HTTPS://Example.org:443/api/auth") == "https://example.org");
    BOOST_TEST(cli::origin_of_url("http://[::1]:8080/data") == "http://[::1]:8080");
    BOOST_TEST(cli::origin_of_url("not a url").empty());
    auto const mock = cli::resolve_service({.domain = "http://127.0.0.1:8080"});
    BOOST_TEST(mock.url == "http://127.0.0.1:8080/api/data");
    BOOST_TEST(mock.auth_url == "http://127.0.0.1:8080/api/auth");
    BOOST_TEST(refusal({.domain = "https://example.org/data"}).find("--domain") != std::string::npos);
    BOOST_TEST(refusal({.domain = "a.org", .env = "TEST"}) == "--domain and --env exclude each other");
}

BOOST_AUTO_TEST_CASE(explicit_urls_win_then_command_line_then_environment)
{
    // --url and --auth-url beat --domain
    auto const both = cli::resolve_service(
        {.url = "http://127.0.0.1:1/data", .auth_url = "http://127.0.0.1:2/api/auth", .domain = "a.org"});
    BOOST_TEST(both.url == "http://127.0.0.1:1/data");
    BOOST_TEST(both.auth_url == "http://127.0.0.1:2/api/auth");
    // --url alone: the auth API on its origin
    auto const url = cli::resolve_service({.url = "http://127.0.0.1:5000/data", .env_domain = "b.org"});
    BOOST_TEST(url.auth_url == "http://127.0.0.1:5000/api/auth");
    // --env beats $IGTCLOUD_URL and $CLOUD_DOMAIN
    auto const env =
        cli::resolve_service({.env = "PROD", .env_url = "https://c.org/data", .env_domain = "d.org"});
    BOOST_TEST(env.url == "https://igt-web.eu1.phsdp.com/api/data");
    // $IGTCLOUD_URL beats $CLOUD_DOMAIN
    auto const env_url = cli::resolve_service({.env_url = "https://c.org/data", .env_domain = "d.org"});
    BOOST_TEST(env_url.url == "https://c.org/data");
    BOOST_TEST(env_url.auth_url == "https://c.org/api/auth");
    auto const env_domain = cli::resolve_service({.env_domain = "d.org"});
    BOOST_TEST(env_domain.url == "https://d.org/api/data");
    BOOST_TEST(env_domain.auth_url == "https://d.org/api/auth");
    BOOST_TEST(refusal({.env_domain = "d.org/x"}).find("CLOUD_DOMAIN") != std::string::npos);
    // nothing: refused; an unusable --url leaves the auth URL empty (the session reports the URL)
    BOOST_TEST(refusal({}).find("no base URL") != std::string::npos);
    BOOST_TEST(cli::resolve_service({.url = "ftp://x"}).auth_url.empty());
    // the auth URL alone is enough for login/logout/whoami
    auto const auth_only = cli::resolve_service({.auth_url = "http://127.0.0.1:2/api/auth"});
    BOOST_TEST(auth_only.url.empty());
    BOOST_TEST(auth_only.auth_url == "http://127.0.0.1:2/api/auth");
}

BOOST_AUTO_TEST_CASE(first_token_source_found_wins)
{
    cli::token_sources all{.cli_jwt = "cli-jwt",
                           .cli_csrf = std::nullopt,
                           .igtcloud_jwt = "env-jwt",
                           .igtcloud_csrf = "env-csrf",
                           .cloud_environment = true,
                           .token_file = true};
    auto c = cli::choose_tokens(all);
    BOOST_TEST((c.source == token_source::command_line));
    BOOST_TEST(c.jwt == "cli-jwt");   // the flag before the variable
    BOOST_TEST(c.csrf == "env-csrf"); // completed by the variable, as --csrf always was
    all.cli_jwt.reset();
    c = cli::choose_tokens(all);
    BOOST_TEST((c.source == token_source::igtcloud_environment));
    BOOST_TEST(c.jwt == "env-jwt");
    all.igtcloud_jwt = ""; // empty counts as absent
    all.igtcloud_csrf.reset();
    c = cli::choose_tokens(all);
    BOOST_TEST((c.source == token_source::cloud_environment));
    BOOST_TEST(c.jwt.empty()); // the authenticator's: not sent as fixed tokens
    all.cloud_environment = false;
    BOOST_TEST((cli::choose_tokens(all).source == token_source::token_file));
    all.token_file = false;
    BOOST_TEST((cli::choose_tokens(all).source == token_source::none));
    all.cli_csrf = "only-csrf";
    c = cli::choose_tokens(all);
    BOOST_TEST((c.source == token_source::command_line));
    BOOST_TEST(c.jwt.empty());
    BOOST_TEST(c.csrf == "only-csrf");
    BOOST_TEST(std::string(cli::to_string(token_source::cloud_environment)).find("CLOUD_JWT_TOKEN") == 1u);
}

BOOST_AUTO_TEST_CASE(password_line_strips_cr_lf_and_reads_no_further)
{
    BOOST_TEST(read_from_pipe("s3cret\n").password == "s3cret");
    BOOST_TEST(read_from_pipe("s3cret\r\n").password == "s3cret");
    BOOST_TEST(read_from_pipe("no newline").password == "no newline");
    BOOST_TEST(read_from_pipe(" spaced out \nsecond line\n").password == " spaced out ");
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    std::string const two = "first\nsecond\n";
    BOOST_TEST_REQUIRE(::write(fds[1], two.data(), two.size()) == static_cast<ssize_t>(two.size()));
    ::close(fds[1]);
    BOOST_TEST(cli::read_password_line(fds[0]).password == "first");
    BOOST_TEST(cli::read_password_line(fds[0]).password == "second"); // nothing past the line was consumed
    ::close(fds[0]);
}

BOOST_AUTO_TEST_CASE(password_line_refusals_name_no_secret)
{
    auto const empty = read_from_pipe("");
    BOOST_TEST(empty.password.empty());
    BOOST_TEST(empty.error.find("no password") != std::string::npos);
    BOOST_TEST(read_from_pipe("\r\n").error == "empty password");
    auto const nul = read_from_pipe(std::string("hunt\0er2\n", 9));
    BOOST_TEST(nul.password.empty());
    BOOST_TEST(nul.error.find("NUL") != std::string::npos);
    BOOST_TEST(nul.error.find("hunt") == std::string::npos);
    auto const huge = read_from_pipe(std::string(cli::max_password_bytes + 1, 'p') + "\n");
    BOOST_TEST(huge.password.empty());
    BOOST_TEST(huge.error.find("longer than 4096") != std::string::npos);
    BOOST_TEST(huge.error.find("ppp") == std::string::npos);
    BOOST_TEST(read_from_pipe(std::string(cli::max_password_bytes, 'p')).password.size() ==
               cli::max_password_bytes);
}

BOOST_AUTO_TEST_SUITE_END()
