#pragma once

// What the two SAX handlers share (json_sax.cpp: a whole document into a model; stream/stream_handler.hpp:
// a list's elements one at a time): where a value that starts now goes inside a model, and how a scalar is
// stored there.
//
//   sax_frames     the stack of the model's open objects and arrays (frame: its sax_type, its target, the
//                  current field of an object, the elements started in an array), the depth inside a skipped
//                  value (an unknown member's object or array), and a key or string that arrived in parts
//   put_string     a string into a string, date-time or date slot, or why it does not fit
//
// The handlers keep what differs: the root (one document, or the next element of the list), the errors (a
// yes or no, or a problem with its path) and the stream's byte limit per element. Everything here is inline:
// it runs once per parser event.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entities/date_time.hpp"
#include "entities/json_sax.hpp"

namespace igtcloud::entities::detail {

class sax_frames {
public:
    using kind = sax_type::kind;
    struct frame {
        sax_type const* type;
        void* target;
        int field;         ///< objects: the field of the last key (-1: unknown, its value is skipped)
        std::size_t count; ///< arrays: the elements started
    };

    void clear()
    {
        frames_.clear();
        skip_ = 0;
        part_.clear();
    }

    bool empty() const noexcept { return frames_.empty(); }
    std::vector<frame> const& stack() const noexcept { return frames_; }

    /// Inside a skipped object or array.
    bool in_skipped() const noexcept { return skip_ != 0; }
    /// The value that starts now is skipped: inside a skipped one, or an unknown member's.
    bool skipping() const noexcept
    {
        return skip_ != 0 ||
               (!frames_.empty() && frames_.back().type->what == kind::object && frames_.back().field < 0);
    }
    /// A skipped object or array begins; the value it is skipped.
    void skip_begin() noexcept { ++skip_; }
    /// An object or array ends: true when it was a skipped one.
    bool skip_end() noexcept { return skip_ != 0 && (--skip_, true); }

    /// An object or array (`What`) of the model begins at `slot`: arrays start with room for a few elements
    /// (the models' arrays are short, and then cost one allocation).
    template <kind What>
    void open(sax_type const* type, void* slot)
    {
        if constexpr (What == kind::array) type->reserve(slot, small_array);
        frames_.push_back(frame{type, slot, -1, 0});
    }
    void close() { frames_.pop_back(); }

    /// Where the value that starts now goes inside the innermost frame (not empty), and its type: an array's
    /// new element, or an object's field (null type: a field that takes no value of that kind).
    std::pair<sax_type const*, void*> next_slot()
    {
        auto& f = frames_.back();
        if (f.type->what == kind::array) {
            ++f.count;
            return {f.type->element, f.type->append(f.target)};
        }
        sax_type const* type = nullptr;
        void* slot = f.type->emplace(f.target, f.field, type);
        return {type, slot};
    }

    /// A member's name (its last part): the innermost object's current field.
    void key(std::string_view s)
    {
        auto& f = frames_.back();
        if (part_.empty()) {
            f.field = f.type->find(s);
        } else {
            part_.append(s);
            f.field = f.type->find(part_);
            part_.clear();
        }
    }
    /// A part of a key, string or number, kept for its end.
    void keep_part(std::string_view s) { part_.append(s); }
    /// The whole token whose last part is `s` (valid until clear_part()).
    std::string_view whole(std::string_view s)
    {
        if (part_.empty()) return s;
        part_.append(s);
        return part_;
    }
    void clear_part() noexcept { part_.clear(); }
    /// The token's parts so far, taken (for an error's text).
    std::string take_part() { return std::exchange(part_, {}); }

    /// null as an object's member: the field made absent (the last of duplicate members wins, as in the
    /// DOM). False when the innermost frame is not an object (null as the root or an element).
    bool null_member()
    {
        if (frames_.empty() || frames_.back().type->what != kind::object) return false;
        auto& f = frames_.back();
        f.type->reset(f.target, f.field);
        return true;
    }

private:
    static constexpr std::size_t small_array = 4;

    std::vector<frame> frames_{};
    std::size_t skip_{}; ///< depth inside a skipped object or array
    std::string part_{}; ///< a key, string or number that arrived in parts
};

/// How put_string ended.
enum class put_outcome : unsigned char { stored, wrong_kind, bad_date_time, bad_date };

/// Stores `s` into `slot`, a value of `type`: a string as it is, a date-time or date parsed.
[[gnu::always_inline]] inline put_outcome put_string(sax_type const& type, void* slot, std::string_view s)
{
    switch (type.what) {
    case sax_type::kind::string:
        static_cast<std::string*>(slot)->assign(s.data(), s.size());
        return put_outcome::stored;
    case sax_type::kind::date_time:
        if (auto t = parse_date_time(s)) {
            *static_cast<date_time*>(slot) = *t;
            return put_outcome::stored;
        }
        return put_outcome::bad_date_time;
    case sax_type::kind::date:
        if (auto d = parse_date(s)) {
            *static_cast<date*>(slot) = *d;
            return put_outcome::stored;
        }
        return put_outcome::bad_date;
    default: return put_outcome::wrong_kind;
    }
}

} // namespace igtcloud::entities::detail
