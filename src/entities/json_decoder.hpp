#pragma once

// The one decode path of the library: JSON text -> DOM (a parser and memory reused per thread) -> model
// through the field tables. The public decode<T> and the pipeline's answers both come here.

#include <string_view>

#include "entities/json_mapper.hpp"

namespace igtcloud::entities::detail {

/// Parses `text` into this thread's reusable DOM. The value stays valid until the next call on this thread.
/// On a syntax error returns null and fills `err` (error::invalid_response, "malformed JSON: ...").
IGTCLOUD_ENTITIES_DECL boost::json::value const* parse_reusing(std::string_view text,
                                                               api_error& err) noexcept;

template <class T>
api_result<T> decode_document(std::string_view text)
{
    api_error err;
    auto const* doc = parse_reusing(text, err);
    if (doc == nullptr) return err;
    return read_document<T>(*doc);
}

} // namespace igtcloud::entities::detail
