// Leaves of the JSON mapper: scalars, dates, free-form objects, and the error path.
#include "entities/json_mapper.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

#include "entities/date_time.hpp"
#include "entities/json_decoder.hpp"

namespace igtcloud::entities::detail {
namespace {

char const* kind_name(boost::json::value const& v) noexcept
{
    switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
    }
    return "a value";
}

} // namespace

void read_error::expected(std::string_view what, boost::json::value const& v)
{
    problem_ = "expected ";
    problem_ += what;
    problem_ += ", got ";
    problem_ += kind_name(v);
}

void read_error::push_member(std::string_view name)
{
    std::string segment;
    segment.reserve(name.size() + 1);
    segment += '.';
    segment += name;
    reversed_path_.push_back(std::move(segment));
}

void read_error::push_index(std::size_t index)
{
    reversed_path_.push_back('[' + std::to_string(index) + ']');
}

std::string read_error::message() const
{
    std::string path;
    for (auto it = reversed_path_.rbegin(); it != reversed_path_.rend(); ++it)
        path += *it;
    if (path.empty()) return "JSON document: " + problem_;
    if (path.front() == '.') path.erase(0, 1);
    return path + ": " + problem_;
}

api_error read_error::to_api_error() const
{
    return api_error{make_error_code(error::invalid_response), 0, message()};
}

bool read(boost::json::value const& v, std::string& out, read_error& err)
{
    auto const* s = v.if_string();
    if (s == nullptr) {
        err.expected("a string", v);
        return false;
    }
    out.assign(s->data(), s->size());
    return true;
}

bool read(boost::json::value const& v, bool& out, read_error& err)
{
    auto const* b = v.if_bool();
    if (b == nullptr) {
        err.expected("a boolean", v);
        return false;
    }
    out = *b;
    return true;
}

bool read(boost::json::value const& v, std::int64_t& out, read_error& err)
{
    if (auto const* i = v.if_int64()) {
        out = *i;
        return true;
    }
    if (auto const* u = v.if_uint64(); u && *u <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        out = static_cast<std::int64_t>(*u);
        return true;
    }
    if (v.is_number()) {
        err.problem("expected an integer in the range of int64, got " + boost::json::serialize(v));
        return false;
    }
    err.expected("an integer", v);
    return false;
}

bool read(boost::json::value const& v, date_time& out, read_error& err)
{
    auto const* s = v.if_string();
    if (s == nullptr) {
        err.expected("an RFC 3339 date-time string", v);
        return false;
    }
    auto parsed = parse_date_time(*s);
    if (!parsed) {
        err.problem("not an RFC 3339 date-time");
        return false;
    }
    out = *parsed;
    return true;
}

bool read(boost::json::value const& v, date& out, read_error& err)
{
    auto const* s = v.if_string();
    if (s == nullptr) {
        err.expected("a YYYY-MM-DD date string", v);
        return false;
    }
    auto parsed = parse_date(*s);
    if (!parsed) {
        err.problem("not a valid YYYY-MM-DD date");
        return false;
    }
    out = *parsed;
    return true;
}

bool read(boost::json::value const& v, coding& out, read_error& err)
{
    if (!v.is_object()) {
        err.expected("an object", v);
        return false;
    }
    out.json = boost::json::serialize(v);
    return true;
}

void write(boost::json::value& out, std::string const& v)
{
    out.emplace_string().assign(v.data(), v.size());
}

void write(boost::json::value& out, bool v)
{
    out.emplace_bool() = v;
}

void write(boost::json::value& out, std::int64_t v)
{
    out.emplace_int64() = v;
}

void write(boost::json::value& out, date_time v)
{
    std::string text;
    if (!format_date_time(v, text))
        throw std::invalid_argument("a date-time outside years 0000-9999 has no RFC 3339 form");
    out.emplace_string().assign(text.data(), text.size());
}

void write(boost::json::value& out, date v)
{
    std::string text;
    if (!format_date(v, text)) throw std::invalid_argument("an invalid date or one outside years 0000-9999");
    out.emplace_string().assign(text.data(), text.size());
}

void write(boost::json::value& out, coding const& v)
{
    boost::system::error_code ec;
    auto parsed = boost::json::parse(v.json, ec, out.storage());
    if (ec || !parsed.is_object()) throw std::invalid_argument("coding.json is not a JSON object");
    out = std::move(parsed);
}

namespace {

// One per thread: the parser's stacks and a buffer for the DOM are kept between documents. The DOM of a
// document takes about 2.7 times its text (measured on user lists), so the buffer grows to 3 times the
// largest text seen, up to max_kept_bytes; a larger document overflows into blocks of the default resource,
// freed with the next document.
struct reusable_parser {
    static constexpr std::size_t initial_bytes = 64 * 1024;
    static constexpr std::size_t max_kept_bytes = 8u << 20;
    std::size_t capacity{initial_bytes};
    std::unique_ptr<unsigned char[]> buffer{new unsigned char[initial_bytes]};
    std::optional<boost::json::monotonic_resource> resource;
    boost::json::parser parser;
    std::optional<boost::json::value> doc; // constructed from the parser: it keeps the resource's storage
};

} // namespace

boost::json::value const* parse_reusing(std::string_view text, api_error& err) noexcept
try {
    thread_local reusable_parser state;
    state.doc.reset(); // frees nothing: the memory is the resource's
    auto const wanted = std::min(reusable_parser::max_kept_bytes, text.size() / 2 * 6 + 4096);
    if (wanted > state.capacity) {
        state.resource.reset();
        state.buffer.reset(new unsigned char[wanted]);
        state.capacity = wanted;
    }
    // A new resource for every document: release() would keep the size of its next block, which doubles
    // with each block and so grows with every large document until allocation fails.
    state.resource.emplace(state.buffer.get(), state.capacity);
    state.parser.reset(&*state.resource);
    boost::system::error_code ec;
    state.parser.write(text.data(), text.size(), ec);
    if (ec) {
        err = api_error{make_error_code(error::invalid_response), 0, "malformed JSON: " + ec.message()};
        return nullptr;
    }
    // Move-construct: assigning to a value on another storage would deep-copy the document to the heap.
    return &state.doc.emplace(state.parser.release());
} catch (std::exception const&) {
    err = api_error{make_error_code(error::invalid_response), 0, "cannot decode: out of memory"};
    return nullptr;
}

} // namespace igtcloud::entities::detail
