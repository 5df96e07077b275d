#pragma once

// The SAX handler of array_decoder (array_decoder.hpp): Boost.JSON parser events into one element of the
// root array at a time, through the SAX tables (json_sax.hpp). Any event that does not fit records the
// problem and its path, and stops the parse. Included by array_decoder.cpp only.

#include <igtcloud/entities/error.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entities/date_time.hpp"
#include "entities/stream/array_decoder.hpp"

namespace igtcloud::entities::detail::stream {

using kind = sax_type::kind;
using error_code = boost::system::error_code;
// Arrays start with room for this many elements (the models' arrays are short), as in json_sax.cpp.
constexpr std::size_t small_array = 4;

inline char const* expected_of(kind k) noexcept
{
    switch (k) {
    case kind::string: return "a string";
    case kind::boolean: return "a boolean";
    case kind::integer: return "an integer";
    case kind::date_time: return "an RFC 3339 date-time string";
    case kind::date: return "a YYYY-MM-DD date string";
    case kind::array: return "an array";
    case kind::object: return "an object";
    case kind::unsupported: break;
    }
    return "a value decoded elsewhere";
}

// Receives the parser's events: the root array's elements go to the target, each decoded through the SAX
// tables; any event that does not fit records the problem and its path, and stops the parse.
class stream_handler {
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    stream_handler(sax_type const& element, element_target& target, std::uint64_t max_item)
        : element_(element)
        , target_(target)
        , max_item_(max_item)
    {}

    void reset()
    {
        frames_.clear();
        state_ = state::before;
        skip_ = 0;
        part_.clear();
        started_ = elements_ = 0;
        item_bytes_ = 0;
        failed_ = false;
        problem_.clear();
        path_.clear();
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code& ec)
    {
        if (!take(1, "an object", ec)) return false;
        if (skipping()) return ++skip_, true;
        auto [type, slot] = target();
        if (type->what != kind::object) return mismatch(type, "an object", ec);
        frames_.push_back(frame{type, slot, -1, 0});
        return true;
    }
    bool on_object_end(std::size_t, error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (skip_ != 0) return --skip_, true;
        frames_.pop_back();
        return value_done(ec);
    }
    bool on_array_begin(error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (state_ == state::before) return state_ = state::in_array, true;
        if (skipping()) return ++skip_, true;
        auto [type, slot] = target();
        if (type->what != kind::array) return mismatch(type, "an array", ec);
        type->reserve(slot, small_array);
        frames_.push_back(frame{type, slot, -1, 0});
        return true;
    }
    bool on_array_end(std::size_t, error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (skip_ != 0) return --skip_, true;
        if (frames_.empty()) return state_ = state::after, true; // the root array
        frames_.pop_back();
        return value_done(ec);
    }

    bool on_key_part(std::string_view s, std::size_t, error_code&)
    {
        take_part(s, skip_ == 0);
        return true;
    }
    bool on_key(std::string_view s, std::size_t, error_code& ec)
    {
        if (!take(s.size() + 3, nullptr, ec)) return false; // quotes and colon
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
        take_part(s, !skipping());
        return true;
    }
    bool on_string(std::string_view s, std::size_t, error_code& ec)
    {
        if (!take(s.size() + 3, "a string", ec)) return false; // quotes and separator
        if (skipping()) return true;                           // its parts were not kept either
        if (!part_.empty()) {
            part_.append(s);
            s = part_;
        }
        bool const ok = put_string(s, ec);
        part_.clear();
        return ok && value_done(ec);
    }

