// igtcloud-users: the service's URLs from --url/--auth-url, --domain/--env and the environment.
#include "cli/service_address.hpp"

#include <string>

#include "cli/output.hpp"
#include "entities/base_url.hpp"

namespace igtcloud::cli {
namespace {

namespace detail = entities::detail;

constexpr char const* prod_host = "igt-web.eu1.phsdp.com";
constexpr char const* test_host = "igt-web-test.eu1.phsdp.com";

} // namespace

char const* const no_service =
    "no base URL: give --url, --domain or --env, or set IGTCLOUD_URL or CLOUD_DOMAIN (or use --mock)";

namespace {

/// "scheme://HOST[:PORT]" of a parsed URL (the port only when it is not the scheme's default).
std::string origin_of(detail::base_url const& b)
{
    return (b.tls ? "https://" : "http://") + b.host_header;
}

/// The origin named by --domain or --env (both: a usage error); nullopt when neither is given.
std::optional<std::string> command_line_origin(address_inputs const& in)
{
    if (in.domain && in.env) throw usage_error{"--domain and --env exclude each other"};
    if (in.env) {
        auto host = host_of_environment(*in.env);
        if (!host) throw usage_error{"unknown --env " + *in.env + ": PROD or TEST"};
        return "https://" + *host;
    }
    if (!in.domain) return std::nullopt;
    auto origin = origin_of_domain(*in.domain);
    if (!origin) throw usage_error{"--domain: expected HOST or http[s]://HOST[:PORT], without a path"};
    return origin;
}

} // namespace

std::optional<std::string> host_of_environment(std::string_view name)
{
    auto const lower = detail::ascii_lowercase(name);
    if (lower == "prod") return prod_host;
    if (lower == "test") return test_host;
    return std::nullopt;
}

std::string origin_of_url(std::string_view url)
{
    auto parsed = detail::parse_base_url(url);
    return parsed ? origin_of(*parsed) : std::string{};
}

std::optional<std::string> origin_of_domain(std::string_view domain)
{
    std::string text(domain);
    if (text.find("://") == std::string::npos) text = "https://" + text;
    auto parsed = detail::parse_base_url(text);
    if (!parsed || !parsed->prefix.empty()) return std::nullopt;
    return origin_of(*parsed);
}

service_address resolve_service(address_inputs const& in)
{
    auto const given = command_line_origin(in);
    service_address out;
    if (in.url)
        out.url = *in.url;
    else if (given)
        out.url = *given + "/api/data";
    else if (in.env_url)
        out.url = *in.env_url;
    else if (in.env_domain) {
        auto origin = origin_of_domain(*in.env_domain);
        if (!origin)
            throw usage_error{"$CLOUD_DOMAIN: expected HOST or http[s]://HOST[:PORT], without a path"};
        out.url = *origin + "/api/data";
    }
    if (out.url.empty() && !in.auth_url) throw usage_error{no_service};
    if (in.auth_url)
        out.auth_url = *in.auth_url;
    else if (given)
        out.auth_url = *given + "/api/auth";
    else if (auto origin = origin_of_url(out.url); !origin.empty())
        out.auth_url = origin + "/api/auth";
    return out;
}

} // namespace igtcloud::cli
