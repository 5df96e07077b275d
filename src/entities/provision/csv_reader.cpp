// The CSV reader of batch provisioning: RFC 4180 with a header row, one row in memory. A state machine over
// the input chunks decodes the row's wanted cells back to back into one reused buffer, so a valid row
// allocates only the strings of its user_create.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entities/date_time.hpp"
#include "entities/provision/byte_source.hpp"
#include "entities/provision/reader_items.hpp"

namespace igtcloud::entities {

struct csv_user_reader::impl {
    // The seed spec's columns, then the 2023 spec's (DESIGN.md §7).
    enum class column : std::uint8_t {
        login_id,
        email,
        name,
        family_name,
        mobile,
        given_name,
        ist_level,
        preferred_language,
        training_start_date,
        training_end_date,
        ignored
    };
    static constexpr std::array<std::string_view, 10> column_names{"loginId",
                                                                   "email",
                                                                   "name",
                                                                   "familyName",
                                                                   "mobile",
                                                                   "givenName",
                                                                   "istLevel",
                                                                   "preferredLanguage",
                                                                   "trainingStartDate",
                                                                   "trainingEndDate"};
    // quote_in_quoted: after a quote in a quoted field; cr / cr_after_quote: after a CR outside quotes;
    // skip_line: after broken quoting, up to the end of the physical line.
    enum class state : std::uint8_t {
        cell_start,
        unquoted,
        quoted,
        quote_in_quoted,
        cr,
        cr_after_quote,
        skip_line
    };
    enum class row_end : std::uint8_t { row, blank, bad, end, read_error };

    impl(std::istream& in, std::size_t max) : src(in), max_row_bytes(max) {}

    detail::byte_source src;
    std::size_t max_row_bytes;
    std::size_t line = 1; // the physical line of the next byte
    bool header_read = false;
    bool finished = false;
    std::string header_error;    // not empty: the header was refused, and every call throws this
    std::vector<column> columns; // by position in the header

    // The row being read.
    std::size_t row_line = 0;
    std::size_t row_bytes = 0; // raw bytes so far, line ends excluded
    std::size_t cell = 0;      // 0-based
    std::size_t cell_begin = 0;
    state st = state::cell_start;
    bool want = false;    // store the current cell
    bool discard = false; // a problem was found: read on to the row's end, store nothing
    std::string problem;
    std::string text;              // the wanted cells, decoded, back to back
    std::vector<std::size_t> ends; // header: each cell's end in `text`
    std::array<std::pair<std::size_t, std::size_t>, column_names.size()> spans{}; // rows: each column's cell

    std::optional<provision_item> next();
    void read_header();
    row_end read_row();
    std::optional<row_end> step(char const*& p, char const* e);
    std::optional<row_end> unquoted(char const*& p, char const* e);
    void quoted(char const*& p, char const* e);
    std::optional<row_end> after_quote(char const*& p);
    row_end at_input_end();
    provision_item user_of_row() const;

