// igtcloud-users: JSON on stdout, error lines on stderr, exit codes.
#include "cli/output.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace igtcloud::cli {
namespace {

namespace json = boost::json;

std::vector<std::string>& secrets()
{
    static std::vector<std::string> values;
    return values;
}

/// A line break and indentation (indented output), or nothing (compact output).
void next_line(std::string& out, bool indented, std::size_t level)
{
    if (!indented) return;
    out += '\n';
    out.append(level * 2, ' ');
}

/// Doubles as "%.15g" ("1.5", "3"): Boost.JSON 1.81 would write "1.5E0".
void scalar_into(std::string& out, json::value const& v)
{
    if (auto const* d = v.if_double()) {
        if (!std::isfinite(*d)) {
            out += "null";
            return;
        }
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.15g", *d);
        out += buffer;
        return;
    }
    out += json::serialize(v);
}

void write_into(std::string& out, json::value const& v, bool indented, std::size_t level)
{
    auto const* o = v.if_object();
    auto const* a = v.if_array();
    if ((o == nullptr || o->empty()) && (a == nullptr || a->empty())) return scalar_into(out, v);
    out += o != nullptr ? '{' : '[';
    bool first = true;
    auto const separate = [&] {
        if (!first) out += ',';
        first = false;
        next_line(out, indented, level + 1);
    };
    if (o != nullptr) {
        for (auto const& member : *o) {
            separate();
            out += json::serialize(json::string_view(member.key()));
            out += indented ? ": " : ":";
            write_into(out, member.value(), indented, level + 1);
        }
    } else {
        for (auto const& e : *a) {
            separate();
            write_into(out, e, indented, level + 1);
        }
    }
    next_line(out, indented, level);
    out += o != nullptr ? '}' : ']';
}

void write_line(std::FILE* to, std::string text)
{
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), to);
    std::fflush(to);
}

} // namespace

void set_secrets(std::vector<std::string> values)
{
    std::erase_if(values, [](std::string const& s) { return s.empty(); });
    secrets() = std::move(values);
}

void add_secret(std::string value)
{
    if (!value.empty()) secrets().push_back(std::move(value));
}

std::string scrub(std::string text)
{
    for (auto const& secret : secrets())
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
            text.replace(at, secret.size(), "***");
    return text;
}

std::string to_text(json::value const& v, bool indented, std::size_t level)
{
    std::string out;
    write_into(out, v, indented, level);
    return out;
}

void print_json(json::value const& v)
{
    static bool const terminal = ::isatty(STDOUT_FILENO) == 1;
    write_line(stdout, to_text(v, terminal));
}

void print_error(unsigned status, std::string_view message)
{
    json::object line;
    line["status"] = status;
    line["message"] = scrub(std::string(message));
    write_line(stderr, to_text(line, false));
}

int fail_usage(std::string_view message)
{
    print_error(0, message);
    return exit_usage;
}

int exit_code_for(entities::api_error const& e)
{
    if (e.status >= 400) return exit_api_error;
    if (e.code == entities::error::invalid_argument) return exit_usage;
    return exit_transport;
}

std::string message_of(entities::api_error const& e)
{
    if (e.status >= 400) return e.message.empty() ? e.code.message() : e.message;
    if (e.code == entities::error::invalid_argument && !e.message.empty()) return e.message; // our own words
    return e.to_string();
}

int fail(entities::api_error const& e)
{
    print_error(e.status, message_of(e));
    return exit_code_for(e);
}

void warn(std::string_view text)
{
    write_line(stderr, scrub("igtcloud-users: warning: " + std::string(text)));
}

} // namespace igtcloud::cli
