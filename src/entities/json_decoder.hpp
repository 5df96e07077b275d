#pragma once

// The one decode entry of the library: the public decode<T>, the pipeline's answers and the JSON Lines reader
// all come here. Two paths over the same field tables:
//   fast  JSON text -> model through the SAX parser (json_sax.hpp): no DOM, one pass
//   DOM   JSON text -> DOM (a parser and memory reused per thread) -> model; taken when the fast path
//         declines, so every error message (and its JSON path) comes from here

#include <string_view>

#include "entities/json_mapper.hpp"
#include "entities/json_sax.hpp"

namespace igtcloud::entities::detail {

/// Parses `text` into this thread's reusable DOM. The value stays valid until the next call on this thread.
/// On a syntax error returns null and fills `err` (error::invalid_response, "malformed JSON: ...").
boost::json::value const* parse_reusing(std::string_view text, api_error& err) noexcept;

template <class T>
api_result<T> decode_document(std::string_view text)
{
    if constexpr (sax_traits<T>::type.what != sax_type::kind::unsupported) {
        api_result<T> fast(boost::system::in_place_value);
        if (sax_decode(text, sax_traits<T>::type, &*fast)) return fast;
    }
    api_error err;
    auto const* doc = parse_reusing(text, err);
    if (doc == nullptr) return err;
    return read_document<T>(*doc);
}

} // namespace igtcloud::entities::detail
