// The response parser of an exchange: status, the headers the pipeline reads, the body under its limit.
#include "entities/transport/answer_parser.hpp"

#include <algorithm>
#include <charconv>

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

void answer_parser::on_header_impl(error_code& ec)
{
    if (sink_ == nullptr) return;
    auto const length = content_length();
    if (sink_->takes(status_)) {
        streaming_ = true;
        ec = sink_->begin(length ? std::optional<std::uint64_t>(*length) : std::nullopt);
    } else if (length && *length > other_body_limit_) {
        ec = boost::beast::http::error::body_limit;
    }
}

void answer_parser::on_body_init_impl(boost::optional<std::uint64_t> const& content_length, error_code&)
{
    // basic_parser has already refused a Content-Length above the body limit; larger bodies grow as they
    // come.
    if (content_length && !streaming_)
        body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*content_length, max_reserve)));
}

// A body's bytes: to the sink when streaming, else into body() (held to other_body_limit_ when a sink turned
// Beast's limit off).
void answer_parser::take_body(string_view body, error_code& ec)
{
    if (streaming_) {
        ec = sink_->write(std::string_view(body.data(), body.size()));
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
    if (streaming_) ec = sink_->complete();
}

} // namespace igtcloud::entities::detail
