#pragma once

// A JSON array decoded as its bytes arrive (DESIGN.md §8): the body of GET /users, fed chunk by chunk from
// the answer parser, each element decoded into a model through the SAX tables (json_sax.hpp) and handed to
// an element_target as soon as it closes. Nothing of the text is kept: memory is one element, the parser's
// stack, and a key or string that arrives in pieces.
//
//   write(bytes)   the next bytes, any split (one byte at a time decodes as the whole body at once)
//   finish()       the body ended: the array must be complete, with nothing but whitespace after it
//
// Unlike the whole-document SAX path (which falls back to the DOM to explain a failure), this one explains
// its own failures, with the element's JSON path and the byte of the body where it stopped:
//   "[1041].loginId: expected a string, got a number (at byte 1354210)"
//   "JSON document: expected an array, got an object (at byte 0)"
//   "malformed JSON: syntax error (at byte 88, in [1])"
//   "[3]: one element is over max_item_bytes (1048576 bytes)"            (error::response_too_large)
// An element's bytes are counted as its compact JSON text (tokens, key and string contents as decoded;
// whitespace between tokens not counted): what decoding it holds in memory.

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "entities/json_sax.hpp"

namespace igtcloud::entities::detail {

/// Where a streamed array's elements go.
class element_target {
public:
    /// A fresh, value-initialized element to decode the next one into (valid until done() or the next
    /// next()).
    virtual void* next() = 0;
    /// The element from next() is complete. An error stops the decode with it (the target explains it).
    virtual boost::system::error_code done() = 0;

protected:
    element_target() = default;
    element_target(element_target const&) = default;
    element_target& operator=(element_target const&) = default;
    ~element_target() = default;
};

class array_decoder {
public:
    /// Elements of type `element` into `target` (which must outlive the decoder); no element's compact text
    /// over `max_item_bytes`.
    array_decoder(sax_type const& element, element_target& target, std::uint64_t max_item_bytes);
    ~array_decoder();
    array_decoder(array_decoder const&) = delete;
    array_decoder& operator=(array_decoder const&) = delete;

    /// Starts a new body (a retry's).
    void reset();
    /// Decodes the next bytes of the body. error::invalid_response (syntax, a wrong type),
    /// error::response_too_large (an element over max_item_bytes), or the target's error; then message()
    /// says what and where (except for the target's). No call after an error until reset().
    boost::system::error_code write(std::string_view bytes);
    /// The body is complete: error::invalid_response if the array is not.
    boost::system::error_code finish();
    /// The last error's description (path, problem, byte).
    std::string const& message() const noexcept;
    /// The elements completed (handed to done()) since reset().
    std::size_t elements() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace igtcloud::entities::detail
