#pragma once

// X-Fields masks (Flask-RESTX syntax): parsed and validated once, then applied to JSON values.

#include <igtcloud/entities/error.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace igtcloud::entities::detail {

/// One node of a parsed mask: a field name and, when `nested`, the mask applied to that field's value.
/// The root node has an empty name and is always `nested`.
struct mask_entry {
    std::string name{};                 ///< the JSON member name (never empty, never "*")
    std::vector<mask_entry> children{}; ///< named sub-fields, in mask order, names unique
    bool nested{};                      ///< written `name{...}`: apply `children` and `star` to the value
    bool star{};                        ///< the sub-mask holds "*": keep every member it does not name

    friend bool operator==(mask_entry const&, mask_entry const&) = default;
};

/// An `X-Fields` response mask in Flask-RESTX syntax, e.g.
/// `{loginId,profile{givenName,contact{emailAddress}}}`.
///
/// The client parses a caller's mask to refuse a malformed one before anything is sent; the mock server
/// parses each request's `X-Fields` header and applies the mask to the JSON it answers, as Flask-RESTX does.
/// A `fields_mask` is always valid and non-empty: parse() is the only way to make one.
/// Thread safety: const members may be called concurrently; the type is a regular value (copy, move, ==).
class fields_mask {
public:
    /// Deepest nesting parse() accepts (`a{b{c}}` nests 2 levels; optional outer braces do not count).
    /// Deeper masks are refused so that neither parsing nor apply() can exhaust the stack on hostile input.
    static constexpr std::size_t max_depth = 32;

    /// Parses Flask-RESTX mask syntax: comma-separated field names, nested `name{...}`, optional outer braces
    /// (`{a,b}` is `a,b`), and `*` (keep every member not named). Spaces and tabs around tokens are ignored.
    /// A name repeated in one group replaces the earlier occurrence (its sub-mask too) but keeps its
    /// position.
    ///
    /// Errors: `error::invalid_argument` (status 0) for an empty or blank mask, unbalanced braces, a `{` not
    /// directly after a field name (or after `*`), an empty field name (`,a`, `a,,b`, `a,`, `{}`, `a{}`),
    /// names not separated by `,` (`a b`, `a{b}c`), control characters (below 0x20, or 0x7F), bytes that are
    /// not well-formed UTF-8 (names become JSON member names), text after the closing outer brace, or nesting
    /// deeper than max_depth. The message names the problem and its byte offset and quotes at most 64 bytes
    /// of the mask (control bytes and bytes that are not UTF-8 as `\xNN`). Nothing is thrown: running out
    /// of memory yields `boost::system::errc::not_enough_memory` with an empty message.
    static api_result<fields_mask> parse(std::string_view text) noexcept;

    /// Applies the mask as Flask-RESTX's `Mask.apply` does (without `skip`):
    /// - an array: the mask applied to each element;
    /// - an object: a new object holding, in mask order, each named field: its value, or null when absent;
    ///   a nested mask is applied to that value recursively (null stays null, arrays map elementwise);
    ///   with `*`, every other member of `v` follows, unchanged, in its original order;
    /// - any other value: returned unchanged.
    /// The result uses the default memory resource. Throws only `std::bad_alloc`.
    boost::json::value apply(boost::json::value const& v) const;

    /// The canonical text, always with outer braces and with `*` last in its group, e.g. `{a,b{c,*}}`.
    /// `parse(m.to_string())` yields a mask equal to `m`.
    std::string to_string() const;

    /// Number of fields named at the top level (`*` not counted).
    std::size_t size() const noexcept { return root_.children.size(); }

    /// Whether the top level holds `*`.
    bool has_wildcard() const noexcept { return root_.star; }

    /// The parsed tree: the root's `children` and `star` are the top level.
    mask_entry const& root() const noexcept { return root_; }

    /// Same fields, same order, same sub-masks, same wildcards.
    friend bool operator==(fields_mask const&, fields_mask const&) = default;

private:
    explicit fields_mask(mask_entry root) noexcept : root_(std::move(root)) {}

    mask_entry root_;
};

} // namespace igtcloud::entities::detail
