#pragma once

// The Content-Encoding of an answer's body, decoded as the bytes arrive (DESIGN.md §8, issue 16): a
// socket-free component fed the encoded body chunk by chunk, handing the decoded bytes to a consumer.
//
//   encoded chunk (any split) --feed()--> zlib inflate --16 KiB window--> consumer(decoded piece)
//                                          | limit on decoded bytes: error::response_too_large, at once
//   end of body --finish()--> complete stream (gzip trailer checked)? else error::invalid_response
//
// Memory is bounded whatever the compression ratio: zlib's state (about 7 KiB), its 32 KiB history and one
// output window of window_size bytes. The window and zlib's state are allocated when the inflater is made,
// the history by zlib when the first bytes are decoded; reset() keeps all three for the next body, so a
// reused inflater allocates nothing per body or per feed.

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace igtcloud::entities::detail {

/// The codings the client decodes (the `Content-Encoding` of an answer).
enum class content_coding {
    identity, ///< none: the body as it is
    gzip,     ///< RFC 1952 (zlib windowBits 16 + 15): its trailer's CRC-32 and length checked
    /// RFC 9110's "deflate": a zlib stream (RFC 1950), or the raw deflate data (RFC 1951) that some servers
    /// send instead; told apart by the first two bytes (see inflater)
    deflate,
};

/// The coding named by a `Content-Encoding` field value: "gzip", "x-gzip", "deflate" or "identity", case-
/// insensitive, surrounding spaces and tabs ignored. An empty value (or a list of empty elements) is
/// identity. Anything else is nullopt: an unknown coding, or a list of two codings or more ("gzip, deflate":
/// stacked codings are not decoded).
std::optional<content_coding> parse_content_encoding(std::string_view header_value) noexcept;

/// A non-owning reference to a callable `error_code(std::string_view)` (a function_ref): what receives the
/// decoded bytes. The callable must outlive the call it is passed to.
class decoded_consumer {
public:
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, decoded_consumer> &&
             std::is_invocable_r_v<boost::system::error_code, F&, std::string_view>) decoded_consumer(F&& f)
    noexcept // NOLINT(google-explicit-constructor): a lambda converts, as to function_ref
        : object_(const_cast<void*>(static_cast<void const*>(std::addressof(f))))
        , call_([](void* object, std::string_view piece) -> boost::system::error_code {
            return (*static_cast<std::remove_reference_t<F>*>(object))(piece);
        })
    {}

    boost::system::error_code operator()(std::string_view piece) const { return call_(object_, piece); }

private:
    void* object_;
    boost::system::error_code (*call_)(void*, std::string_view);
};

/// Decodes one body in one coding, as it arrives.
///
/// - feed() takes the encoded bytes in any split (down to one byte at a time) and hands the decoded bytes to
///   the consumer in pieces of at most window_size bytes, never empty ones. identity passes each chunk
///   through as it is (no copy, not split), so that a caller treats every coding alike.
/// - The limit counts decoded bytes (identity: the body's). Exactly max_decoded_bytes is fine; a byte more
/// ends
///   the feed at once with error::response_too_large, before the piece that crosses the limit reaches the
///   consumer and without decoding the rest (decoded_bytes() is then at most max_decoded_bytes + 1).
/// - gzip: the trailer's CRC-32 and ISIZE are checked (a mismatch is error::invalid_response). Further gzip
///   members after the first are decoded too, each with its own trailer (RFC 1952 §2.2, as gunzip does);
///   any other byte after a member is error::invalid_response.
/// - deflate: a zlib header in the first two bytes (CM 8, CINFO <= 7, FCHECK valid) means a zlib stream,
///   whose Adler-32 is checked (one that needs a preset dictionary is error::invalid_response); anything else
///   is read as raw deflate. A raw stream starts like a zlib header only when its first block is a non-final
///   stored one with padding bits set (byte 0 = xxxx1000), which encoders do not write.
///   A byte after the end of the stream is error::invalid_response.
/// - Corrupt input is error::invalid_response. An error the consumer returns ends the feed and is returned
///   as it is. Errors are sticky: after one, feed() and finish() return it again without doing anything.
/// - An empty body (no byte fed at all) is a valid empty body in every coding; servers send
///   `Content-Encoding: gzip` on empty bodies.
///
/// Owns its zlib stream (released by the destructor on every path). Movable, even mid-body (the stream lives
/// on the heap, since zlib's state points back at it); a moved-from inflater may only be reset or destroyed.
/// Not copyable. Not thread-safe: one body at a time.
class inflater {
public:
    /// The most bytes handed to the consumer in one piece, and the output window's size.
    static constexpr std::size_t window_size = 16 * 1024;

    /// Ready for a body in `coding`. Throws std::bad_alloc when zlib cannot get its memory.
    inflater(content_coding coding, std::uint64_t max_decoded_bytes);
    ~inflater();
    inflater(inflater&&) noexcept;
    inflater& operator=(inflater&&) noexcept;
    inflater(inflater const&) = delete;
    inflater& operator=(inflater const&) = delete;

    /// Decodes the next bytes of the body; see the class for what ends it.
    boost::system::error_code feed(std::string_view encoded, decoded_consumer out);
    /// The body ended: an error when the stream is incomplete (a truncated gzip or deflate stream, a missing
    /// or partial trailer), or the sticky error.
    boost::system::error_code finish();
    /// Ready for the next body, keeping zlib's memory when the coding needs it again.
    void reset(content_coding coding, std::uint64_t max_decoded_bytes);

    /// Decoded bytes so far (identity: the bytes passed through).
    std::uint64_t decoded_bytes() const noexcept { return decoded_; }
    content_coding coding() const noexcept { return coding_; }

private:
    struct zstate;
    struct zstate_deleter {
        void operator()(zstate* z) const noexcept;
    };
    enum class phase : unsigned char {
        empty,        ///< no byte fed yet
        header_byte,  ///< deflate: one byte seen, kept in first_byte_ until the second tells zlib from raw
        in_stream,    ///< inside a gzip member or deflate stream
        stream_ended, ///< the member or stream ended (its trailer checked)
    };

    boost::system::error_code fail(boost::system::error_code ec) noexcept;
    boost::system::error_code start_deflate(unsigned char first, unsigned char second);
    boost::system::error_code inflate_some(unsigned char const* data, std::size_t size, decoded_consumer out);

    std::unique_ptr<zstate, zstate_deleter> z_{};
    content_coding coding_;
    phase phase_{phase::empty};
    unsigned char first_byte_{};
    std::uint64_t max_decoded_;
    std::uint64_t decoded_{0};
    boost::system::error_code failed_{};
};

} // namespace igtcloud::entities::detail
