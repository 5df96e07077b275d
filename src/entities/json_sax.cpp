// The SAX decode path: Boost.JSON parser events straight into a model, through the sax_type tables.
#include "entities/json_sax.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <limits>
#include <string>

#include "entities/date_time.hpp"

namespace igtcloud::entities::detail {
namespace {

using kind = sax_type::kind;
using error_code = boost::system::error_code;
// Arrays start with room for this many elements: the models' arrays (roles, groups, permissions, addresses)
// are short, and then cost one allocation, as with the DOM path's exact reservation.
constexpr std::size_t small_array = 4;

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
        skip_ = 0;
        part_.clear();
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return ++skip_, true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::object) return false;
        frames_.push_back(frame{type, slot, -1});
        return true;
    }
    bool on_object_end(std::size_t, error_code&)
    {
        if (skip_ != 0) return --skip_, true;
        frames_.pop_back();
        return true;
    }
    bool on_array_begin(error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return ++skip_, true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::array) return false;
        type->reserve(slot, small_array);
        frames_.push_back(frame{type, slot, -1});
        return true;
    }
    bool on_array_end(std::size_t, error_code&)
    {
        if (skip_ != 0) return --skip_, true;
        frames_.pop_back();
        return true;
    }

    bool on_key_part(std::string_view s, std::size_t, error_code&)
    {
        if (skip_ == 0) part_.append(s);
        return true;
    }
    bool on_key(std::string_view s, std::size_t, error_code&)
    {
        if (skip_ != 0) return true;
        auto& f = frames_.back();
        if (part_.empty()) {
            f.field = f.type->find(s);
        } else {
            part_.append(s);
            f.field = f.type->find(part_);
            part_.clear();
        }
        return true;
    }

    bool on_string_part(std::string_view s, std::size_t, error_code&)
    {
        if (skip_ == 0 && !skip_this_value()) part_.append(s);
        return true;
    }
    bool on_string(std::string_view s, std::size_t, error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return true; // its parts were not kept either
        if (!part_.empty()) {
            part_.append(s);
            s = part_;
        }
        bool const ok = put_string(s);
        part_.clear();
        return ok;
    }

    bool on_number_part(std::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, std::string_view, error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::integer) return false;
        *static_cast<std::int64_t*>(slot) = i;
        return true;
    }
    bool on_uint64(std::uint64_t u, std::string_view, error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return true;
        if (u > std::uint64_t(std::numeric_limits<std::int64_t>::max())) return false;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::integer) return false;
        *static_cast<std::int64_t*>(slot) = static_cast<std::int64_t>(u);
        return true;
    }
    bool on_double(double, std::string_view, error_code&) { return skip_ != 0 || skip_this_value(); }
    bool on_bool(bool b, error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return true;
        auto [type, slot] = target();
        if (type == nullptr || type->what != kind::boolean) return false;
        *static_cast<bool*>(slot) = b;
        return true;
    }
    bool on_null(error_code&)
    {
        if (skip_ != 0 || skip_this_value()) return true;
        if (frames_.empty() || frames_.back().type->what != kind::object) return false; // root or element
        auto& f = frames_.back();
        f.type->reset(f.target, f.field); // null: absent (the last of duplicate members wins, as in the DOM)
        return true;
    }
    bool on_comment_part(std::string_view, error_code&) { return false; }
    bool on_comment(std::string_view, error_code&) { return false; }

private:
    struct frame {
        sax_type const* type;
        void* target;
        int field; ///< objects: the field of the last key (-1: unknown, its value is skipped)
    };

    // A member whose name the model does not know: its value is skipped.
    bool skip_this_value() const noexcept
    {
        return !frames_.empty() && frames_.back().type->what == kind::object && frames_.back().field < 0;
    }

    // Where the value that starts now goes, and its type (null type: nowhere it fits).
    std::pair<sax_type const*, void*> target()
    {
        if (frames_.empty()) {
            if (root_ == nullptr) return {nullptr, nullptr}; // a second document
            return {std::exchange(root_type_, nullptr), std::exchange(root_, nullptr)};
        }
        auto& f = frames_.back();
        if (f.type->what == kind::array) return {f.type->element, f.type->append(f.target)};
        sax_type const* type = nullptr;
        void* slot = f.type->emplace(f.target, f.field, type);
        return {type, slot};
    }

    bool put_string(std::string_view s)
    {
        auto [type, slot] = target();
        if (type == nullptr) return false;
        switch (type->what) {
        case kind::string: static_cast<std::string*>(slot)->assign(s.data(), s.size()); return true;
        case kind::date_time:
            if (auto t = parse_date_time(s)) {
                *static_cast<date_time*>(slot) = *t;
                return true;
            }
            return false;
        case kind::date:
            if (auto d = parse_date(s)) {
                *static_cast<date*>(slot) = *d;
                return true;
            }
            return false;
        default: return false;
        }
    }

    std::vector<frame> frames_;
    sax_type const* root_type_{};
    void* root_{};
    std::size_t skip_{}; ///< depth inside a skipped object or array
    std::string part_;   ///< a key or string that arrived in parts
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
