// The SAX decode path: Boost.JSON parser events straight into a model, through the sax_type tables.
#include "entities/json_sax.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <limits>
#include <string>

#include "entities/sax_frames.hpp"

namespace igtcloud::entities::detail {
namespace {

using kind = sax_type::kind;
using error_code = boost::system::error_code;

// Receives the parser's events and writes them into the target. Any event it cannot take ends the parse
// (returns false): the caller then asks the DOM path.
class sax_handler {
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    void start(sax_type const& type, void* out)
    {
        frames_.clear();
        root_type_ = &type;
        root_ = out;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code&) { return open<kind::object>(); }
    bool on_object_end(std::size_t, error_code&) { return close(); }
    bool on_array_begin(error_code&) { return open<kind::array>(); }
    bool on_array_end(std::size_t, error_code&) { return close(); }

    bool on_key_part(std::string_view s, std::size_t, error_code&)
    {
        if (!frames_.in_skipped()) frames_.keep_part(s);
        return true;
    }
    bool on_key(std::string_view s, std::size_t, error_code&)
    {
        if (!frames_.in_skipped()) frames_.key(s);
        return true;
    }

    bool on_string_part(std::string_view s, std::size_t, error_code&)
    {
        if (!frames_.skipping()) frames_.keep_part(s);
        return true;
    }
    [[gnu::always_inline]] bool on_string(std::string_view s, std::size_t, error_code&)
    {
        if (frames_.skipping()) return true; // its parts were not kept either
        auto [type, slot] = target();
        bool const ok = type != nullptr && put_string(*type, slot, frames_.whole(s)) == put_outcome::stored;
        frames_.clear_part();
        return ok;
    }

    bool on_number_part(std::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, std::string_view, error_code&) { return put_integer(i); }
    bool on_uint64(std::uint64_t u, std::string_view, error_code&)
    {
        if (frames_.skipping()) return true;
        return u <= std::uint64_t(std::numeric_limits<std::int64_t>::max()) &&
               put_integer(static_cast<std::int64_t>(u));
    }
    bool on_double(double, std::string_view, error_code&) { return frames_.skipping(); }
    bool on_bool(bool b, error_code&)
    {
        if (frames_.skipping()) return true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::boolean) return false;
        *static_cast<bool*>(slot) = b;
        return true;
    }
    bool on_null(error_code&) { return frames_.skipping() || frames_.null_member(); }
    bool on_comment_part(std::string_view, error_code&) { return false; }
    bool on_comment(std::string_view, error_code&) { return false; }

private:
    template <kind What>
    bool open()
    {
        if (frames_.skipping()) return frames_.skip_begin(), true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != What) return false;
        frames_.open<What>(type, slot);
        return true;
    }
    bool close()
    {
        if (!frames_.skip_end()) frames_.close();
        return true;
    }

    bool put_integer(std::int64_t i)
    {
        if (frames_.skipping()) return true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::integer) return false;
        *static_cast<std::int64_t*>(slot) = i;
        return true;
    }

    // Where the value that starts now goes, and its type (null type: nowhere it fits).
    std::pair<sax_type const*, void*> target()
    {
        if (!frames_.empty()) return frames_.next_slot();
        if (root_ == nullptr) return {nullptr, nullptr}; // a second document
        return {std::exchange(root_type_, nullptr), std::exchange(root_, nullptr)};
    }

    sax_frames frames_;
    sax_type const* root_type_{};
    void* root_{};
};

} // namespace

bool sax_decode(std::string_view text, sax_type const& type, void* out) noexcept
try {
    thread_local boost::json::basic_parser<sax_handler> parser{boost::json::parse_options{}};
    parser.reset();
    parser.handler().start(type, out);
    error_code ec;
    auto const used = parser.write_some(false, text.data(), text.size(), ec);
    return !ec && used == text.size() && parser.done();
} catch (...) { // out of memory: the DOM path reports it
    return false;
}

} // namespace igtcloud::entities::detail
