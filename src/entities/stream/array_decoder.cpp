// A JSON array decoded as its bytes arrive: Boost.JSON's SAX parser events into one element at a time.
#include "entities/stream/array_decoder.hpp"

#include <igtcloud/entities/error.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <exception>

#include "entities/stream/stream_handler.hpp"

namespace igtcloud::entities::detail {

using stream::stream_handler;
using error_code = boost::system::error_code;

struct array_decoder::impl {
    impl(sax_type const& element, element_target& target, std::uint64_t max_item)
        : parser(boost::json::parse_options{}, element, target, max_item)
    {}
    boost::json::basic_parser<stream_handler> parser;
    std::uint64_t offset{}; ///< bytes of the body before the current write
    std::string message{};

    // Why the parse stopped at byte `at` of the body; the code the caller sees.
    error_code stopped(error_code ec, std::uint64_t at)
    {
        auto const& h = parser.handler();
        auto const byte = " (at byte " + std::to_string(at);
        if (!h.failed()) { // the parser's own: syntax, depth, UTF-8, incomplete, extra data
            auto const where = h.where();
            message = "malformed JSON: " + ec.message() + byte + (where.empty() ? "" : ", in " + where) + ")";
            return make_error_code(error::invalid_response);
        }
        message = h.problem().empty() ? std::string() : h.path() + ": " + h.problem() + byte + ")";
        return ec;
    }
};

array_decoder::array_decoder(sax_type const& element, element_target& target, std::uint64_t max_item_bytes)
    : impl_(std::make_unique<impl>(element, target, max_item_bytes))
{
    reset();
}

array_decoder::~array_decoder() = default;

void array_decoder::reset()
{
    impl_->parser.reset();
    impl_->parser.handler().reset();
    impl_->offset = 0;
    impl_->message.clear();
}

boost::system::error_code array_decoder::write(std::string_view bytes)
try {
    error_code ec;
    auto const used = impl_->parser.write_some(true, bytes.data(), bytes.size(), ec);
    if (ec) return impl_->stopped(ec, impl_->offset + used);
    if (used < bytes.size()) // the array is complete: only whitespace may follow it
        return impl_->stopped(boost::json::error::extra_data, impl_->offset + used);
    impl_->offset += bytes.size();
    return {};
} catch (std::exception const&) { // out of memory
    impl_->message = "cannot decode: out of memory";
    return make_error_code(error::invalid_response);
}

boost::system::error_code array_decoder::finish()
{
    static char const nothing = 0;
    error_code ec;
    impl_->parser.write_some(false, &nothing, 0, ec);
    if (ec) return impl_->stopped(ec, impl_->offset);
    return {};
}

std::string const& array_decoder::message() const noexcept
{
    return impl_->message;
}

std::size_t array_decoder::elements() const noexcept
{
    return impl_->parser.handler().elements();
}

} // namespace igtcloud::entities::detail
