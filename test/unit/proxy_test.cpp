// Unit tests of choosing the proxy: proxy URLs, the no-proxy list, the environment, the basic credential.
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/options.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "entities/base_url.hpp"
#include "entities/transport/proxy.hpp"

namespace proxy_test {

namespace ent = igtcloud::entities;
namespace data = boost::unit_test::data;
using ent::proxy_options;
using ent::detail::base_url;
using ent::detail::basic_authorization;
using ent::detail::bypasses_proxy;
using ent::detail::choose_proxy;
using ent::detail::getenv_function;
using ent::detail::parse_proxy_url;
using ent::detail::proxy_route;
using ent::detail::split_no_proxy;

constexpr std::string_view secret = "s3cr3t-Pa55";

base_url server(std::string_view text)
{
    auto r = ent::detail::parse_base_url(text);
    BOOST_TEST_REQUIRE(r.has_value());
    return *r;
}

/// A fake environment for the injected getenv.
getenv_function env(std::map<std::string, std::string> vars)
{
    return [vars = std::move(vars)](char const* name) -> char const* {
        auto const it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

getenv_function const no_env = env({});

bool bypasses(std::string_view host, std::vector<std::string> const& list)
{
    return bypasses_proxy(host, list);
}

proxy_route parse_ok(std::string_view url, std::string_view base = "https://api.example.org/data")
{
    auto r = parse_proxy_url(url, server(base), "test");
    BOOST_TEST_REQUIRE(r.has_value(), "refused " << url << ": " << r.error().message);
    return *r;
}

// A proxy URL that must be refused, and what the message must say.
struct bad_url {
    std::string text{};
    std::string_view says{};
    friend std::ostream& operator<<(std::ostream& os, bad_url const& b) { return os << b.text; }
};

std::string with_secret(std::string_view before, std::string_view after)
{
    return std::string(before) + std::string(secret) + std::string(after);
}

std::vector<bad_url> const bad_urls = {
    {"", "empty"},
    {with_secret("https://jdoe:", "@proxy:3128"), "only http://"},
    {with_secret("socks5://jdoe:", "@proxy:1080"), "only http://"},
    {with_secret("http://jdoe:", "@"), "missing host"},
    {with_secret("http://jdoe:", "@proxy:0"), "port 0"},
    {with_secret("http://jdoe:", "@proxy:70000"), "out of range"},
    {with_secret("http://jdoe:", "@proxy:abc/"), "not a number"},
    {with_secret("http://jdoe:", "@proxy:"), "port is empty"},
    {with_secret("http://jdoe:", "@proxy:3128/path"), "path"},
    {with_secret("http://jdoe:", "@proxy:3128/?q"), "query"},
    {with_secret("http://jdoe:", "@proxy:3128/#f"), "fragment"},
    {with_secret("http://jdoe:", "@pro%78y:3128"), "percent-encoded host"},
    {with_secret("http://jd%3Aoe:", "@proxy:3128"), "contains ':'"},
    {with_secret("http://jdoe:", " x@proxy:3128"), "offset"},
    {with_secret("http://jdoe:", "\r\n@proxy:3128"), "offset"},
    {with_secret("http://jdoe:", "@[v1.x]:3128"), "IPvFuture"},
    {with_secret("http://jdoe:", "@@proxy:3128"), ""}, // Boost.URL: no host, or not a URL
};

BOOST_AUTO_TEST_SUITE(proxy)

// ---- the basic credential (base64 itself: auth_base64_test.cpp) ----

BOOST_AUTO_TEST_CASE(builds_basic_header_on_user_and_password)
{
    BOOST_TEST(basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    BOOST_TEST(basic_authorization("user", "") == "Basic dXNlcjo=");
}

// ---- proxy URLs ----

BOOST_AUTO_TEST_CASE(tunnels_on_https_server)
{
    auto const r = parse_ok("http://proxy.corp:3128", "https://API.example.org:8443/data");
    BOOST_TEST(r.host == "proxy.corp");
    BOOST_TEST(r.port == 3128);
    BOOST_TEST(r.tunnel);
    BOOST_TEST(r.connect_authority == "api.example.org:8443");
    BOOST_TEST(r.absolute_prefix.empty());
    BOOST_TEST(r.authorization.empty());
    BOOST_TEST(parse_ok("http://proxy", "https://api.example.org/data").connect_authority ==
               "api.example.org:443");
    BOOST_TEST(parse_ok("http://proxy", "https://[::1]:8443/data").connect_authority == "[::1]:8443");
}

BOOST_AUTO_TEST_CASE(forwards_absolute_form_on_http_server)
{
    auto const r = parse_ok("http://proxy.corp:3128/", "http://api.example.org/data");
    BOOST_TEST(!r.tunnel);
    BOOST_TEST(r.absolute_prefix == "http://api.example.org");
    BOOST_TEST(r.connect_authority.empty());
    BOOST_TEST(parse_ok("http://proxy", "http://127.0.0.1:8080/data").absolute_prefix ==
               "http://127.0.0.1:8080");
    BOOST_TEST(parse_ok("http://proxy", "http://[::1]:8080/data").absolute_prefix == "http://[::1]:8080");
}

BOOST_AUTO_TEST_CASE(parses_hosts_and_ports_on_proxy_url)
{
    BOOST_TEST(parse_ok("http://proxy").port == 80);
    BOOST_TEST(parse_ok("HTTP://PROXY.Corp:8080").host == "proxy.corp");
    BOOST_TEST(parse_ok("http://10.0.0.1:3128").host == "10.0.0.1");
    auto const v6 = parse_ok("http://[FD00::1]:3128");
    BOOST_TEST(v6.host == "fd00::1");
    BOOST_TEST(v6.port == 3128);
    BOOST_TEST(parse_ok("http://proxy:65535").port == 65535);
}

BOOST_AUTO_TEST_CASE(reads_missing_scheme_as_http_on_proxy_url)
{
    auto const r = parse_ok("proxy.corp:3128");
    BOOST_TEST(r.host == "proxy.corp");
    BOOST_TEST(r.port == 3128);
    BOOST_TEST(parse_ok("user:pw@proxy.corp:3128").authorization == basic_authorization("user", "pw"));
}

BOOST_AUTO_TEST_CASE(builds_authorization_on_userinfo)
{
    BOOST_TEST(parse_ok("http://user:pw@proxy:3128").authorization == "Basic dXNlcjpwdw==");
    // Percent-decoded user and password; ':' may appear in the password.
    BOOST_TEST(parse_ok("http://us%40er:p%3Aa%2Fss%20w@proxy:3128").authorization ==
               basic_authorization("us@er", "p:a/ss w"));
    BOOST_TEST(parse_ok("http://user:pa:ss@proxy").authorization == basic_authorization("user", "pa:ss"));
    BOOST_TEST(parse_ok("http://user@proxy").authorization == basic_authorization("user", ""));
    BOOST_TEST(parse_ok("http://user:@proxy").authorization == basic_authorization("user", ""));
    BOOST_TEST(parse_ok("http://:pw@proxy").authorization == basic_authorization("", "pw"));
    BOOST_TEST(parse_ok("http://@proxy").authorization.empty());
    BOOST_TEST(parse_ok("http://proxy").authorization.empty());
}

BOOST_DATA_TEST_CASE(refuses_without_secret_on_bad_url, data::make(bad_urls), sample)
{
    auto const r = parse_proxy_url(sample.text, server("https://api.example.org/data"), "HTTPS_PROXY");
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST((r.error().code == ent::error::invalid_argument));
    BOOST_TEST(r.error().status == 0u);
    auto const& message = r.error().message;
    BOOST_TEST(message.starts_with("invalid proxy URL (HTTPS_PROXY): "), message);
    BOOST_TEST(message.find(sample.says) != std::string::npos, message);
    BOOST_TEST(message.find(secret) == std::string::npos, message);
    BOOST_TEST(message.find("jdoe") == std::string::npos, message);
    BOOST_TEST(message.find("jd%3Aoe") == std::string::npos, message);
}

// ---- the no-proxy list ----

BOOST_AUTO_TEST_CASE(matches_names_and_suffixes_on_no_proxy)
{
    std::vector<std::string> const list = {"example.org"};
    BOOST_TEST(bypasses("example.org", list));
    BOOST_TEST(bypasses("api.example.org", list));
    BOOST_TEST(bypasses("a.b.example.org", list));
    BOOST_TEST(!bypasses("badexample.org", list));
    BOOST_TEST(!bypasses("example.org.evil.com", list));
    BOOST_TEST(!bypasses("org", list));
    for (std::string const entry :
         {".example.org", "*.example.org", "EXAMPLE.Org", "example.org.", " example.org "}) {
        std::vector<std::string> const one = {entry};
        BOOST_TEST(bypasses("example.org", one), entry);
        BOOST_TEST(bypasses("api.example.org", one), entry);
        BOOST_TEST(!bypasses("badexample.org", one), entry);
    }
    BOOST_TEST(bypasses("api.example.org.", list)); // trailing dot of a fully qualified host
    BOOST_TEST(bypasses("API.EXAMPLE.ORG", list));
}

BOOST_AUTO_TEST_CASE(matches_everything_on_star)
{
    std::vector<std::string> const list = {" * "};
    BOOST_TEST(bypasses("example.org", list));
    BOOST_TEST(bypasses("10.1.2.3", list));
    BOOST_TEST(bypasses("::1", list));
    BOOST_TEST(!bypasses("example.org", {"*.", "."}));
}

BOOST_AUTO_TEST_CASE(skips_empty_entries_on_no_proxy)
{
    BOOST_TEST(!bypasses("example.org", {}));
    BOOST_TEST(!bypasses("example.org", {"", "  ", "\t", "other.org"}));
    BOOST_TEST(bypasses("example.org", {"", " other.org", " example.org\t"}));
}

BOOST_AUTO_TEST_CASE(ignores_port_on_no_proxy_entry)
{
    BOOST_TEST(bypasses("example.org", {"example.org:8443"}));
    BOOST_TEST(bypasses("api.example.org", {".example.org:1"}));
    BOOST_TEST(bypasses("10.1.2.3", {"10.1.2.3:8080"}));
    BOOST_TEST(bypasses("::1", {"[::1]:8443"}));
    BOOST_TEST(bypasses("::1", {"[::1]"}));
}

BOOST_AUTO_TEST_CASE(matches_ip_literals_exactly_on_no_proxy)
{
    BOOST_TEST(bypasses("127.0.0.1", {"127.0.0.1"}));
    BOOST_TEST(!bypasses("10.0.0.1", {"0.0.1"}));
    BOOST_TEST(!bypasses("10.0.0.1", {".0.0.1"}));
    BOOST_TEST(!bypasses("127.0.0.1", {"localhost"}));
    BOOST_TEST(!bypasses("localhost", {"127.0.0.1"}));
    BOOST_TEST(bypasses("::1", {"0:0:0:0:0:0:0:1"}));
    BOOST_TEST(bypasses("fd00::1", {"FD00:0::1"}));
    BOOST_TEST(!bypasses("fd00::2", {"fd00::1"}));
}

BOOST_AUTO_TEST_CASE(matches_cidr_blocks_on_no_proxy)
{
    std::vector<std::string> const list = {"10.0.0.0/8", "192.168.1.0/25", "fd00::/8"};
    BOOST_TEST(bypasses("10.200.3.4", list));
    BOOST_TEST(bypasses("192.168.1.127", list));
    BOOST_TEST(!bypasses("192.168.1.128", list));
    BOOST_TEST(!bypasses("11.0.0.1", list));
    BOOST_TEST(bypasses("fd12::1", list));
    BOOST_TEST(!bypasses("fe80::1", list));
    BOOST_TEST(!bypasses("example.org", list));
    BOOST_TEST(bypasses("1.2.3.4", {"0.0.0.0/0"}));
    BOOST_TEST(!bypasses("1.2.3.4", {"1.2.3.4/33", "1.2.3.4/x", "1.2.3.4/"}));
}

BOOST_AUTO_TEST_CASE(splits_comma_separated_list)
{
    std::vector<std::string> out{"kept"};
    split_no_proxy("a.org, .b.org,,10.0.0.0/8 ,", out);
    std::vector<std::string> const expected = {"kept", "a.org", " .b.org", "", "10.0.0.0/8 "};
    BOOST_TEST(out == expected, boost::test_tools::per_element());
}

// ---- choose_proxy ----

BOOST_AUTO_TEST_CASE(goes_direct_on_no_url)
{
    BOOST_TEST(!choose_proxy(proxy_options{}, server("https://api.example.org/data"), no_env));
    auto const full_env = env({{"HTTPS_PROXY", "http://env-proxy:3128"}, {"HTTP_PROXY", "http://env:1"}});
    BOOST_TEST(!choose_proxy(proxy_options{}, server("https://api.example.org/data"), full_env),
               "the environment is read only with from_environment");
    BOOST_TEST(!choose_proxy(proxy_options{}, server("https://api.example.org/data"), getenv_function{}));
}

BOOST_AUTO_TEST_CASE(uses_url_on_options)
{
    proxy_options const o{.url = "http://u:p@proxy:3128"};
    auto const r = choose_proxy(o, server("https://api.example.org/data"), no_env);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->host == "proxy");
    BOOST_TEST(r->port == 3128);
    BOOST_TEST(r->tunnel);
    BOOST_TEST(r->authorization == basic_authorization("u", "p"));
    auto const plain = choose_proxy(o, server("http://api.example.org/data"), no_env);
    BOOST_TEST_REQUIRE(plain.has_value());
    BOOST_TEST(!plain->tunnel);
    BOOST_TEST(plain->absolute_prefix == "http://api.example.org");
}

BOOST_AUTO_TEST_CASE(bypasses_on_no_proxy_option)
{
    proxy_options const o{.url = "http://proxy:3128", .no_proxy = {"localhost", ".example.org"}};
    BOOST_TEST(!choose_proxy(o, server("https://api.example.org/data"), no_env));
    BOOST_TEST(!choose_proxy(o, server("http://localhost:8080/data"), no_env));
    BOOST_TEST(choose_proxy(o, server("https://example.com/data"), no_env).has_value());
}

BOOST_AUTO_TEST_CASE(picks_variable_by_scheme_on_environment)
{
    proxy_options const o{.from_environment = true};
    auto const e =
        env({{"HTTPS_PROXY", "http://secure-proxy:3128"}, {"HTTP_PROXY", "http://plain-proxy:8080"}});
    auto const https = choose_proxy(o, server("https://api.example.org/data"), e);
    BOOST_TEST_REQUIRE(https.has_value());
    BOOST_TEST(https->host == "secure-proxy");
    BOOST_TEST(https->tunnel);
    auto const http = choose_proxy(o, server("http://api.example.org/data"), e);
    BOOST_TEST_REQUIRE(http.has_value());
    BOOST_TEST(http->host == "plain-proxy");
    BOOST_TEST(http->port == 8080);
    BOOST_TEST(!http->tunnel);
    BOOST_TEST(!choose_proxy(o, server("https://api.example.org/data"), env({{"HTTP_PROXY", "http://p:1"}})),
               "an http proxy variable is not used for https");
}

BOOST_AUTO_TEST_CASE(prefers_lower_case_on_environment)
{
    proxy_options const o{.from_environment = true};
    auto const both = env({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}});
    BOOST_TEST(choose_proxy(o, server("https://a.org/data"), both)->host == "lower");
    auto const upper = env({{"https_proxy", " "}, {"HTTPS_PROXY", "http://upper:2"}});
    BOOST_TEST(choose_proxy(o, server("https://a.org/data"), upper)->host == "upper",
               "blank counts as unset");
    auto const lower = env({{"http_proxy", "http://lower:1"}});
    BOOST_TEST(choose_proxy(o, server("http://a.org/data"), lower)->host == "lower");
}

BOOST_AUTO_TEST_CASE(adds_no_proxy_variables_on_environment)
{
    proxy_options const o{.no_proxy = {"from-options.org"}, .from_environment = true};
    auto const e = env({{"HTTPS_PROXY", "http://proxy:3128"},
                        {"NO_PROXY", "upper.org, .corp.internal"},
                        {"no_proxy", "lower.org,10.0.0.0/8"}});
    for (std::string_view const bypassed :
         {"https://from-options.org/data", "https://upper.org/data", "https://api.corp.internal/data",
          "https://x.lower.org/data", "https://10.1.2.3/data"})
        BOOST_TEST(!choose_proxy(o, server(bypassed), e), bypassed);
    BOOST_TEST(choose_proxy(o, server("https://other.org/data"), e).has_value());
}

BOOST_AUTO_TEST_CASE(ignores_environment_on_explicit_url)
{
    proxy_options const o{.url = "http://explicit:3128", .from_environment = true};
    auto const e = env({{"HTTPS_PROXY", "http://env:1"}, {"NO_PROXY", "*"}});
    auto const r = choose_proxy(o, server("https://api.example.org/data"), e);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->host == "explicit");
}

BOOST_AUTO_TEST_CASE(throws_without_secret_on_bad_url)
{
    auto const check = [](proxy_options const& o, getenv_function const& e, std::string_view source) {
        try {
            (void)choose_proxy(o, server("https://api.example.org/data"), e);
            BOOST_ERROR("no exception for " << source);
        } catch (std::invalid_argument const& x) {
            std::string const what = x.what();
            BOOST_TEST(what.find(source) != std::string::npos, what);
            BOOST_TEST(what.find(secret) == std::string::npos, what);
        }
    };
    auto const bad = with_secret("https://jdoe:", "@proxy:3128");
    check(proxy_options{.url = bad}, no_env, "session_options::proxy.url");
    check(proxy_options{.from_environment = true}, env({{"HTTPS_PROXY", bad}}), "HTTPS_PROXY");
    check(proxy_options{.from_environment = true}, env({{"https_proxy", with_secret("http://u:", "@h:0")}}),
          "https_proxy");
    // Refused even when the host would bypass the proxy: the configuration is wrong either way.
    check(proxy_options{.url = bad, .no_proxy = {"*"}}, no_env, "session_options::proxy.url");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace proxy_test
