// Request targets: prefix, path template with percent-encoded segments, query.
#include "entities/request_target.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

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
                            std::span<path_param const> path, std::span<query_param const> query,
                            std::span<repeated_query_param const> repeated) noexcept
{
    std::size_t n = prefix.size() + path_template.size();
    for (auto const& p : path)
        n += 3 * p.value.size();
    for (auto const& q : query)
        if (q.value) n += 2 + 3 * (q.name.size() + q.value->size());
    for (auto const& r : repeated)
        for (auto const& v : r.values)
            n += 2 + 3 * (r.name.size() + v.size());
    return n;
}

// A repeated parameter needs a value, and no value may be empty; the values never appear in a message.
api_result<void> check_repeated(std::span<repeated_query_param const> repeated)
{
    for (auto const& r : repeated) {
        std::string message = "query parameter '";
        message += r.name;
        if (r.values.empty()) return invalid(message + "' needs at least one value");
        for (std::size_t i = 0; i < r.values.size(); ++i)
            if (r.values[i].empty())
                return invalid(message + "' has an empty value (at index " + std::to_string(i) + ")");
    }
    return {};
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

void append_pair(std::string& out, char& sep, std::string_view name, std::string_view value)
{
    out += sep;
    sep = '&';
    append_encoded(out, name);
    out += '=';
    append_encoded(out, value);
}

void append_query(std::string& out, std::span<query_param const> query,
                  std::span<repeated_query_param const> repeated)
{
    char sep = '?';
    for (auto const& q : query)
        if (q.value) append_pair(out, sep, q.name, *q.value);
    for (auto const& r : repeated)
        for (auto const& v : r.values)
            append_pair(out, sep, r.name, v);
}

} // namespace

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
                              std::span<path_param const> path, std::span<query_param const> query,
                              std::span<repeated_query_param const> repeated)
{
    out.clear();
    if (auto ok = check_repeated(repeated); !ok) return ok;
    out.reserve(target_capacity(prefix, path_template, path, query, repeated));
    out.append(prefix);
    if (auto ok = append_path(out, path_template, path); !ok) {
        out.clear();
        return ok;
    }
    append_query(out, query, repeated);
    return {};
}

} // namespace igtcloud::entities::detail
