// The session's base URL: parsing with Boost.URL, host and port checks, Host header text.
#include "entities/base_url.hpp"

#include <boost/url/host_type.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <cstddef>
#include <utility>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

api_error invalid_url(std::string_view problem)
{
    std::string message = "invalid base_url: ";
    message += problem;
    return invalid(std::move(message));
}

// `digits` is what the URL grammar accepted as a port: only digits, possibly many of them.
std::variant<std::uint16_t, char const*> read_port(std::string_view digits) noexcept
{
    if (digits.empty()) return "port is empty (remove the ':' or give a port number)";
    unsigned long value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return "port is not a number";
        value = value * 10 + static_cast<unsigned long>(c - '0');
        if (value > 65535) return "port is out of range (1-65535)";
    }
    if (value == 0) return "port 0 is not allowed (1-65535)";
    return static_cast<std::uint16_t>(value);
}

// Checks the parts of an absolute URL other than the path; on success fills tls, host and port.
api_result<void> check_authority(boost::urls::url_view const& u, base_url& out)
{
    auto const scheme = u.scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        return invalid_url("unsupported scheme (expected http:// or https://)");
    out.tls = scheme == boost::urls::scheme::https;
    if (u.has_userinfo())
        return invalid_url("userinfo (user:password@) is not allowed; pass credentials as tokens");
    if (u.has_query()) return invalid_url("a query ('?') is not allowed");
    if (u.has_fragment()) return invalid_url("a fragment ('#') is not allowed");
    auto endpoint = read_endpoint(u, out.tls ? 443 : 80);
    if (auto const* problem = std::get_if<char const*>(&endpoint)) return invalid_url(*problem);
    out.host = std::move(std::get<url_endpoint>(endpoint).host);
    out.port = std::get<url_endpoint>(endpoint).port;
    return {};
}

std::string make_host_header(base_url const& b)
{
    return host_and_port(b.host,
                         b.port != (b.tls ? 443 : 80) ? std::optional<std::uint16_t>(b.port) : std::nullopt);
}

} // namespace

std::string host_and_port(std::string_view host, std::optional<std::uint16_t> port)
{
    std::string h;
    bool const v6 = host.find(':') != std::string_view::npos;
    if (v6) h += '[';
    h += host;
    if (v6) h += ']';
    if (port) {
        h += ':';
        h += std::to_string(*port);
    }
    return h;
}

std::string ascii_lowercase(std::string_view s)
{
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

std::optional<std::size_t> find_control_or_space(std::string_view text) noexcept
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto const c = static_cast<unsigned char>(text[i]);
        if (c <= 0x20 || c == 0x7F) return i;
    }
    return std::nullopt;
}

std::variant<url_endpoint, char const*> read_endpoint(boost::urls::url_view const& u,
                                                      std::uint16_t default_port)
{
    if (!u.has_authority() || u.encoded_host().empty()) return "missing host";
    url_endpoint out;
    switch (u.host_type()) {
    case boost::urls::host_type::ipv4: out.host = u.encoded_host_address(); break;
    case boost::urls::host_type::ipv6: out.host = ascii_lowercase(u.encoded_host_address()); break;
    case boost::urls::host_type::name:
        if (u.encoded_host().find('%') != boost::urls::string_view::npos)
            return "percent-encoded host is not supported";
        out.host = ascii_lowercase(u.encoded_host());
        break;
    default: return "unsupported host (IPvFuture literal)";
    }
    out.port = default_port;
    if (!u.has_port()) return out;
    // Boost.URL 1.81 accepts "http://h:abc/" as an empty port followed by the path "abc/".
    auto const path = u.encoded_path();
    if (u.port().empty() && !path.empty() && path.front() != '/') return "port is not a number";
    auto port = read_port(u.port());
    if (auto const* problem = std::get_if<char const*>(&port)) return *problem;
    out.port = std::get<std::uint16_t>(port);
    return out;
}

api_result<base_url> parse_base_url(std::string_view text)
{
    if (text.empty()) return invalid_url("empty");
    if (auto at = find_control_or_space(text))
        return invalid_url("control character or space at offset " + std::to_string(*at));
    auto parsed = boost::urls::parse_uri(boost::urls::string_view(text.data(), text.size()));
    if (!parsed) return invalid_url("not an absolute URL (expected http[s]://host[:port][/prefix])");
    base_url b;
    if (auto ok = check_authority(*parsed, b); !ok) return ok.error();
    std::string_view path = parsed->encoded_path();
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    b.prefix = path;
    b.host_header = make_host_header(b);
    return b;
}

} // namespace igtcloud::entities::detail