    bool on_number_part(std::string_view s, error_code&)
    {
        take_part(s, !skipping()); // kept only for an error's text
        return true;
    }
    bool on_int64(std::int64_t i, std::string_view s, error_code& ec)
    {
        return number(s, ec, [&](sax_type const* type, void* slot) {
            if (type->what != kind::integer) return false;
            *static_cast<std::int64_t*>(slot) = i;
            return true;
        });
    }
    bool on_uint64(std::uint64_t u, std::string_view s, error_code& ec)
    {
        return number(s, ec, [&](sax_type const* type, void* slot) {
            if (type->what != kind::integer || u > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
                return false;
            *static_cast<std::int64_t*>(slot) = static_cast<std::int64_t>(u);
            return true;
        });
    }
    bool on_double(double, std::string_view s, error_code& ec)
    {
        return number(s, ec, [](sax_type const*, void*) { return false; });
    }
    bool on_bool(bool b, error_code& ec)
    {
        if (!take(6, "a boolean", ec)) return false;
        if (skipping()) return true;
        auto [type, slot] = target();
        if (type->what != kind::boolean) return mismatch(type, "a boolean", ec);
        *static_cast<bool*>(slot) = b;
        return value_done(ec);
    }
    bool on_null(error_code& ec)
    {
        if (!take(5, "null", ec)) return false;
        if (skipping()) return true;
        if (!frames_.empty() && frames_.back().type->what == kind::object) {
            auto& f = frames_.back();
            f.type->reset(f.target, f.field); // null: absent (the last of duplicate members wins)
            return true;
        }
        auto [type, slot] = target(); // an element: of the root array, or of a model's array
        (void)slot;
        return mismatch(type, "null", ec);
    }
    bool on_comment_part(std::string_view, error_code& ec) { return fail(ec, "comments are not JSON"); }
    bool on_comment(std::string_view, error_code& ec) { return fail(ec, "comments are not JSON"); }

    // --- what the decoder asks after a stop
    bool failed() const noexcept { return failed_; }
    std::string const& problem() const noexcept { return problem_; }
    std::string const& path() const noexcept { return path_; }
    /// The path of the element being decoded ("[3].profile"), empty between elements.
    std::string where() const { return frames_.empty() ? std::string() : current_path(); }
    std::size_t elements() const noexcept { return elements_; }

private:
    enum class state : unsigned char { before, in_array, after };
    struct frame {
        sax_type const* type;
        void* target;
        int field;         ///< objects: the field of the last key (-1: unknown, its value is skipped)
        std::size_t count; ///< arrays: the elements started
    };

    // Every event: the element's bytes so far against max_item_bytes (inside the root array; `n` the event's
    // compact text); before the root array only its start fits (`got`: what the event is, null for events
    // that cannot come first). Kept small enough to inline: the failures are out of line.
    bool take(std::size_t n, char const* got, error_code& ec)
    {
        if (state_ == state::in_array) [[likely]] {
            item_bytes_ += n;
            return item_bytes_ <= max_item_ || too_large(ec);
        }
        return state_ != state::before || got == nullptr || not_an_array(got, ec);
    }

    // A piece of a key, string or number: counted, and kept for its token's end unless skipped (or before the
    // root array, or over the limit: memory stays bounded). Never a failure here: the token's end decides, as
    // when the whole token comes at once, so that where the body is cut changes no outcome (the parser may
    // still refuse the token's rest first).
    void take_part(std::string_view s, bool keep)
    {
        if (state_ != state::in_array) return;
        item_bytes_ += s.size();
        if (keep && item_bytes_ <= max_item_) part_.append(s);
    }

    [[gnu::noinline]] bool too_large(error_code& ec)
    {
        problem_ = "one element's JSON is over max_item_bytes (" + std::to_string(max_item_) + " bytes)";
        path_ = "[" + std::to_string(started_ == 0 ? 0 : started_ - 1) + "]";
        failed_ = true;
        ec = make_error_code(error::response_too_large);
        return false;
    }

    [[gnu::noinline]] bool not_an_array(char const* got, error_code& ec)
    {
        return fail(ec, std::string("expected an array, got ") + got);
    }

    bool skipping() const noexcept
    {
        return skip_ != 0 ||
               (!frames_.empty() && frames_.back().type->what == kind::object && frames_.back().field < 0);
    }

    // Where the value that starts now goes, and its type: a new element of the root array, a model's
    // array element, or a field of a model.
    std::pair<sax_type const*, void*> target()
    {
        if (frames_.empty()) {
            ++started_;
            item_bytes_ = 0;
            return {&element_, target_.next()};
        }
        auto& f = frames_.back();
        if (f.type->what == kind::array) {
            ++f.count;
            return {f.type->element, f.type->append(f.target)};
        }
        sax_type const* type = nullptr;
        void* slot = f.type->emplace(f.target, f.field, type);
        return {type, slot};
    }

    // A value ended: when it was a whole element of the root array, the target takes it.
    bool value_done(error_code& ec)
    {
        if (!frames_.empty() || state_ != state::in_array) return true;
        ++elements_;
        ec = target_.done();
        if (!ec) return true;
        failed_ = true; // the target explains its own error
        return false;
    }

    template <class Put>
    bool number(std::string_view s, error_code& ec, Put put)
    {
        if (!take(s.size() + 1, "a number", ec)) return false;
        if (skipping()) return true;
        auto [type, slot] = target();
        bool const ok = put(type, slot);
        if (!ok && type->what == kind::integer) {
            part_.append(s);
            return fail(ec, "expected an integer in the range of int64, got " + std::exchange(part_, {}));
        }
        part_.clear();
        return ok ? value_done(ec) : mismatch(type, "a number", ec);
    }

    bool put_string(std::string_view s, error_code& ec)
    {
        auto [type, slot] = target();
        switch (type->what) {
        case kind::string: static_cast<std::string*>(slot)->assign(s.data(), s.size()); return true;
        case kind::date_time:
            if (auto t = parse_date_time(s)) {
                *static_cast<date_time*>(slot) = *t;
                return true;
            }
            return fail(ec, "not an RFC 3339 date-time");
        case kind::date:
            if (auto d = parse_date(s)) {
                *static_cast<date*>(slot) = *d;
                return true;
            }
            return fail(ec, "not a valid YYYY-MM-DD date");
        default: return mismatch(type, "a string", ec);
        }
    }

    bool mismatch(sax_type const* type, char const* got, error_code& ec)
    {
        return fail(ec, std::string("expected ") + expected_of(type->what) + ", got " + got);
    }

    bool fail(error_code& ec, std::string problem)
    {
        problem_ = std::move(problem);
        path_ = state_ == state::before ? "JSON document" : current_path();
        failed_ = true;
        ec = make_error_code(error::invalid_response);
        return false;
    }

    // "[3].profile.organizationRoles[1].roles": the root array's element, then each frame's current slot.
    std::string current_path() const
    {
        std::string path = "[" + std::to_string(started_ == 0 ? 0 : started_ - 1) + "]";
        for (auto const& f : frames_) {
            if (f.type->what == kind::array) {
                path += "[" + std::to_string(f.count == 0 ? 0 : f.count - 1) + "]";
            } else if (f.field >= 0) {
                path += '.';
                path += f.type->name(f.field);
            }
        }
        return path;
    }

    sax_type const& element_;
    element_target& target_;
    std::uint64_t max_item_;
    std::vector<frame> frames_{}; ///< inside the current element
    state state_{state::before};
    std::size_t skip_{}; ///< depth inside a skipped object or array
    std::string part_{}; ///< a key, string or number that arrived in parts
    std::size_t started_{}, elements_{};
    std::uint64_t item_bytes_{};
    bool failed_{};
    std::string problem_{}, path_{};
};

} // namespace igtcloud::entities::detail::stream
