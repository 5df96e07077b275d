#pragma once

// The answer side of an exchange: a Beast HTTP/1.1 response parser that keeps only what the pipeline uses.
//
//   status line  -> status()
//   headers      -> Content-Type and Retry-After (kept for answers other than 2xx: only errors and retries
//                   read them), Keep-Alive's timeout; every other header is looked at once and dropped
//   Set-Cookie   -> set_cookies(), only when keep_cookies(true) was asked (the auth calls; Users operations
//                   pay nothing)
//   Content-Encoding -> with decode_with(): gzip / deflate bodies decoded as they arrive by the connection's
//                   inflater (transport/inflater.hpp), before the body step below sees them; an unknown or
//                   stacked coding stops the parse (error::invalid_response, refusal() says why)
//   body         -> body(): sized bodies reserved once from Content-Length, chunked bodies appended; or, for
//                   the answers a body_sink takes (stream_to: the download's success answer), handed to the
//                   sink chunk by chunk as they are parsed (begin at the head, write, complete at the end)
//   framing      -> Beast's basic_parser: keep_alive(), is_done(), got_some(), header and body limits
//
// Nothing is allocated for headers, so a steady-state answer costs one allocation: its body (reserved from
// Content-Length up to max_reserve: a server's header alone cannot make the client reserve 64 MiB). A status
// outside 100-599 is refused (http::error::bad_status). One parser per answer (Beast parsers parse one
// message); cheap to construct.

#include <boost/beast/http/basic_parser.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "entities/transport/body_sink.hpp"
#include "entities/transport/inflater.hpp"

namespace igtcloud::entities::detail {

class answer_parser final : public boost::beast::http::basic_parser<false> {
public:
    answer_parser() = default;

    unsigned status() const noexcept { return status_; }
    /// The Content-Type of an answer other than 2xx (empty otherwise, or when there was none).
    std::string& content_type() noexcept { return content_type_; }
    /// The raw Retry-After of an answer other than 2xx.
    std::string const& retry_after() const noexcept { return retry_after_; }
    bool has_retry_after() const noexcept { return has_retry_after_; }
    /// The server's `Keep-Alive: timeout=N`, if valid.
    std::optional<std::chrono::seconds> keep_alive_timeout() const noexcept { return keep_alive_timeout_; }
    std::string& body() noexcept { return body_; }
    /// Keep the Set-Cookie field values of the answer (off by default).
    void keep_cookies(bool keep) noexcept { keep_cookies_ = keep; }
    /// The Set-Cookie field values, in order, when keep_cookies(true) was asked.
    std::vector<std::string>& set_cookies() noexcept { return set_cookies_; }
    /// Streams the body of the answers `sink` takes into it instead of body(). Beast's body limit is then off
    /// (a download has its own, in the sink): the other answers' bodies are held to `other_body_limit` here.
    /// Call before parsing; `sink` must outlive the parse.
    void stream_to(body_sink* sink, std::uint64_t other_body_limit) noexcept;
    /// Whether this answer's body went to the sink.
    bool streamed() const noexcept { return streaming_; }
    /// Decodes gzip and deflate bodies with the inflater in `slot` (made there at the first encoded answer,
    /// reset for later ones: the connection keeps it), its limit on decoded bytes `max_buffered` for a body
    /// kept in body() (none for one streamed to a sink, which has its own). Without it an encoded answer is
    /// refused. Call before parsing; `slot` must outlive the parse.
    void decode_with(std::optional<inflater>* slot, std::uint64_t max_buffered) noexcept
    {
        slot_ = slot;
        max_buffered_ = max_buffered;
    }
    /// Why the parse stopped, when the answer's Content-Encoding did it (unsupported, or a corrupt body);
    /// empty otherwise.
    std::string const& refusal() const noexcept { return refusal_; }

private:
    using error_code = boost::system::error_code;
    using string_view = boost::beast::string_view;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override;
    void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
    void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code& ec) override;
    bool bodiless() const noexcept;
    void on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
    std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
    void take_body(string_view body, error_code& ec);
    void take_decoded(std::string_view body, error_code& ec);
    void start_decoding(error_code& ec);
    void on_finish_impl(error_code& ec) override;

    static constexpr std::size_t max_reserve = 1u << 20;

    unsigned status_{};
    bool has_retry_after_{};
    bool keep_cookies_{};
    bool streaming_{};
    bool decoding_{};
    std::optional<content_coding> coding_{}; ///< the Content-Encoding field's, when there is one
    body_sink* sink_{};
    std::optional<inflater>* slot_{};
    std::uint64_t max_buffered_{};
    std::string refusal_{};
    std::uint64_t other_body_limit_{};
    std::optional<std::chrono::seconds> keep_alive_timeout_{};
    std::string content_type_{};
    std::string retry_after_{};
    std::string body_{};
    std::vector<std::string> set_cookies_{};
};

} // namespace igtcloud::entities::detail
