// Pure request building blocks: base URL parsing, header value checks, percent-encoding, targets.
#include "entities/request_parts.hpp"

#include <boost/url/host_type.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace igtcloud::entities::detail {
namespace {

api_error invalid(std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::move(message)};
}

api_error invalid_url(std::string_view problem)
{
    std::string message = "invalid base_url: ";
    message += problem;
    return invalid(std::move(message));
}

// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
constexpr std::array<bool, 256> unreserved_table = [] {
    std::array<bool, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (char c : {'-', '.', '_', '~'})
        t[static_cast<unsigned char>(c)] = true;
    return t;
}();

constexpr bool is_unreserved(char c) noexcept
{
    return unreserved_table[static_cast<unsigned char>(c)];
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

constexpr char hex_digits[] = "0123456789ABCDEF";

path_param const* find_param(std::span<path_param const> path, std::string_view name) noexcept
{
    for (auto const& p : path)
        if (p.name == name) return &p;
    return nullptr;
}

api_error param_error(std::string_view name, std::string_view problem)
{
    std::string message = "path parameter '";
    message += name;
    message += "' ";
    message += problem;
    return invalid(std::move(message));
}

// Checks one path value; the value itself never appears in a message.
api_result<void> check_path_value(path_param const& p)
{
    if (p.value.empty()) return param_error(p.name, "is empty");
    if (p.value == "." || p.value == "..") return param_error(p.name, "must not be \".\" or \"..\"");
    return {};
}

// Upper bound of the target's size: every value byte may become three.
std::size_t target_capacity(std::string_view prefix, std::string_view path_template,
                            std::span<path_param const> path, std::span<query_param const> query) noexcept
{
    std::size_t n = prefix.size() + path_template.size();
    for (auto const& p : path)
        n += 3 * p.value.size();
    for (auto const& q : query)
        if (q.value) n += 2 + 3 * (q.name.size() + q.value->size());
    return n;
}

// Appends `path_template` with each "{name}" substituted; `out` is not cleared on error.
api_result<void> append_path(std::string& out, std::string_view path_template,
                             std::span<path_param const> path)
{
    std::size_t pos = 0;
    while (pos < path_template.size()) {
        auto const open = path_template.find('{', pos);
        out.append(path_template.substr(pos, open - pos));
        if (open == std::string_view::npos) break;
        auto const close = path_template.find('}', open + 1);
        if (close == std::string_view::npos) {
            std::string message = "path template \"";
            message += path_template;
            message += "\" has an unterminated '{'";
            return invalid(std::move(message));
        }
        auto const name = path_template.substr(open + 1, close - open - 1);
        auto const* p = find_param(path, name);
        if (p == nullptr) return param_error(name, "has no value");
        if (auto ok = check_path_value(*p); !ok) return ok;
        append_encoded(out, p->value);
        pos = close + 1;
    }
    return {};
}

void append_query(std::string& out, std::span<query_param const> query)
{
    char sep = '?';
    for (auto const& q : query) {
        if (!q.value) continue;
        out += sep;
        sep = '&';
        append_encoded(out, q.name);
        out += '=';
        append_encoded(out, *q.value);
    }
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

api_result<void> check_header_value(std::string_view name, std::string_view value)
{
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto const c = static_cast<unsigned char>(value[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            std::string message = "header ";
            message += name;
            message += ": value contains a control character at offset ";
            message += std::to_string(i);
            return invalid(std::move(message));
        }
    }
    return {};
}

void append_encoded(std::string& out, std::string_view s)
{
    for (char c : s) {
        if (is_unreserved(c)) {
            out += c;
            continue;
        }
        auto const b = static_cast<unsigned char>(c);
        char const enc[3] = {'%', hex_digits[b >> 4], hex_digits[b & 0x0F]};
        out.append(enc, 3);
    }
}

api_result<void> build_target(std::string& out, std::string_view prefix, std::string_view path_template,
                              std::span<path_param const> path, std::span<query_param const> query)
{
    out.clear();
    out.reserve(target_capacity(prefix, path_template, path, query));
    out.append(prefix);
    if (auto ok = append_path(out, path_template, path); !ok) {
        out.clear();
        return ok;
    }
    append_query(out, query);
    return {};
}

} // namespace igtcloud::entities::detail
