#pragma once

// The fast decode path: JSON text straight into a model through Boost.JSON's SAX parser, with no DOM, driven
// by the same field tables (json_mapping.hpp) as the DOM path.
//
//   sax_type          how one C++ type takes SAX events: a scalar kind, an array (element type, append), or
//                     an object (find a field by name, emplace or reset field i); built at compile time from
//                     the field tables by sax_traits<T>
//   sax_decode        runs the parser over the whole text into a value-initialized T, with a frame stack
//                     (object/array targets) and skipping of unknown members
//
// It only answers yes or no. On any mismatch (syntax, a wrong type, a bad date, an integer out of range, a
// `coding` member, trailing data) the caller decodes again through the DOM path, which names the problem and
// its path; so both paths give the same value for every document the fast one accepts, and the DOM path
// alone speaks for the others.

#include <cstddef>
#include <string_view>
#include <vector>

#include "entities/json_mapping.hpp"

namespace igtcloud::entities::detail {

struct sax_type {
    enum class kind : unsigned char { string, boolean, integer, date_time, date, array, object, unsupported };
    kind what{kind::unsupported};
    sax_type const* element{};                      ///< array: the element's type
    void* (*append)(void* vector){};                ///< array: appends an element, returns it
    void (*reserve)(void* vector, std::size_t n){}; ///< array: room for n elements
    int (*find)(std::string_view){};                ///< object: the index of the field with this name, or -1
    void* (*emplace)(void* object, int field, sax_type const*& type){}; ///< object: a fresh field value
    void (*reset)(void* object, int field){};                           ///< object: the field made absent
    std::string_view (*name)(int field){}; ///< object: the wire name of field i (for error paths)
};

template <class T>
struct sax_traits {
    static constexpr sax_type type{};
};
template <>
struct sax_traits<std::string> {
    static constexpr sax_type type{sax_type::kind::string};
};
template <>
struct sax_traits<bool> {
    static constexpr sax_type type{sax_type::kind::boolean};
};
template <>
struct sax_traits<std::int64_t> {
    static constexpr sax_type type{sax_type::kind::integer};
};
template <>
struct sax_traits<date_time> {
    static constexpr sax_type type{sax_type::kind::date_time};
};
template <>
struct sax_traits<date> {
    static constexpr sax_type type{sax_type::kind::date};
};

template <class E>
struct sax_traits<std::vector<E>> {
    static void* append(void* v) { return &static_cast<std::vector<E>*>(v)->emplace_back(); }
    static void reserve(void* v, std::size_t n) { static_cast<std::vector<E>*>(v)->reserve(n); }
    static constexpr sax_type type{sax_type::kind::array, &sax_traits<E>::type, &append, &reserve};
};

template <has_fields T>
struct sax_traits<T> {
    static int find(std::string_view key)
    {
        int found = -1, i = 0;
        std::apply(
            [&](auto const&... f) {
                (void)((same_name(key, f.name) ? (found = i, true) : (++i, false)) || ...);
            },
            fields_of<T>);
        return found;
    }
    static void* emplace(void* object, int field, sax_type const*& type)
    {
        void* out = nullptr;
        int i = 0;
        std::apply(
            [&](auto const&... f) {
                (void)((i++ == field ? (out = emplace_one(*static_cast<T*>(object), f, type), true)
                                     : false) ||
                       ...);
            },
            fields_of<T>);
        return out;
    }
    static void reset(void* object, int field)
    {
        int i = 0;
        std::apply(
            [&](auto const&... f) {
                (void)((i++ == field ? ((static_cast<T*>(object)->*f.member).reset(), true) : false) || ...);
            },
            fields_of<T>);
    }
    static std::string_view name(int field)
    {
        std::string_view out;
        int i = 0;
        std::apply([&](auto const&... f) { (void)((i++ == field ? (out = f.name, true) : false) || ...); },
                   fields_of<T>);
        return out;
    }
    template <class M>
    static void* emplace_one(T& object, field<T, M> const& f, sax_type const*& type)
    {
        type = &sax_traits<M>::type;
        return &(object.*f.member).emplace();
    }
    static constexpr sax_type type{
        sax_type::kind::object, nullptr, nullptr, nullptr, &find, &emplace, &reset, &name};
};

/// Decodes the whole of `text` into `*out`, a value-initialized object of the type `type` describes. False
/// on any mismatch (then `*out` holds part of the document: discard it).
bool sax_decode(std::string_view text, sax_type const& type, void* out) noexcept;

} // namespace igtcloud::entities::detail
