// The response parser of an exchange: status, the headers the pipeline reads, the body under its limit.
#include "entities/transport/answer_parser.hpp"

#include <igtcloud/entities/error.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace igtcloud::entities::detail {
namespace {

// `timeout=N` in a Keep-Alive header value.
std::optional<std::chrono::seconds> parse_keep_alive_timeout(std::string_view value)
{
    auto const at = value.find("timeout=");
    if (at == std::string_view::npos) return std::nullopt;
    long seconds = 0;
    auto const* first = value.data() + at + 8;
    auto [end, ec] = std::from_chars(first, value.data() + value.size(), seconds);
    if (ec != std::errc{} || end == first || seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
}

char const* name_of(content_coding c) noexcept
{
    return c == content_coding::gzip ? "gzip" : "deflate";
}

} // namespace

void answer_parser::on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec)
{
    ec = boost::beast::http::error::bad_method; // never called: this is a response parser
}

void answer_parser::on_response_impl(int code, string_view, int version, error_code& ec)
{
    if (version != 11 && version != 10) ec = boost::beast::http::error::bad_version;
    if (code < 100 || code > 599) ec = boost::beast::http::error::bad_status;
    status_ = static_cast<unsigned>(code);
}

void answer_parser::on_field_impl(boost::beast::http::field name, string_view, string_view value, error_code&)
{
    using boost::beast::http::field;
    bool const success = status_ >= 200 && status_ <= 299;
    switch (name) {
    case field::content_type:
        if (!success) content_type_.assign(value.data(), value.size());
        break;
    case field::retry_after:
        if (!success) {
            retry_after_.assign(value.data(), value.size());
            has_retry_after_ = true;
        }
        break;
    case field::set_cookie:
        if (keep_cookies_) set_cookies_.emplace_back(value.data(), value.size());
        break;
    case field::content_encoding: {
        constexpr std::size_t shown = 64; // of the server's text, in the refusal
        auto const coding = parse_content_encoding(std::string_view(value.data(), value.size()));
        if (!refusal_.empty()) break;
        if (coding_ || !coding) // two fields are two codings: stacked, as one field listing two
            refusal_ = "the answer's Content-Encoding is not supported: " +
                       std::string(value.data(), std::min(value.size(), shown)) +
                       (coding_ ? " (after another)" : "");
        else
            coding_ = coding;
        break;
    }
    case field::keep_alive:
        keep_alive_timeout_ = parse_keep_alive_timeout(std::string_view(value.data(), value.size()));
        break;
    default: break;
    }
}

void answer_parser::stream_to(body_sink* sink, std::uint64_t other_body_limit) noexcept
{
    sink_ = sink;
    other_body_limit_ = other_body_limit;
    body_limit(boost::none);
}

// The answer's Content-Encoding: identity, or a coding the slot's inflater decodes.
void answer_parser::start_decoding(error_code& ec)
{
    if (!refusal_.empty() || (coding_ && *coding_ != content_coding::identity && slot_ == nullptr)) {
        if (refusal_.empty()) refusal_ = "the answer's Content-Encoding is not decoded here";
        ec = make_error_code(error::invalid_response);
        return;
    }
    if (!coding_ || *coding_ == content_coding::identity) return;
    bool const to_sink = sink_ != nullptr && sink_->takes(status_);
    auto const limit = to_sink ? std::numeric_limits<std::uint64_t>::max() : max_buffered_;
    if (*slot_)
        (*slot_)->reset(*coding_, limit);
    else
        slot_->emplace(*coding_, limit);
    decoding_ = true;
}

void answer_parser::on_header_impl(error_code& ec)
{
    start_decoding(ec);
    if (ec || sink_ == nullptr) return;
    auto const length = content_length();
    if (sink_->takes(status_)) {
        streaming_ = true;
        // An encoded body's length is not the decoded one: the sink is told no total.
        bool const known = length && !decoding_;
        ec = sink_->begin(known ? std::optional<std::uint64_t>(*length) : std::nullopt);
    } else if (length && *length > other_body_limit_ && !bodiless()) {
        ec = boost::beast::http::error::body_limit;
    }
}

// 1xx, 204 and 304 answers end with their head, whatever a Content-Length says (RFC 9110 §6.4.1, §8.6): Beast
// reads no body, so their Content-Length is no body to refuse.
bool answer_parser::bodiless() const noexcept
{
    return status_ < 200 || status_ == 204 || status_ == 304;
}

void answer_parser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code&)
{
    // basic_parser has already refused a Content-Length above the body limit; larger bodies grow as they
    // come.
    if (content_length && !streaming_)
        body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*content_length, max_reserve)));
}

// A body's bytes as they came, decoded first when the answer is encoded.
void answer_parser::take_body(string_view body, error_code& ec)
{
    std::string_view const bytes(body.data(), body.size());
    if (!decoding_) {
        take_decoded(bytes, ec);
        return;
    }
    bool taken_failed = false; // the sink's own refusal of decoded bytes: not the coding's
    ec = (*slot_)->feed(bytes, [this, &taken_failed](std::string_view piece) {
        error_code piece_ec;
        take_decoded(piece, piece_ec);
        taken_failed = piece_ec.failed();
        return piece_ec;
    });
    if (ec == error::invalid_response && !taken_failed)
        refusal_ = std::string("the answer's ") + name_of(*coding_) + " body is corrupt";
}

// A body's (decoded) bytes: to the sink when streaming, else into body() (held to other_body_limit_ when a
// sink turned Beast's limit off).
void answer_parser::take_decoded(std::string_view body, error_code& ec)
{
    if (streaming_) {
        ec = sink_->write(body);
        return;
    }
    if (sink_ != nullptr && body_.size() + body.size() > other_body_limit_) {
        ec = boost::beast::http::error::body_limit;
        return;
    }
    body_.append(body.data(), body.size());
}

std::size_t answer_parser::on_body_impl(string_view body, error_code& ec)
{
    take_body(body, ec);
    return body.size();
}

void answer_parser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t answer_parser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec)
{
    take_body(body, ec);
    return body.size();
}

void answer_parser::on_finish_impl(error_code& ec)
{
    if (decoding_) {
        ec = (*slot_)->finish();
        if (ec == error::invalid_response)
            refusal_ = std::string("the answer's ") + name_of(*coding_) + " body is cut short or corrupt";
        if (ec) return;
    }
    if (streaming_) ec = sink_->complete();
}

} // namespace igtcloud::entities::detail
