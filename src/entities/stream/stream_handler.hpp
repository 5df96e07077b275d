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

#include "entities/sax_frames.hpp"
#include "entities/stream/array_decoder.hpp"

namespace igtcloud::entities::detail::stream {

using kind = sax_type::kind;
using error_code = boost::system::error_code;

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
        return open<kind::object>("an object", ec);
    }
    bool on_object_end(std::size_t, error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (frames_.skip_end()) return true;
        frames_.close();
        return value_done(ec);
    }
    bool on_array_begin(error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (state_ == state::before) return state_ = state::in_array, true;
        return open<kind::array>("an array", ec);
    }
    bool on_array_end(std::size_t, error_code& ec)
    {
        if (!take(1, nullptr, ec)) return false;
        if (frames_.skip_end()) return true;
        if (frames_.empty()) return state_ = state::after, true; // the root array
        frames_.close();
        return value_done(ec);
    }

    bool on_key_part(std::string_view s, std::size_t, error_code&)
    {
        take_part(s, !frames_.in_skipped());
        return true;
    }
    bool on_key(std::string_view s, std::size_t, error_code& ec)
    {
        if (!take(s.size() + 3, nullptr, ec)) return false; // quotes and colon
        if (!frames_.in_skipped()) frames_.key(s);
        return true;
    }

    bool on_string_part(std::string_view s, std::size_t, error_code&)
    {
        take_part(s, !frames_.skipping());
        return true;
    }
    bool on_string(std::string_view s, std::size_t, error_code& ec)
    {
        if (!take(s.size() + 3, "a string", ec)) return false; // quotes and separator
        if (frames_.skipping()) return true;                   // its parts were not kept either
        bool const ok = store_string(frames_.whole(s), ec);
        frames_.clear_part();
        return ok && value_done(ec);
    }

    bool on_number_part(std::string_view s, error_code&)
    {
        take_part(s, !frames_.skipping()); // kept only for an error's text
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
        if (frames_.skipping()) return true;
        auto [type, slot] = target();
        if (type->what != kind::boolean) return mismatch(type, "a boolean", ec);
        *static_cast<bool*>(slot) = b;
        return value_done(ec);
    }
    bool on_null(error_code& ec)
    {
        if (!take(5, "null", ec)) return false;
        if (frames_.skipping() || frames_.null_member()) return true;
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
        if (keep && item_bytes_ <= max_item_) frames_.keep_part(s);
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

    // An object or array of the model begins (`got`: what it is, for a mismatch).
    template <kind What>
    bool open(char const* got, error_code& ec)
    {
        if (frames_.skipping()) return frames_.skip_begin(), true;
        auto [type, slot] = target();
        if (type->what != What) return mismatch(type, got, ec);
        frames_.open<What>(type, slot);
        return true;
    }

    // Where the value that starts now goes, and its type: a new element of the root array, a model's
    // array element, or a field of a model.
    std::pair<sax_type const*, void*> target()
    {
        if (!frames_.empty()) return frames_.next_slot();
        ++started_;
        item_bytes_ = 0;
        return {&element_, target_.next()};
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
        if (frames_.skipping()) return true;
        auto [type, slot] = target();
        bool const ok = put(type, slot);
        if (!ok && type->what == kind::integer) {
            frames_.keep_part(s);
            return fail(ec, "expected an integer in the range of int64, got " + frames_.take_part());
        }
        frames_.clear_part();
        return ok ? value_done(ec) : mismatch(type, "a number", ec);
    }

    bool store_string(std::string_view s, error_code& ec)
    {
        auto [type, slot] = target();
        switch (put_string(*type, slot, s)) {
        case put_outcome::stored: return true;
        case put_outcome::bad_date_time: return fail(ec, "not an RFC 3339 date-time");
        case put_outcome::bad_date: return fail(ec, "not a valid YYYY-MM-DD date");
        case put_outcome::wrong_kind: break;
        }
        return mismatch(type, "a string", ec);
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
        for (auto const& f : frames_.stack()) {
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
    sax_frames frames_{}; ///< inside the current element
    state state_{state::before};
    std::size_t started_{}, elements_{};
    std::uint64_t item_bytes_{};
    bool failed_{};
    std::string problem_{}, path_{};
};

} // namespace igtcloud::entities::detail::stream
