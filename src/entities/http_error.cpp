// HTTP answer -> api_error.
#include "entities/http_error.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace igtcloud::entities::detail {
namespace {

constexpr std::size_t message_limit = 1024;
constexpr std::size_t snippet_limit = 200;

bool iequals_prefix(std::string_view text, std::string_view prefix) noexcept
{
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

std::string_view trim(std::string_view s) noexcept
{
    auto const first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The `message` of a 4xxMessage body, if the body is a JSON object with a string `message`.
std::optional<std::string> message_member(std::string_view body)
{
    body = trim(body);
    if (body.empty() || body.front() != '{') return std::nullopt;
    unsigned char buffer[2048];
    boost::json::monotonic_resource resource(buffer, sizeof buffer);
    boost::system::error_code ec;
    auto doc = boost::json::parse(body, ec, &resource);
    if (ec || !doc.is_object()) return std::nullopt;
    auto const* message = doc.get_object().if_contains("message");
    if (message == nullptr || !message->is_string()) return std::nullopt;
    auto const& text = message->get_string();
    return sanitize_server_text({text.data(), text.size()}, message_limit);
}

} // namespace

std::string sanitize_server_text(std::string_view text, std::size_t limit)
{
    if (text.size() > limit) {
        auto cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;
        text = text.substr(0, cut);
    }
    std::string out(text);
    for (auto& c : out) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) c = ' ';
    }
    return out;
}

api_error error_from_answer(unsigned status, std::string_view content_type, std::string_view body)
{
    api_error e;
    e.status = status;
    if (status >= 400 && status < 600) {
        e.code = boost::system::error_code(static_cast<int>(status), http_category());
    } else {
        e.code = make_error_code(error::unexpected_status);
    }
    if (auto message = message_member(body)) {
        e.message = std::move(*message);
        return e;
    }
    e.message = e.code.category() == http_category() ? e.code.message()
                                                     : "unexpected HTTP status " + std::to_string(status);
    auto const text = trim(body);
    if (!text.empty() && iequals_prefix(trim(content_type), "text/plain")) {
        e.message += ": ";
        e.message += sanitize_server_text(text, snippet_limit);
    }
    return e;
}

} // namespace igtcloud::entities::detail
