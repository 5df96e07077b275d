// Fuzz target: model decoding of arbitrary JSON into every model and result type, through the library's
// one decode path (decode_document<T>, as the pipeline's finish<T> and the JSON Lines reader use it), and the
// streaming decode of a user list (stream/array_decoder.hpp, as GET /users decodes its body as it arrives).
//
// Oracles: no sanitizer report, no exception; the SAX path and the DOM path give the same value or the same
// error; a failure is error::invalid_response with a message; a decoded
// value encodes (unless a date lies outside years 0000-9999, which encode refuses) to JSON that decodes to
// an equal value (when the input holds no double: see decode_as). The streaming decode gives the same users
// or the same error (message up to its byte; of Boost.JSON's own errors, the kind: "malformed JSON") whether
// the text comes whole or in random pieces (1-64 bytes,
// drawn from a seed that is a hash of the input), and never accepts what the whole-document decode refuses
// nor decodes other users than it.
#include <igtcloud/entities/models.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "entities/json_decoder.hpp"
#include "entities/stream/array_decoder.hpp"
#include "fuzz_check.hpp"

namespace {

namespace e = igtcloud::entities;

using igtcloud::fuzz::check;

/// Whether `v` holds a double anywhere.
bool holds_double(boost::json::value const& v)
{
    if (v.is_double()) return true;
    if (auto const* a = v.if_array())
        return std::any_of(a->begin(), a->end(), [](auto const& x) { return holds_double(x); });
    if (auto const* o = v.if_object())
        return std::any_of(o->begin(), o->end(), [](auto const& m) { return holds_double(m.value()); });
    return false;
}

template <class T>
void decode_as(std::string_view text, bool has_double)
{
    auto const r = e::detail::decode_document<T>(text);
    // The fast path (SAX) and the DOM path must agree on every document: the same value, or the same error.
    {
        e::api_error err;
        auto const* doc = e::detail::parse_reusing(text, err);
        auto const dom = doc != nullptr ? e::detail::read_document<T>(*doc) : e::api_result<T>(err);
        check(r.has_value() == dom.has_value());
        if (r)
            check(*r == *dom);
        else
            check(r.error().message == dom.error().message);
    }
    if (!r) {
        check(r.error().code == e::error::invalid_response && !r.error().message.empty());
        return;
    }
    std::string json;
    try {
        json = e::encode(*r);
    } catch (std::invalid_argument const&) { // a date-time that maps outside years 0000-9999
        return;
    }
    auto const again = e::detail::decode_document<T>(json);
    check(again.has_value());
    // A `coding` keeps its JSON text, and Boost.JSON 1.81 does not parse every double back to the value it
    // wrote (number_precision::precise came in 1.83): with doubles in the input, only success is required.
    if (!has_double) check(*again == *r);
}

struct collected final : e::detail::element_target {
    std::vector<e::user_info> users;
    void* next() override { return &users.emplace_back(); }
    boost::system::error_code done() override { return {}; }
};

struct streamed {
    boost::system::error_code ec{};
    std::string message{}; ///< up to " (at byte"
    std::vector<e::user_info> users{};
    std::size_t elements{};
};

/// The streaming decode of `text` in pieces of `next_size()` bytes.
template <class NextSize>
streamed stream_decode(std::string_view text, NextSize next_size)
{
    collected target;
    e::detail::array_decoder decoder(e::detail::sax_traits<e::user_info>::type, target, 1u << 20);
    streamed out;
    std::size_t at = 0;
    while (!out.ec && at < text.size()) {
        auto const n = std::min(next_size(), text.size() - at);
        out.ec = decoder.write(text.substr(at, n));
        at += n;
    }
    if (!out.ec) out.ec = decoder.finish();
    if (out.ec) {
        out.message = decoder.message();
        out.message = out.message.substr(0, out.message.find(" (at byte"));
    }
    out.elements = decoder.elements();
    out.users = std::move(target.users);
    return out;
}

void stream_as_list(std::string_view text)
{
    auto const whole = stream_decode(text, [&] { return text.size(); });
    std::uint64_t seed = 1469598103934665603ull; // FNV-1a of the input
    for (char c : text)
        seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    auto const pieces = stream_decode(text, [&] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return std::size_t(seed >> 58) + 1; // 1-64
    });
    // Boost.JSON 1.81's own error may differ with the cut ("illegal leading surrogate" whole, "illegal
    // trailing surrogate" when the escape is resumed across pieces): for its errors only the kind is
    // compared.
    auto const parser_error = [](streamed const& s) { return s.message.starts_with("malformed JSON: "); };
    bool const same = parser_error(whole) && parser_error(pieces) ? true : whole.message == pieces.message;
    if (whole.ec != pieces.ec || !same)
        std::fprintf(stderr, "whole: %s\npieces: %s\n", whole.message.c_str(), pieces.message.c_str());
    check(whole.ec == pieces.ec);
    check(same);
    check(whole.elements == pieces.elements);
    if (whole.ec) {
        check(!whole.message.empty());
        check(whole.ec == e::error::invalid_response || whole.ec == e::error::response_too_large);
    } else {
        check(whole.users == pieces.users);
        check(whole.elements == whole.users.size());
    }
    auto const document = e::detail::decode_document<std::vector<e::user_info>>(text);
    if (!whole.ec) { // what streams, the whole-document decode takes, with the same users
        check(document.has_value());
        if (document) check(*document == whole.users);
    }
    if (!document) check(!!whole.ec); // and what it refuses does not stream
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text{reinterpret_cast<char const*>(data), size};
    boost::system::error_code ec;
    auto const doc = boost::json::parse(text, ec);
    bool const has_double = !ec && holds_double(doc);
    decode_as<e::user_info>(text, has_double); // also created<user_info>: the same decode, then the status
    decode_as<std::vector<e::user_info>>(text, has_double);
    stream_as_list(text);
    decode_as<e::storage>(text, has_double);
    decode_as<e::user_activation>(text, has_double);
    decode_as<e::api_message>(text, has_double);
    decode_as<e::user_create>(text, has_double);
    decode_as<e::user_activation_create>(text, has_double);
    decode_as<e::issue>(text, has_double);
    decode_as<e::details>(text, has_double);
    decode_as<e::coding>(text, has_double);
    decode_as<e::credentials>(text, has_double);
    decode_as<e::storage_config>(text, has_double);
    decode_as<e::profile>(text, has_double);
    decode_as<e::contact>(text, has_double);
    decode_as<e::organization_role>(text, has_double);
    decode_as<e::user_settings>(text, has_double);
    decode_as<e::account_status>(text, has_double);
    return 0;
}
