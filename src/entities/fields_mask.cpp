// X-Fields masks: the Flask-RESTX mask grammar, parsed in one pass without recursion, and applied to JSON.
#include "entities/fields_mask.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/system/errc.hpp>

#include <algorithm>
#include <new>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

constexpr std::size_t echo_limit = 64; // bytes of the mask quoted in an error message

bool is_blank(char c) noexcept
{
    return c == ' ' || c == '\t';
}

bool is_control(char c) noexcept
{
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}

// The length of the well-formed UTF-8 sequence (RFC 3629) starting at s[pos], or 0 when there is none.
std::size_t utf8_length(std::string_view s, std::size_t pos) noexcept
{
    auto const at = [&](std::size_t i) { return static_cast<unsigned char>(s[pos + i]); };
    unsigned char const lead = at(0);
    if (lead < 0x80) return 1;
    std::size_t n = 0;
    unsigned char low = 0x80, high = 0xBF; // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        if (lead == 0xE0) low = 0xA0;  // no overlong forms
        if (lead == 0xED) high = 0x9F; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F; // at most U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - pos < n || at(1) < low || at(1) > high) return 0;
    for (std::size_t i = 2; i < n; ++i)
        if ((at(i) & 0xC0) != 0x80) return 0;
    return n;
}

bool ends_name(char c) noexcept
{
    return c == ',' || c == '{' || c == '}' || is_blank(c);
}

void append_hex(std::string& out, char c)
{
    constexpr char digits[] = "0123456789ABCDEF";
    auto const u = static_cast<unsigned char>(c);
    out += digits[u >> 4];
    out += digits[u & 0xF];
}

