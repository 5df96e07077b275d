// Base64 and base64url: encoding, and strict decoding that reports the first bad offset.
#include "entities/auth/base64.hpp"

#include <array>
#include <cstdint>

namespace igtcloud::entities::detail::auth {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t not_in_alphabet = 0xFF;

using decode_table = std::array<std::uint8_t, 256>;

constexpr decode_table make_table(std::string_view alphabet)
{
    decode_table t{};
    t.fill(not_in_alphabet);
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    return t;
}

constexpr decode_table standard_table = make_table(standard_alphabet);
constexpr decode_table url_table = make_table(url_alphabet);

api_error refusal(std::string_view what, std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::string(what) + ": " + message};
}

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t const v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        for (int shift = 18; shift >= 0; shift -= 6)
            out.push_back(alphabet[(v >> shift) & 0x3F]);
    }
    std::size_t const rest = bytes.size() - i;
    if (rest == 0) return out;
    std::uint32_t const v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(alphabet[(v >> 18) & 0x3F]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 0x3F]);
    if (pad) out.append(rest == 2 ? "=" : "==");
    return out;
}

// Decodes `text` (no padding left in it): every character in `table`, a length that is not 4n + 1, zero
// unused bits.
api_result<std::string> decode_unpadded(std::string_view text, decode_table const& table,
                                        std::string_view what)
{
    if (text.size() % 4 == 1) return refusal(what, "truncated (length 4n + 1)");
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::uint8_t const v = table[static_cast<unsigned char>(text[i])];
        if (v == not_in_alphabet) return refusal(what, "invalid character at offset " + std::to_string(i));
        acc = (acc << 6 | v) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0) return refusal(what, "non-zero unused bits in the last character");
    return out;
}

} // namespace

std::string base64_encode(std::string_view bytes)
{
    return encode(bytes, standard_alphabet, true);
}

std::string base64url_encode(std::string_view bytes)
{
    return encode(bytes, url_alphabet, false);
}

api_result<std::string> base64_decode(std::string_view text)
{
    constexpr std::string_view what = "base64";
    if (text.size() % 4 != 0) return refusal(what, "length is not a multiple of 4");
    std::size_t padding = 0;
    while (padding < text.size() && padding < 3 && text[text.size() - 1 - padding] == '=')
        ++padding;
    if (padding == 3) return refusal(what, "too much padding");
    return decode_unpadded(text.substr(0, text.size() - padding), standard_table, what);
}

api_result<std::string> base64url_decode(std::string_view text)
{
    if (auto const eq = text.find('='); eq != std::string_view::npos)
        return refusal("base64url", "padding ('=') at offset " + std::to_string(eq));
    return decode_unpadded(text, url_table, "base64url");
}

} // namespace igtcloud::entities::detail::auth