    void start_cell()
    {
        cell_begin = text.size();
        want = !discard && (!header_read || (cell < columns.size() && columns[cell] != column::ignored));
    }
    void end_cell()
    {
        if (want && header_read)
            spans[static_cast<std::size_t>(columns[cell])] = {cell_begin, text.size()};
        else if (want)
            ends.push_back(text.size());
        ++cell;
        start_cell();
    }
    void fail(std::string what)
    {
        if (discard) return;
        problem = std::move(what);
        discard = true;
        want = false;
    }
    void syntax(char const* what)
    {
        fail(what + std::to_string(cell + 1));
        st = state::skip_line;
    }
    void count(std::size_t n)
    {
        row_bytes += n;
        if (row_bytes > max_row_bytes && !discard) fail(detail::too_long("row", max_row_bytes));
    }
    void skip(char const*& p, std::size_t counted) // consumes a syntax byte (`counted`: 1, or 0 for a CR)
    {
        ++p;
        count(counted);
    }
    void take(char const*& p, char const* q) // consumes cell text
    {
        count(static_cast<std::size_t>(q - p));
        if (want) text.append(p, q);
        p = q;
    }
    void next_cell(char const*& p) // at a comma
    {
        skip(p, 1);
        end_cell();
        st = state::cell_start;
    }
    row_end end_line(char const*& p) // at the LF
    {
        ++p;
        ++line;
        end_cell();
        return row_bytes == 0 ? row_end::blank : discard ? row_end::bad : row_end::row;
    }
    std::optional<std::string> cell_of(column c) const // an empty cell is absent
    {
        auto const [b, e] = spans[static_cast<std::size_t>(c)];
        if (b == e) return std::nullopt;
        return std::string(text, b, e - b);
    }
};

csv_user_reader::impl::row_end csv_user_reader::impl::read_row()
{
    row_line = line;
    row_bytes = cell = 0;
    text.clear();
    ends.clear();
    spans.fill({0, 0});
    discard = false;
    st = state::cell_start;
    start_cell();
    for (;;) {
        if (src.begin == src.end && !src.fill()) return at_input_end();
        if (auto r = step(src.begin, src.end)) return *r;
    }
}

// Consumes some of [p, e) (p != e); a value when the row ended.
std::optional<csv_user_reader::impl::row_end> csv_user_reader::impl::step(char const*& p, char const* e)
{
    switch (st) {
    case state::cell_start:
        st = *p == '"' ? state::quoted : state::unquoted;
        if (st == state::quoted) skip(p, 1);
        return std::nullopt;
    case state::unquoted: return unquoted(p, e);
    case state::quoted: quoted(p, e); return std::nullopt;
    case state::quote_in_quoted: return after_quote(p);
    case state::cr:
        if (*p == '\n') return end_line(p);
        count(1); // a CR without LF is data
        if (want) text += '\r';
        st = state::unquoted;
        return std::nullopt;
    case state::cr_after_quote:
        if (*p == '\n') return end_line(p);
        syntax("text after the closing quote of field ");
        return std::nullopt;
    case state::skip_line: {
        auto const* lf = static_cast<char const*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
        p = lf == nullptr ? e : lf + 1;
        if (lf == nullptr) return std::nullopt;
        ++line;
        return row_end::bad;
    }
    }
    return std::nullopt;
}

std::optional<csv_user_reader::impl::row_end> csv_user_reader::impl::unquoted(char const*& p, char const* e)
{
    char const* q = p;
    while (q != e && *q != ',' && *q != '"' && *q != '\n' && *q != '\r')
        ++q;
    take(p, q);
    if (p == e) return std::nullopt;
    if (*p == '\n') return end_line(p);
    if (*p == '"') {
        syntax("quote inside unquoted field ");
    } else if (*p == ',') {
        next_cell(p);
    } else { // CR: a line end if LF follows
        skip(p, 0);
        st = state::cr;
    }
    return std::nullopt;
}

void csv_user_reader::impl::quoted(char const*& p, char const* e)
{
    char const* q = p;
    while (q != e && *q != '"' && *q != '\n')
        ++q;
    take(p, q);
    if (p == e) return;
    if (*p == '\n') {
        ++line;
        take(p, p + 1);
    } else {
        skip(p, 1);
        st = state::quote_in_quoted;
    }
}

std::optional<csv_user_reader::impl::row_end> csv_user_reader::impl::after_quote(char const*& p)
{
    if (*p == '"') { // "" inside quotes
        take(p, p + 1);
        st = state::quoted;
    } else if (*p == ',') {
        next_cell(p);
    } else if (*p == '\n') {
        return end_line(p);
    } else if (*p == '\r') {
        skip(p, 0);
        st = state::cr_after_quote;
    } else {
        syntax("text after the closing quote of field ");
    }
    return std::nullopt;
}

csv_user_reader::impl::row_end csv_user_reader::impl::at_input_end()
{
    if (src.failed()) return row_end::read_error;
    if (st == state::skip_line) return row_end::bad;
    if (st == state::quoted) {
        fail("unterminated quoted field " + std::to_string(cell + 1));
        return row_end::bad;
    }
    if (row_bytes == 0) return row_end::end;
    end_cell(); // the last row has no line end
    return discard ? row_end::bad : row_end::row;
}

void csv_user_reader::impl::read_header()
{
    src.skip_bom();
    row_end r = row_end::blank;
    while (r == row_end::blank)
        r = read_row();
    std::string const where = "CSV header (line " + std::to_string(row_line) + ")";
    if (r == row_end::bad) {
        header_error = where + ": " + problem;
        return;
    }
    header_read = true;
    if (r != row_end::row) return; // no header: an empty input, or a read error that next() reports
    columns.assign(ends.size(), column::ignored);
    std::array<bool, column_names.size()> seen{};
    for (std::size_t i = 0, begin = 0; i < ends.size(); begin = ends[i++]) {
        std::string_view const name(text.data() + begin, ends[i] - begin);
        auto const it = std::find(column_names.begin(), column_names.end(), name);
        if (it == column_names.end()) continue;
        auto const c = static_cast<std::size_t>(it - column_names.begin());
        if (seen[c]) {
            header_error = where + ": column " + std::string(name) + " appears twice";
            return;
        }
        seen[c] = true;
        columns[i] = static_cast<column>(c);
    }
    if (!seen[0] || !seen[1])
        header_error = where + (!seen[0] && !seen[1] ? ": missing columns loginId, email"
                                : !seen[0]           ? ": missing column loginId"
                                                     : ": missing column email");
}

std::optional<provision_item> csv_user_reader::impl::next()
{
    if (!header_error.empty()) throw std::invalid_argument(header_error);
    if (finished) return std::nullopt;
    if (!header_read) {
        read_header();
        if (!header_error.empty()) throw std::invalid_argument(header_error);
    }
    for (;;) {
        switch (read_row()) {
        case row_end::blank: continue;
        case row_end::bad: return detail::bad_row(row_line, problem);
        case row_end::end: finished = true; return std::nullopt;
        case row_end::read_error: finished = true; return detail::read_failure(row_line);
        case row_end::row: break;
        }
        return user_of_row();
    }
}

// The row's user; a date-time cell that is not RFC 3339 makes it a bad row naming the column.
provision_item csv_user_reader::impl::user_of_row() const
{
    user_create user;
    user.login_id = cell_of(column::login_id);
    user.email = cell_of(column::email);
    user.name = cell_of(column::name);
    user.family_name = cell_of(column::family_name);
    user.mobile = cell_of(column::mobile);
    user.given_name = cell_of(column::given_name);
    user.ist_level = cell_of(column::ist_level);
    user.preferred_language = cell_of(column::preferred_language);
    for (auto [c, member] : {std::pair{column::training_start_date, &user_create::training_start_date},
                             std::pair{column::training_end_date, &user_create::training_end_date}}) {
        auto const text = cell_of(c);
        if (!text) continue;
        user.*member = detail::parse_date_time(*text);
        if (!(user.*member))
            return detail::bad_row(row_line, std::string(column_names[static_cast<std::size_t>(c)]) +
                                                 ": not an RFC 3339 date-time");
    }
    return detail::checked(row_line, std::move(user));
}

csv_user_reader::csv_user_reader(std::istream& in, std::size_t max_row_bytes)
    : impl_(std::make_unique<impl>(in, max_row_bytes))
{}
csv_user_reader::~csv_user_reader() = default;
csv_user_reader::csv_user_reader(csv_user_reader&&) noexcept = default;
csv_user_reader& csv_user_reader::operator=(csv_user_reader&&) noexcept = default;

std::optional<provision_item> csv_user_reader::operator()()
{
    return impl_ ? impl_->next() : std::nullopt;
}

} // namespace igtcloud::entities