// The mask as quoted in a message: at most echo_limit bytes, not cutting a UTF-8 sequence, and control
// bytes and bytes that are not UTF-8 written as \xNN, so that the message stays one line of valid UTF-8.
std::string echo(std::string_view text)
{
    bool const cut = text.size() > echo_limit;
    std::size_t n = cut ? echo_limit : text.size();
    while (cut && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n;
    auto const quoted = text.substr(0, n);
    std::string out;
    out.reserve(n + 8);
    for (std::size_t i = 0; i < quoted.size();) {
        auto const length = is_control(quoted[i]) ? 0 : utf8_length(quoted, i);
        if (length != 0) {
            out.append(quoted, i, length);
            i += length;
            continue;
        }
        out += "\\x";
        append_hex(out, quoted[i++]);
    }
    if (cut) out += "...";
    return out;
}

api_error invalid_mask(std::string_view text, std::string_view problem, std::size_t offset)
{
    std::string message = "invalid X-Fields mask \"";
    message += echo(text);
    message += "\": ";
    message += problem;
    message += " at offset ";
    message += std::to_string(offset);
    return invalid(std::move(message));
}

// Reads the mask token by token, as Flask-RESTX does, keeping the groups being filled on an explicit stack.
class mask_parser {
public:
    explicit mask_parser(std::string_view text) : text_(text) {}

    api_result<mask_entry> run()
    {
        std::size_t pos = 0;
        std::size_t end = text_.size();
        while (pos < end && is_blank(text_[pos]))
            ++pos;
        while (end > pos && is_blank(text_[end - 1]))
            --end;
        if (pos == end) return invalid_mask(text_, "the mask is empty or blank", 0);
        root_.nested = true;
        stack_.push_back(&root_);
        if (text_[pos] == '{') { // optional outer braces
            outer_open_ = true;
            opens_.push_back(pos++);
        }
        while (pos < end) {
            if (!step(pos, end)) return std::move(error_);
        }
        if (!finish(end)) return std::move(error_);
        return std::move(root_);
    }

private:
    enum class token { separator, name, star, close }; // the last token read ("separator": start, ',', '{')

    bool fail(std::string_view problem, std::size_t offset)
    {
        error_ = invalid_mask(text_, problem, offset);
        return false;
    }

    // Reads the token at `pos` and moves `pos` past it.
    bool step(std::size_t& pos, std::size_t end)
    {
        char const c = text_[pos];
        if (is_blank(c)) {
            ++pos;
            return true;
        }
        if (outer_closed_ && c != '}') return fail("unexpected text after the closing outer '}'", pos);
        if (c != ',' && c != '{' && c != '}') return on_name(pos, end);
        bool const ok = c == ',' ? on_comma(pos) : c == '{' ? on_open(pos) : on_close(pos);
        ++pos;
        return ok;
    }

    bool on_comma(std::size_t pos)
    {
        if (last_ == token::separator) return fail("empty field name", pos);
        last_ = token::separator;
        named_ = nullptr;
        return true;
    }

    bool on_open(std::size_t pos)
    {
        if (last_ == token::star) return fail("'*' cannot have a nested mask", pos);
        if (last_ != token::name) return fail("'{' must directly follow a field name", pos);
        if (stack_.size() > fields_mask::max_depth) {
            return fail("masks nest at most " + std::to_string(fields_mask::max_depth) + " levels", pos);
        }
        named_->nested = true; // named_ is new or was reset by add(): "a{x},a{y}" keeps only {y}
        stack_.push_back(named_);
        opens_.push_back(pos);
        named_ = nullptr;
        last_ = token::separator;
        return true;
    }

    bool on_close(std::size_t pos)
    {
        bool const in_group = stack_.size() > 1;
        if (!in_group && !outer_open_) return fail("unexpected '}' with no matching '{'", pos);
        if (last_ == token::separator) return fail("empty field name", pos);
        if (in_group) {
            stack_.pop_back();
        } else {
            outer_open_ = false;
            outer_closed_ = true;
        }
        opens_.pop_back();
        named_ = nullptr;
        last_ = token::close;
        return true;
    }

    bool on_name(std::size_t& pos, std::size_t end)
    {
        std::size_t const start = pos;
        for (; pos < end && !ends_name(text_[pos]); ++pos) {
            if (is_control(text_[pos])) {
                std::string problem = "control character 0x";
                append_hex(problem, text_[pos]);
                return fail(problem, pos);
            }
            auto const length = utf8_length(text_.substr(0, end), pos);
            if (length == 0) return fail("invalid UTF-8", pos); // the name would be a JSON member name
            pos += length - 1;
        }
        if (last_ == token::close) return fail("expected ',' after '}'", start);
        if (last_ != token::separator) return fail("expected ',' between field names", start);
        auto const name = text_.substr(start, pos - start);
        if (name == "*") {
            stack_.back()->star = true;
            last_ = token::star;
            return true;
        }
        add(name);
        return true;
    }

    // A repeated name replaces the earlier entry (dropping its sub-mask) and keeps its position.
    void add(std::string_view name)
    {
        auto& group = stack_.back()->children;
        auto const it =
            std::find_if(group.begin(), group.end(), [&](auto const& e) { return e.name == name; });
        if (it != group.end()) {
            it->children.clear();
            it->nested = false;
            it->star = false;
            named_ = &*it;
        } else {
            named_ = &group.emplace_back(mask_entry{std::string(name)});
        }
        last_ = token::name;
    }

    bool finish(std::size_t end)
    {
        if (!opens_.empty()) return fail("missing '}' to close the '{'", opens_.back());
        if (last_ == token::separator) return fail("empty field name", end);
        return true;
    }

    std::string_view text_;
    mask_entry root_{};
    std::vector<mask_entry*> stack_{}; // groups being filled; names go to stack_.back()->children
    std::vector<std::size_t> opens_{}; // offsets of the unclosed '{', outer one included
    mask_entry* named_{};              // the entry named by the last token, while it may take a '{'
    token last_ = token::separator;
    bool outer_open_ = false;
    bool outer_closed_ = false;
    api_error error_{};
};

boost::json::value apply_entry(boost::json::value const& v, mask_entry const& mask);

// Flask-RESTX's Mask.filter_data with skip=False.
boost::json::object filter_object(boost::json::object const& in, mask_entry const& mask)
{
    boost::json::object out;
    out.reserve(mask.children.size() + (mask.star ? in.size() : 0));
    for (auto const& field : mask.children) {
        auto const* member = in.if_contains(field.name);
        if (member == nullptr) {
            out.emplace(field.name, nullptr);
        } else if (field.nested) {
            out.emplace(field.name, apply_entry(*member, field));
        } else {
            out.emplace(field.name, *member);
        }
    }
    if (mask.star) {
        for (auto const& kv : in)
            out.emplace(kv.key(), kv.value()); // no-op for names already in `out`
    }
    return out;
}

boost::json::value apply_entry(boost::json::value const& v, mask_entry const& mask)
{
    if (auto const* in = v.if_array()) {
        boost::json::array out;
        out.reserve(in->size());
        for (auto const& element : *in)
            out.emplace_back(apply_entry(element, mask));
        return boost::json::value(std::move(out));
    }
    if (auto const* in = v.if_object()) return boost::json::value(filter_object(*in, mask));
    return v;
}

void append_group(std::string& out, mask_entry const& group)
{
    out += '{';
    bool first = true;
    for (auto const& field : group.children) {
        if (!first) out += ',';
        first = false;
        out += field.name;
        if (field.nested) append_group(out, field);
    }
    if (group.star) out += first ? "*" : ",*";
    out += '}';
}

} // namespace

api_result<fields_mask> fields_mask::parse(std::string_view text) noexcept
{
    try {
        auto root = mask_parser(text).run();
        if (!root) return root.error();
        return fields_mask(std::move(*root));
    } catch (std::bad_alloc const&) {
        return api_error{make_error_code(boost::system::errc::not_enough_memory), 0, {}};
    }
}

boost::json::value fields_mask::apply(boost::json::value const& v) const
{
    return apply_entry(v, root_);
}

std::string fields_mask::to_string() const
{
    std::string out;
    append_group(out, root_);
    return out;
}

} // namespace igtcloud::entities::detail
