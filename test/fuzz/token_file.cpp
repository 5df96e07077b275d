// Fuzz target: the content of the token file shared with the Python client (src/entities/auth/token_file):
// its first line, the base64, the JSON object and its members, the domain check.
//
// Input: the file's content. Oracles: no sanitizer report, no exception; a refusal says why, starting with
// the file's name; a success encodes (encode_token_file) to a file that decodes back to the same members,
// and with a domain check for its own domain still passes, for another host is refused.
#include "entities/auth/token_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

namespace auth = igtcloud::entities::detail::auth;
using igtcloud::fuzz::check;

bool same(auth::token_file_data const& a, auth::token_file_data const& b)
{
    return a.sub == b.sub && a.jwt == b.jwt && a.jwt_data == b.jwt_data && a.csrf == b.csrf &&
           a.domain == b.domain && a.key_file == b.key_file;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const content{reinterpret_cast<char const*>(data), size};
    std::string const where = "token file /fuzz";
    auto const read = auth::decode_token_file(content, where);
    if (!read.data) {
        check(read.reason.rfind(where, 0) == 0);
        return 0;
    }
    auto const encoded = auth::encode_token_file(*read.data);
    if (!encoded) return 0; // too large to store: refused, as documented
    auto const again = auth::decode_token_file(*encoded, where);
    check(again.data && same(*again.data, *read.data));
    if (auth::same_domain(read.data->domain, read.data->domain))
        check(auth::decode_token_file(*encoded, where, read.data->domain).data.has_value());
    auto const elsewhere = auth::decode_token_file(*encoded, where, std::string_view("https://fuzz.invalid"));
    check(!elsewhere.data || auth::same_domain(read.data->domain, "https://fuzz.invalid"));
    return 0;
}
