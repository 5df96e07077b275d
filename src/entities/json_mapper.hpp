#pragma once

// The one lenient mapper between Boost.JSON values and the models, driven by the field tables.
//
//   read(value, T&, read_error&) -> bool    absent or null member -> nullopt; unknown members ignored;
//                                          a wrong type fails, and read_error collects the JSON path on the
//                                          way out
//   write(value&, T const&)                absent members omitted; writes into `value`'s own storage
//
// Leaves (string, bool, integer, date-time, date, coding) live in json_mapper.cpp; arrays and models are
// templates over the field tables. Nothing here allocates for paths unless a read fails.

#include <igtcloud/entities/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <tuple>
#include <vector>

#include "entities/json_mapping.hpp"

namespace igtcloud::entities::detail {

/// Where and why a read failed: the problem, then the path, innermost segment first.
class read_error {
public:
    /// Records "expected <what>, got <kind of v>".
    void expected(std::string_view what, boost::json::value const& v);
    /// Records a free-text problem (e.g. "not an RFC 3339 date-time").
    void problem(std::string text) { problem_ = std::move(text); }
    void push_member(std::string_view name);
    void push_index(std::size_t index);

    /// "profile.organizationRoles[1].roles: expected an array, got a string", or
    /// "JSON document: expected an object, got an array" at the root.
    std::string message() const;
    api_error to_api_error() const;

private:
    std::string problem_;
    std::vector<std::string> reversed_path_; // ".name" or "[i]", innermost first
};

bool read(boost::json::value const& v, std::string& out, read_error& err);
bool read(boost::json::value const& v, bool& out, read_error& err);
bool read(boost::json::value const& v, std::int64_t& out, read_error& err);
bool read(boost::json::value const& v, date_time& out, read_error& err);
bool read(boost::json::value const& v, date& out, read_error& err);
bool read(boost::json::value const& v, coding& out, read_error& err);
template <class E>
bool read(boost::json::value const& v, std::vector<E>& out, read_error& err);
template <has_fields T>
bool read(boost::json::value const& v, T& out, read_error& err);

void write(boost::json::value& out, std::string const& v);
void write(boost::json::value& out, bool v);
void write(boost::json::value& out, std::int64_t v);
void write(boost::json::value& out, date_time v);
void write(boost::json::value& out, date v);
void write(boost::json::value& out, coding const& v);
template <class E>
void write(boost::json::value& out, std::vector<E> const& v);
template <has_fields T>
void write(boost::json::value& out, T const& v);

template <class E>
bool read(boost::json::value const& v, std::vector<E>& out, read_error& err)
{
    auto const* array = v.if_array();
    if (array == nullptr) {
        err.expected("an array", v);
        return false;
    }
    out.clear();
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
        if (!read((*array)[i], out.emplace_back(), err)) {
            err.push_index(i);
            return false;
        }
    }
    return true;
}

template <class T, class M>
bool read_member(boost::json::value const& member, field<T, M> const& f, T& out, read_error& err)
{
    if (member.is_null()) return true; // null: absent
    if (read(member, (out.*f.member).emplace(), err)) return true;
    err.push_member(f.name);
    return false;
}

/// Reads an object into a value-initialized T: one pass over the members, each matched against T's field
/// table by name (unknown names are ignored); fields without a member stay empty.
template <has_fields T>
bool read(boost::json::value const& v, T& out, read_error& err)
{
    auto const* object = v.if_object();
    if (object == nullptr) {
        err.expected("an object", v);
        return false;
    }
    for (auto const& kv : *object) {
        std::string_view const key(kv.key().data(), kv.key().size());
        bool ok = true;
        std::apply(
            [&](auto const&... f) {
                (void)((same_name(key, f.name) && (ok = read_member(kv.value(), f, out, err), true)) || ...);
            },
            fields_of<T>);
        if (!ok) return false;
    }
    return true;
}

template <class E>
void write(boost::json::value& out, std::vector<E> const& v)
{
    auto& array = out.emplace_array();
    array.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        write(array[i], v[i]);
}

template <has_fields T>
void write(boost::json::value& out, T const& v)
{
    auto& object = out.emplace_object();
    object.reserve(std::tuple_size_v<std::remove_cv_t<decltype(fields_of<T>)>>);
    std::apply(
        [&](auto const&... f) { ((v.*f.member ? write(object[f.name], *(v.*f.member)) : void()), ...); },
        fields_of<T>);
}

/// Reads a whole document into T; the error is error::invalid_response with the path in its message.
template <class T>
api_result<T> read_document(boost::json::value const& v)
{
    T out{};
    read_error err;
    if (read(v, out, err)) return out;
    return err.to_api_error();
}

} // namespace igtcloud::entities::detail
