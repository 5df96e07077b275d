// Choosing the proxy: proxy URL parsing, the no-proxy list, the environment, the basic credential.
#include "entities/transport/proxy.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/host_type.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "entities/auth/base64.hpp"
#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The error of a proxy URL: names where it came from and what is wrong, never the URL's text.
class url_problem {
public:
    explicit url_problem(std::string_view source) : source_(source) {}
    api_error operator()(std::string_view problem) const
    {
        std::string message = "invalid proxy URL (";
        message += source_;
        message += "): ";
        message += problem;
        return invalid(std::move(message));
    }

private:
    std::string_view source_;
};

// "Basic ..." from the userinfo, empty without one. Names the problem, never the user or the password.
api_result<std::string> parse_userinfo(boost::urls::url_view const& u, url_problem const& bad)
{
    if (!u.has_userinfo()) return std::string();
    std::string user = u.user();
    std::string password = u.password();
    if (user.find(':') != std::string::npos) return bad("the user name contains ':' (RFC 7617)");
    if (user.empty() && password.empty()) return std::string();
    return basic_authorization(user, password);
}

// ---- no-proxy matching ----

// The host part of a no-proxy entry (trimmed, lowercased): "[::1]:80" -> "::1", "h:80" -> "h", "::1" kept.
std::string entry_host(std::string_view entry)
{
    if (!entry.empty() && entry.front() == '[') {
        auto const close = entry.find(']');
        return ascii_lowercase(
            entry.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    auto const colon = entry.find(':');
    if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos)
        entry = entry.substr(0, colon); // one colon: host:port (several: an unbracketed IPv6 literal)
    return ascii_lowercase(entry);
}

std::string_view without_trailing_dot(std::string_view s) noexcept
{
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

std::optional<ip::address> as_address(std::string_view text)
{
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return a;
}

// The first `bits` bits of both byte arrays are equal.
template <std::size_t N>
bool same_prefix(std::array<unsigned char, N> const& a, std::array<unsigned char, N> const& b,
                 unsigned long bits) noexcept
{
    for (std::size_t i = 0; i < N && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
        auto const mask = static_cast<unsigned char>(bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF);
        if ((a[i] & mask) != (b[i] & mask)) return false;
    }
    return true;
}

// `entry` is "address/bits".
bool in_cidr(ip::address const& host, std::string_view entry)
{
    auto const slash = entry.find('/');
    auto const network = as_address(trim(entry.substr(0, slash)));
    auto const bits_text = entry.substr(slash + 1);
    if (!network || bits_text.empty() || bits_text.size() > 3) return false;
    unsigned long bits = 0;
    for (char c : bits_text) {
        if (c < '0' || c > '9') return false;
        bits = bits * 10 + static_cast<unsigned long>(c - '0');
    }
    if (network->is_v4() && host.is_v4() && bits <= 32)
        return same_prefix(network->to_v4().to_bytes(), host.to_v4().to_bytes(), bits);
    if (network->is_v6() && host.is_v6() && bits <= 128)
        return same_prefix(network->to_v6().to_bytes(), host.to_v6().to_bytes(), bits);
    return false;
}

bool matches(std::string_view host, std::optional<ip::address> const& host_address, std::string_view raw)
{
    auto const entry = trim(raw);
    if (entry.empty()) return false;
    if (entry == "*") return true;
    if (entry.find('/') != std::string_view::npos) return host_address && in_cidr(*host_address, entry);
    auto const name = entry_host(entry);
    if (auto const address = as_address(name)) return host_address && *address == *host_address;
    if (host_address) return false; // a host name never matches an IP host
    std::string_view suffix = without_trailing_dot(name);
    if (suffix.starts_with("*."))
        suffix.remove_prefix(2);
    else if (suffix.starts_with('.'))
        suffix.remove_prefix(1);
    if (suffix.empty()) return false;
    if (host == suffix) return true;
    return host.size() > suffix.size() && host.ends_with(suffix) &&
           host[host.size() - suffix.size() - 1] == '.';
}

// ---- environment ----

struct env_proxy {
    std::string url{};
    std::string_view source{};
};

std::optional<env_proxy> proxy_from_environment(bool tls, getenv_function const& getenv)
{
    static constexpr std::array<char const*, 2> https_names{"https_proxy", "HTTPS_PROXY"};
    static constexpr std::array<char const*, 2> http_names{"http_proxy", "HTTP_PROXY"};
    for (char const* name : tls ? https_names : http_names) {
        char const* value = getenv(name);
        if (value != nullptr && !trim(value).empty()) return env_proxy{std::string(trim(value)), name};
    }
    return std::nullopt;
}

} // namespace

api_result<proxy_route> parse_proxy_url(std::string_view text, base_url const& server,
                                        std::string_view source)
{
    url_problem const bad(source);
    if (text.empty()) return bad("empty");
    if (auto at = find_control_or_space(text))
        return bad("control character or space at offset " + std::to_string(*at));
    std::string with_scheme;
    if (text.find("://") == std::string_view::npos) {
        with_scheme = "http://";
        with_scheme += text;
        text = with_scheme;
    }
    auto parsed = boost::urls::parse_uri(boost::urls::string_view(text.data(), text.size()));
    if (!parsed) return bad("not a URL (expected http://[user:password@]host[:port])");
    auto const& u = *parsed;
    if (u.scheme_id() != boost::urls::scheme::http)
        return bad("unsupported scheme (only http:// proxies are supported)");
    if (u.has_query()) return bad("a query ('?') is not allowed");
    if (u.has_fragment()) return bad("a fragment ('#') is not allowed");
    proxy_route route;
    auto endpoint = read_endpoint(u, 80);
    if (auto const* problem = std::get_if<char const*>(&endpoint)) return bad(*problem);
    if (auto const path = u.encoded_path(); !path.empty() && path != "/")
        return bad("a path is not allowed (expected http://host[:port])");
    auto authorization = parse_userinfo(u, bad);
    if (!authorization) return authorization.error();
    route.host = std::move(std::get<url_endpoint>(endpoint).host);
    route.port = std::get<url_endpoint>(endpoint).port;
    route.tunnel = server.tls;
    route.authorization = std::move(*authorization);
    if (route.tunnel)
        route.connect_authority = host_and_port(server.host, server.port);
    else
        route.absolute_prefix = "http://" + server.host_header;
    return route;
}

std::optional<proxy_route> choose_proxy(proxy_options const& options, base_url const& server,
                                        getenv_function const& getenv)
{
    std::string url = options.url;
    std::string_view source = "session_options::proxy.url";
    std::vector<std::string> no_proxy = options.no_proxy;
    if (url.empty() && options.from_environment && getenv) {
        auto found = proxy_from_environment(server.tls, getenv);
        if (!found) return std::nullopt;
        url = std::move(found->url);
        source = found->source;
        for (char const* name : {"no_proxy", "NO_PROXY"})
            if (char const* value = getenv(name)) split_no_proxy(value, no_proxy);
    }
    if (url.empty()) return std::nullopt;
    // A bad URL is refused even when the host bypasses it: the configuration is wrong either way.
    auto route = parse_proxy_url(url, server, source);
    if (!route) throw std::invalid_argument(route.error().message);
    if (bypasses_proxy(server.host, no_proxy)) return std::nullopt;
    return std::move(*route);
}

bool bypasses_proxy(std::string_view host, std::span<std::string const> no_proxy)
{
    auto const name = ascii_lowercase(without_trailing_dot(host));
    auto const address = as_address(name);
    return std::any_of(no_proxy.begin(), no_proxy.end(),
                       [&](std::string const& entry) { return matches(name, address, entry); });
}

void split_no_proxy(std::string_view list, std::vector<std::string>& out)
{
    while (!list.empty()) {
        auto const comma = list.find(',');
        out.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

std::string basic_authorization(std::string_view user, std::string_view password)
{
    std::string credentials;
    credentials.reserve(user.size() + 1 + password.size());
    credentials += user;
    credentials += ':';
    credentials += password;
    return "Basic " + auth::base64_encode(credentials);
}

} // namespace igtcloud::entities::detail
