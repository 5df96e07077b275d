// Fuzz target: the X-Fields mask parser and Mask.apply (src/entities/fields_mask).
//
// Input: the mask text, optionally followed by a NUL byte and a JSON document to apply it to (a realistic
// user document when there is none or it does not parse).
// Oracles: no sanitizer report, no exception but bad_alloc; error messages and masked documents are valid
// UTF-8 (the mock sends both as JSON); a parsed mask is non-empty, prints to text that
// parses back to an equal mask, and applied to an object yields an object with exactly the mask's names
// (plus the other members with `*`).
#include "entities/fields_mask.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

constexpr std::string_view user_document = R"({"loginId":"ada@example.org","userUUID":"7f3c",
"profile":{"givenName":"Ada","familyName":"Lovelace","contact":{"emailAddress":"ada@example.org",
"mobilePhone":null},"organizationRoles":[{"organizationId":"o1","roles":["admin","user"]},{"roles":[]}]},
"accountStatus":{"disabled":false,"numberOfInvalidAttempt":0},"tags":[1,2.5,"x",true,null,[[]],{}]})";

using igtcloud::fuzz::check;

/// Whether `s` can be a JSON string, i.e. is valid UTF-8 (Boost.JSON writes strings' bytes as they are).
bool is_json_text(std::string_view s)
{
    boost::system::error_code ec;
    boost::json::parse(boost::json::serialize(boost::json::string(s)), ec);
    return !ec;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using igtcloud::entities::detail::fields_mask;
    std::string_view input{reinterpret_cast<char const*>(data), size};
    auto const nul = input.find('\0');
    auto const text = input.substr(0, nul);

    auto const mask = fields_mask::parse(text);
    if (!mask) {
        check(mask.error().code.failed() && !mask.error().message.empty());
        check(mask.error().message.size() < 512);  // quotes at most 64 bytes of the mask, \xNN-escaped
        check(is_json_text(mask.error().message)); // the mock sends it as {"message": ...}
        return 0;
    }
    check(mask->size() > 0 || mask->has_wildcard());
    auto const again = fields_mask::parse(mask->to_string());
    check(again && *again == *mask && again->to_string() == mask->to_string());

    boost::system::error_code ec;
    auto document =
        nul == std::string_view::npos ? boost::json::value{} : boost::json::parse(input.substr(nul + 1), ec);
    if (ec || nul == std::string_view::npos) document = boost::json::parse(user_document);
    auto const masked = mask->apply(document);
    check(is_json_text(boost::json::serialize(masked))); // what the mock answers must stay JSON
    if (document.is_object()) {
        check(masked.is_object());
        auto const& out = masked.get_object();
        for (auto const& entry : mask->root().children)
            check(out.contains(entry.name));
        if (!mask->has_wildcard()) check(out.size() == mask->size());
    } else if (document.is_array()) {
        check(masked.is_array() && masked.get_array().size() == document.get_array().size());
    } else {
        check(masked == document);
    }
    return 0;
}
