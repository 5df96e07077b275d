// The file readers of batch provisioning: CSV (RFC 4180, header row) and JSON Lines. Every input is read
// three ways: from a std::istringstream, one byte per read (every chunk boundary falls everywhere), and, for
// the large generated inputs, from a file.
#include <igtcloud/entities/models.hpp>
#include <igtcloud/entities/provision.hpp>

#include <boost/system/errc.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include <unistd.h>

namespace entities = igtcloud::entities;
using lines = std::vector<std::string>;

namespace {

// An input that gives one byte per read when `trickle`, and throws from the stream buffer (which the
// istream turns into badbit) when it reaches `fail_at`.
class test_buf : public std::streambuf {
public:
    explicit test_buf(std::string data, bool trickle, std::size_t fail_at = std::string::npos)
        : data_(std::move(data))
        , trickle_(trickle)
        , fail_at_(std::min(fail_at, data_.size()))
    {}

protected:
    int_type underflow() override
    {
        if (pos_ == fail_at_ && fail_at_ < data_.size()) throw std::runtime_error("the disk is on fire");
        if (pos_ == data_.size()) return traits_type::eof();
        std::size_t const n = trickle_ ? 1 : fail_at_ - pos_;
        char* p = data_.data() + pos_;
        setg(p, p, p + n);
        pos_ += n;
        return traits_type::to_int_type(*p);
    }

private:
    std::string data_;
    bool trickle_;
    std::size_t fail_at_;
    std::size_t pos_ = 0;
};

std::string show(std::optional<std::string> const& s)
{
    return s ? *s : "-";
}

// "2 ok ada|ada@example.org|Ada|Lovelace|+44" (absent members as "-"), or "17 bad line 17: missing email"
// (error::invalid_argument), or "17 io line 17: read error" (errc::io_error).
std::string describe(entities::provision_item const& item)
{
    std::string text = std::to_string(item.line);
    if (item.user) {
        auto const& u = *item.user;
        return text + " ok " + show(u.login_id) + '|' + show(u.email) + '|' + show(u.name) + '|' +
               show(u.family_name) + '|' + show(u.mobile);
    }
    auto const& e = item.user.error();
    if (e.code == entities::error::invalid_argument)
        text += " bad ";
    else if (e.code == boost::system::errc::io_error)
        text += " io ";
    else
        text += " ?" + e.code.to_string() + ' ';
    if (e.status != 0) text += "status " + std::to_string(e.status) + ' ';
    return text + e.message;
}

// The 2023 members of each item: "ok Grace|expert|en|{\"trainingStartDate\":...}" (the dates as encoded), or
// "bad <message>".
template <class Reader>
lines describe_2023(std::string const& text)
{
    std::istringstream in(text);
    Reader reader(in);
    lines out;
    while (auto item = reader()) {
        if (!item->user) {
            out.push_back("bad " + item->user.error().message);
            continue;
        }
        auto const& u = *item->user;
        entities::user_create dates{.training_start_date = u.training_start_date,
                                    .training_end_date = u.training_end_date};
        out.push_back("ok " + show(u.given_name) + '|' + show(u.ist_level) + '|' +
                      show(u.preferred_language) + '|' + entities::encode(dates));
    }
    return out;
}

// Reads to the end, then checks that the end stays the end.
template <class Reader>
lines drain(Reader& reader)
{
    lines out;
    while (auto item = reader())
        out.push_back(describe(*item));
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(!reader().has_value());
    return out;
}

template <class Reader>
lines read_stream(std::istream& in, std::size_t limit)
{
    Reader reader(in, limit);
    return drain(reader);
}

// The items of `text` read whole from an istringstream; a one-byte-per-read stream must give the same.
template <class Reader>
lines read_all(std::string const& text, std::size_t limit = 1u << 20)
{
    std::istringstream whole(text);
    auto const got = read_stream<Reader>(whole, limit);
    test_buf buf(text, true);
    std::istream trickle(&buf);
    auto const trickled = read_stream<Reader>(trickle, limit);
    BOOST_TEST(trickled == got, boost::test_tools::per_element());
    return got;
}

lines csv(std::string const& text, std::size_t limit = 1u << 20)
{
    return read_all<entities::csv_user_reader>(text, limit);
}

lines jsonl(std::string const& text, std::size_t limit = 1u << 20)
{
    return read_all<entities::jsonl_user_reader>(text, limit);
}

// The message of the std::invalid_argument the first call throws (the same on the next call).
std::string csv_header_error(std::string const& text)
{
    std::istringstream in(text);
    entities::csv_user_reader reader(in);
    std::string first;
    try {
        reader();
        BOOST_ERROR("no exception");
    } catch (std::invalid_argument const& e) {
        first = e.what();
    }
    BOOST_CHECK_EXCEPTION(reader(), std::invalid_argument, [&](auto const& e) { return e.what() == first; });
    return first;
}

// A temporary file removed on scope exit.
struct temp_file {
    std::filesystem::path path;
    explicit temp_file(std::string const& text)
        : path(std::filesystem::temp_directory_path() /
               ("igtcloud-readers-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
    {
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_file() { std::filesystem::remove(path); }
    static inline int counter = 0;
};

// 10,000 users; every 97th (line 97k + 1, the header being line 1) is bad, in turn: no email, a quote
// inside an unquoted field, text after a closing quote, no loginId. Every 10th user has a quoted name
// spanning two physical lines, so rows and lines part ways. Returns the text and the failures expected.
struct generated {
    std::string text;
    lines failures;
    std::size_t rows = 0;
};

generated generate_csv()
{
    generated g;
    g.text = "email,loginId,name,familyName,mobile\r\n";
    std::size_t line = 2;
    for (std::size_t i = 1; i <= 10000; ++i, ++line) {
        auto const id = "user" + std::to_string(i);
        auto const l = std::to_string(line);
        if (i % 97 == 0) {
            switch ((i / 97) % 4) {
            case 0:
                g.text += "," + id + ",N,F,1\r\n";
                g.failures.push_back(l + " bad line " + l + ": missing email");
                break;
            case 1:
                g.text += id + "@x.org," + id + ",N\"ame,F,1\r\n";
                g.failures.push_back(l + " bad line " + l + ": quote inside unquoted field 3");
                break;
            case 2:
                g.text += id + "@x.org,\"" + id + "\"x,N,F,1\r\n";
                g.failures.push_back(l + " bad line " + l + ": text after the closing quote of field 2");
                break;
            default:
                g.text += id + "@x.org,,N,F,1\r\n";
                g.failures.push_back(l + " bad line " + l + ": missing loginId");
            }
            continue;
        }
        ++g.rows;
        if (i % 10 == 0) {
            g.text += id + "@x.org," + id + ",\"Name,\r\n\"\"" + id + "\"\"\",Family,\r\n";
            ++line;
        } else {
            g.text += id + "@x.org," + id + ",Name " + id + ",Family,+1 555 " + std::to_string(i) + "\n";
        }
    }
    return g;
}

generated generate_jsonl()
{
    generated g;
    for (std::size_t i = 1; i <= 10000; ++i) {
        auto const id = "user" + std::to_string(i);
        auto const l = std::to_string(i);
        if (i % 97 == 0) {
            switch ((i / 97) % 4) {
            case 0:
                g.text += R"({"loginId":")" + id + "\"}\n";
                g.failures.push_back(l + " bad line " + l + ": missing email");
                break;
            case 1:
                g.text += R"({"loginId":")" + id + R"(","email":)" + "\n";
                g.failures.push_back(l + " bad line " + l + ": malformed JSON: incomplete JSON");
                break;
            case 2:
                g.text += R"({"loginId":")" + id + R"(","email":"e","mobile":5})" + "\r\n";
                g.failures.push_back(l + " bad line " + l + ": mobile: expected a string, got a number");
                break;
            default:
                g.text += "[]\n";
                g.failures.push_back(l + " bad line " + l +
                                     ": JSON document: expected an object, got an array");
            }
            continue;
        }
        ++g.rows;
        g.text += R"({"loginId":")" + id + R"(","email":")" + id + R"(@x.org","name":"N","familyName":"F"})" +
                  (i % 2 == 0 ? "\r\n" : "\n");
    }
    return g;
}

// Checks the generated input's items: counts, and every failure at its line with its message.
void check_generated(generated const& g, lines const& got)
{
    lines failures;
    std::size_t ok = 0;
    for (auto const& item : got) {
        if (item.find(" ok ") != std::string::npos)
            ++ok;
        else
            failures.push_back(item);
    }
    BOOST_TEST(got.size() == 10000u);
    BOOST_TEST(ok == g.rows);
    BOOST_TEST(failures.size() == 103u);
    BOOST_TEST(failures == g.failures, boost::test_tools::per_element());
}

} // namespace

BOOST_AUTO_TEST_SUITE(provision_readers)

// ------------------------------------------------------------------------------------------------- CSV

BOOST_AUTO_TEST_CASE(csv_reads_every_column_on_canonical_header)
{
    BOOST_TEST(csv("loginId,email,name,familyName,mobile\n"
                   "ada,ada@example.org,Ada,Lovelace,+44 20 7946 0000\n"
                   "alan,alan@example.org,Alan,Turing,+44 161 000\n") ==
                   (lines{"2 ok ada|ada@example.org|Ada|Lovelace|+44 20 7946 0000",
                          "3 ok alan|alan@example.org|Alan|Turing|+44 161 000"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_maps_columns_on_every_column_order)
{
    std::array<std::string, 5> names{"email", "familyName", "loginId", "mobile", "name"}; // sorted
    auto const value_of = [](std::string const& name) -> std::string {
        if (name == "email") return "e@x.org";
        if (name == "familyName") return "F";
        if (name == "loginId") return "id";
        if (name == "mobile") return "+1";
        return "N";
    };
    int orders = 0;
    do {
        std::string header, row;
        for (auto const& name : names) {
            header += (header.empty() ? "" : ",") + name;
            row += (row.empty() ? "" : ",") + value_of(name);
        }
        BOOST_TEST(csv(header + "\n" + row + "\n") == lines{"2 ok id|e@x.org|N|F|+1"}, header);
        ++orders;
    } while (std::next_permutation(names.begin(), names.end()));
    BOOST_TEST(orders == 120);
}

BOOST_AUTO_TEST_CASE(csv_ignores_extra_columns_on_unknown_names)
{
    BOOST_TEST(csv("id,loginId,notes,email,,LoginId,Name\n"
                   "7,ada,\"likes, commas\",ada@x.org,z,shadow,Shadow\n") ==
                   lines{"2 ok ada|ada@x.org|-|-|-"},
               boost::test_tools::per_element());
    BOOST_TEST(csv("email,loginId\n"
                   "a@x.org,a\n") == lines{"2 ok a|a@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(csv_reads_absent_on_empty_optional_cells)
{
    BOOST_TEST(csv("loginId,email,name,familyName,mobile\n"
                   "a,a@x.org,,,\n"
                   "b,b@x.org,\"\",\"\",\"\"\n"
                   "c,c@x.org, , ,\" \"\n") ==
                   (lines{"2 ok a|a@x.org|-|-|-", "3 ok b|b@x.org|-|-|-", "4 ok c|c@x.org| | | "}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reads_missing_cells_as_empty_on_short_rows)
{
    BOOST_TEST(csv("loginId,email,name,familyName,mobile\n"
                   "a,a@x.org,Ada\n"
                   "b,b@x.org\n"
                   "c\n"
                   "d,d@x.org,D,E,F,surplus,cells\n") ==
                   (lines{"2 ok a|a@x.org|Ada|-|-", "3 ok b|b@x.org|-|-|-", "4 bad line 4: missing email",
                          "5 ok d|d@x.org|D|E|F"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_skips_bom_on_start_of_input)
{
    BOOST_TEST(csv("\xEF\xBB\xBFloginId,email\na,a@x.org\n") == lines{"2 ok a|a@x.org|-|-|-"});
    BOOST_TEST(csv("\xEF\xBB\xBF\"loginId\",email\na,a@x.org\n") == lines{"2 ok a|a@x.org|-|-|-"});
    BOOST_TEST(csv("\xEF\xBB\xBF").empty());
    // Not a whole BOM: part of the first column's name.
    BOOST_TEST(csv_header_error("\xEF\xBBloginId,email\n") == "CSV header (line 1): missing column loginId");
}

BOOST_AUTO_TEST_CASE(csv_keeps_bom_on_later_bytes)
{
    BOOST_TEST(csv("loginId,email\n\xEF\xBB\xBF"
                   "a,a@x.org\n") == lines{"2 ok \xEF\xBB\xBF"
                                           "a|a@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(csv_decodes_quoted_fields_on_commas_quotes_and_line_breaks)
{
    BOOST_TEST(csv("loginId,email,name,familyName,mobile\n"
                   "\"a,1\",\"a@x.org\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"lf\nonly\"\n"
                   "\"\"\"\",b@x.org,\"\"\"\"\"\",\",\",\"\r\"\n"
                   "c,c@x.org,\"\n\n\",\"a\"\"\r\n\"\"b\",x\r\n"
                   "d,d@x.org\n") ==
                   (lines{"2 ok a,1|a@x.org|say \"hi\"|two\r\nlines|lf\nonly", "5 ok \"|b@x.org|\"\"|,|\r",
                          "6 ok c|c@x.org|\n\n|a\"\r\n\"b|x", "10 ok d|d@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reads_rows_on_crlf_lf_and_missing_last_line_end)
{
    BOOST_TEST(csv("loginId,email\r\na,a@x.org\r\nb,b@x.org\nc,c@x.org") ==
                   (lines{"2 ok a|a@x.org|-|-|-", "3 ok b|b@x.org|-|-|-", "4 ok c|c@x.org|-|-|-"}),
               boost::test_tools::per_element());
    BOOST_TEST(csv("loginId,email\r\na,\"a@x.org\"") == lines{"2 ok a|a@x.org|-|-|-"});
    BOOST_TEST(csv("loginId,email\r\na,a@x.org\r") == lines{"2 ok a|a@x.org|-|-|-"});
    BOOST_TEST(csv("loginId,email\r\na,\"a@x.org\"\r") == lines{"2 ok a|a@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(csv_keeps_cr_as_data_on_cr_without_lf)
{
    BOOST_TEST(csv("loginId,email,name\na,a@x.org,x\ry\nb,b@x.org,\r\r\n") ==
                   (lines{"2 ok a|a@x.org|x\ry|-|-", "3 ok b|b@x.org|\r|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_skips_empty_lines_on_lf_and_crlf)
{
    BOOST_TEST(csv("\n\r\nloginId,email\n\na,a@x.org\r\n\r\n\nb,b@x.org\n\n") ==
                   (lines{"5 ok a|a@x.org|-|-|-", "8 ok b|b@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reports_missing_login_id_or_email_on_absent_or_empty_cells)
{
    BOOST_TEST(
        csv("name,loginId,email\n"
            "N,,a@x.org\n"
            "N,b,\n"
            "N,\"\",\"\"\n"
            ",\n"
            "N\n"
            "N,f,f@x.org\n") ==
            (lines{"2 bad line 2: missing loginId", "3 bad line 3: missing email",
                   "4 bad line 4: missing loginId and email", "5 bad line 5: missing loginId and email",
                   "6 bad line 6: missing loginId and email", "7 ok f|f@x.org|N|-|-"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reports_broken_quoting_and_continues_on_next_row)
{
    BOOST_TEST(csv("loginId,email,name\n"
                   "a,a@x.org,Ad\"a\n"
                   "b,\"b@x.org\"x,B\n"
                   "c,\"c@x.org\" ,C\n"
                   "d,\"d@x.org\"\rx,D\n"
                   "\"e\nstill e\",e@x.org,\"E\"!\n"
                   "f,f@x.org,F\n"
                   "g,g@x.org,\"unterminated\nh,h@x.org,H\n") ==
                   (lines{"2 bad line 2: quote inside unquoted field 3",
                          "3 bad line 3: text after the closing quote of field 2",
                          "4 bad line 4: text after the closing quote of field 2",
                          "5 bad line 5: text after the closing quote of field 2",
                          "6 bad line 6: text after the closing quote of field 3", "8 ok f|f@x.org|F|-|-",
                          "9 bad line 9: unterminated quoted field 3"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_skips_rest_of_physical_line_on_broken_quoting)
{
    // After a stray quote the rest of the line is skipped as it is: its quotes open nothing.
    BOOST_TEST(csv("loginId,email\n"
                   "a\"b,\"x\n"
                   "c,c@x.org\n") ==
                   (lines{"2 bad line 2: quote inside unquoted field 1", "3 ok c|c@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reports_long_row_and_continues_on_max_row_bytes)
{
    // Limit 20: a row of exactly 20 bytes (line end excluded) is read, 21 is refused.
    BOOST_TEST(csv("loginId,email\n"
                   "aaaaaaa,bbbbbbbbbbbb\r\n"         // 20
                   "aaaaaaa,bbbbbbbbbbbbb\r\n"        // 21
                   "\"a\",\"b\nc\"\"d\",0123456789\n" // quoted, spanning lines, over the limit
                   "c,c@x.org\n"
                   "aaaaaaa,bbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n" // over the limit, then broken quoting
                   "d,d@x.org",
                   20) == (lines{"2 ok aaaaaaa|bbbbbbbbbbbb|-|-|-", "3 bad line 3: row longer than 20 bytes",
                                 "4 bad line 4: row longer than 20 bytes", "6 ok c|c@x.org|-|-|-",
                                 "7 bad line 7: row longer than 20 bytes", "8 ok d|d@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_skips_huge_row_on_max_row_bytes)
{
    // 8 MiB in one quoted, multi-line cell with a 1 KiB limit: refused, and the next row is read.
    std::string big = "loginId,email\na,\"";
    for (int i = 0; i < 8 * 1024; ++i)
        big += std::string(1023, 'x') + (i % 2 == 0 ? "\n" : "\"\"");
    big += "\"\nb,b@x.org\n";
    std::istringstream in(big);
    entities::csv_user_reader reader(in, 1024);
    BOOST_TEST(drain(reader) ==
                   (lines{"2 bad line 2: row longer than 1024 bytes", "4099 ok b|b@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_throws_on_header_without_login_id_or_email)
{
    BOOST_TEST(csv_header_error("email,name\na@x.org,A\n") == "CSV header (line 1): missing column loginId");
    BOOST_TEST(csv_header_error("\n\nloginId,name\n") == "CSV header (line 3): missing column email");
    BOOST_TEST(csv_header_error("LoginId,Email\n") == "CSV header (line 1): missing columns loginId, email");
    BOOST_TEST(csv_header_error("loginId ,email\n") == "CSV header (line 1): missing column loginId");
    BOOST_TEST(csv_header_error("loginId,email,loginId\n") ==
               "CSV header (line 1): column loginId appears twice");
    BOOST_TEST(csv_header_error("loginId,\"email\n") == "CSV header (line 1): unterminated quoted field 2");
    BOOST_TEST(csv_header_error("login\"Id,email\n") == "CSV header (line 1): quote inside unquoted field 1");
}

BOOST_AUTO_TEST_CASE(csv_throws_on_header_over_max_row_bytes)
{
    std::istringstream in("loginId,email,name\na,a@x.org\n");
    entities::csv_user_reader reader(in, 10);
    BOOST_CHECK_EXCEPTION(reader(), std::invalid_argument, [](auto const& e) {
        return std::string(e.what()) == "CSV header (line 1): row longer than 10 bytes";
    });
}

BOOST_AUTO_TEST_CASE(csv_ends_at_once_on_empty_input)
{
    BOOST_TEST(csv("").empty());
    BOOST_TEST(csv("\n\r\n\n").empty());
    BOOST_TEST(csv("loginId,email").empty());
    BOOST_TEST(csv("loginId,email\r\n\r\n").empty());
}

BOOST_AUTO_TEST_CASE(csv_continues_after_move_on_moved_reader)
{
    std::istringstream in("loginId,email\na,a@x.org\nb,b@x.org\nc,c@x.org\n");
    entities::csv_user_reader first(in);
    BOOST_TEST(describe(*first()) == "2 ok a|a@x.org|-|-|-");
    entities::csv_user_reader second(std::move(first));
    BOOST_TEST(describe(*second()) == "3 ok b|b@x.org|-|-|-");
    first = std::move(second);
    BOOST_TEST(drain(first) == lines{"4 ok c|c@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(csv_reports_read_error_once_on_badbit)
{
    std::string const text = "loginId,email\na,a@x.org\nb,b@x.org\nc,c@";
    for (bool trickle : {false, true}) {
        test_buf buf(text, trickle, text.size() - 3); // fails inside row 4
        std::istream in(&buf);
        entities::csv_user_reader reader(in);
        BOOST_TEST(drain(reader) ==
                       (lines{"2 ok a|a@x.org|-|-|-", "3 ok b|b@x.org|-|-|-", "4 io line 4: read error"}),
                   boost::test_tools::per_element());
        BOOST_TEST(in.bad());
    }
    // With exceptions enabled on the stream: the same, nothing thrown.
    test_buf buf(text, false, 5);
    std::istream in(&buf);
    in.exceptions(std::ios_base::badbit | std::ios_base::failbit);
    entities::csv_user_reader reader(in);
    BOOST_TEST(drain(reader) == lines{"1 io line 1: read error"});
}

BOOST_AUTO_TEST_CASE(reads_to_end_without_throwing_on_stream_with_exceptions_enabled)
{
    auto const all = std::ios_base::badbit | std::ios_base::failbit | std::ios_base::eofbit;
    std::istringstream csv_in("loginId,email\na,a@x.org\n");
    csv_in.exceptions(all);
    entities::csv_user_reader csv_reader(csv_in);
    BOOST_TEST(drain(csv_reader) == lines{"2 ok a|a@x.org|-|-|-"});
    std::istringstream jsonl_in(R"({"loginId":"a","email":"a@x.org"})");
    jsonl_in.exceptions(all);
    entities::jsonl_user_reader jsonl_reader(jsonl_in);
    BOOST_TEST(drain(jsonl_reader) == lines{"1 ok a|a@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(csv_reports_read_error_on_file_that_did_not_open)
{
    std::ifstream in("/nonexistent/igtcloud/users.csv");
    entities::csv_user_reader reader(in);
    BOOST_TEST(drain(reader) == lines{"1 io line 1: read error"});
}

BOOST_AUTO_TEST_CASE(csv_reads_every_row_on_10000_generated_rows)
{
    auto const g = generate_csv();
    check_generated(g, csv(g.text));
    temp_file file(g.text);
    std::ifstream in(file.path, std::ios::binary);
    check_generated(g, read_stream<entities::csv_user_reader>(in, 1u << 20));
}

BOOST_AUTO_TEST_CASE(csv_reports_exact_lines_on_generated_rows)
{
    auto const g = generate_csv();
    auto const got = csv(g.text);
    BOOST_TEST_REQUIRE(got.size() == 10000u);
    BOOST_TEST(got.front() == "2 ok user1|user1@x.org|Name user1|Family|+1 555 1");
    BOOST_TEST(got[9] == "11 ok user10|user10@x.org|Name,\r\n\"user10\"|Family|-");
    BOOST_TEST(got[10] == "13 ok user11|user11@x.org|Name user11|Family|+1 555 11");
    BOOST_TEST(got.back() == "10990 ok user10000|user10000@x.org|Name,\r\n\"user10000\"|Family|-");
}

// ------------------------------------------------------------------------------------------ JSON Lines

BOOST_AUTO_TEST_CASE(jsonl_reads_users_on_valid_lines)
{
    BOOST_TEST(
        jsonl(R"({"loginId":"ada","email":"ada@x.org","name":"Ada","familyName":"Lovelace","mobile":"+44"})"
              "\n"
              R"({"email":"b@x.org","loginId":"b","unknown":{"deep":[1,2]},"name":null})"
              "\r\n"
              R"(  {"loginId":"c\u00e9","email":"c@x.org","name":""}  )") ==
            (lines{"1 ok ada|ada@x.org|Ada|Lovelace|+44", "2 ok b|b@x.org|-|-|-",
                   "3 ok c\xC3\xA9|c@x.org||-|-"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jsonl_skips_blank_lines_on_whitespace)
{
    BOOST_TEST(jsonl("\n \t\r\n\r\n"
                     R"({"loginId":"a","email":"a@x.org"})"
                     "\n\n   \n") == lines{"4 ok a|a@x.org|-|-|-"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jsonl_skips_bom_on_start_of_input)
{
    BOOST_TEST(jsonl("\xEF\xBB\xBF"
                     R"({"loginId":"a","email":"a@x.org"})") == lines{"1 ok a|a@x.org|-|-|-"});
    BOOST_TEST(jsonl("\xEF\xBB\xBF").empty());
}

BOOST_AUTO_TEST_CASE(jsonl_reports_bad_lines_and_continues_on_next_line)
{
    BOOST_TEST(jsonl(R"({"loginId":"a"})"
                     "\n"
                     R"({"email":"b@x.org"})"
                     "\n"
                     R"({"loginId":"","email":null})"
                     "\n"
                     R"({"loginId":5,"email":"d@x.org"})"
                     "\n"
                     R"([{"loginId":"e"}])"
                     "\n"
                     "\"f\"\n"
                     R"({"loginId":"g","email":"g@x.org")"
                     "\n"
                     R"({"loginId":"h","email":"h@x.org"} x)"
                     "\n"
                     "nope\n"
                     R"({"loginId":"j","email":"j@x.org"})"
                     "\n") == (lines{"1 bad line 1: missing email", "2 bad line 2: missing loginId",
                                     "3 bad line 3: missing loginId and email",
                                     "4 bad line 4: loginId: expected a string, got a number",
                                     "5 bad line 5: JSON document: expected an object, got an array",
                                     "6 bad line 6: JSON document: expected an object, got a string",
                                     "7 bad line 7: malformed JSON: incomplete JSON",
                                     "8 bad line 8: malformed JSON: extra data",
                                     "9 bad line 9: malformed JSON: syntax error", "10 ok j|j@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jsonl_reports_long_line_and_continues_on_max_line_bytes)
{
    std::string const at_limit = R"({"loginId":"a","email":"a@x.org"})"; // 33 bytes
    std::string const over = R"({"loginId":"a","email":"a@x.orgg"})";    // 34 bytes
    BOOST_TEST(jsonl(at_limit + "\n" + at_limit + "\r\n" + over + "\n" + over + "\r\n" +
                         std::string(100000, ' ') + "\n" + at_limit,
                     33) == (lines{"1 ok a|a@x.org|-|-|-", "2 ok a|a@x.org|-|-|-",
                                   "3 bad line 3: line longer than 33 bytes",
                                   "4 bad line 4: line longer than 33 bytes",
                                   "5 bad line 5: line longer than 33 bytes", "6 ok a|a@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jsonl_reads_line_on_line_longer_than_a_chunk)
{
    std::string const name(200000, 'n');
    BOOST_TEST(jsonl(R"({"loginId":"a","email":"a@x.org","name":")" + name + "\"}\n" +
                     R"({"loginId":"b","email":"b@x.org"})") ==
                   (lines{"1 ok a|a@x.org|" + name + "|-|-", "2 ok b|b@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jsonl_ends_at_once_on_empty_input)
{
    BOOST_TEST(jsonl("").empty());
    BOOST_TEST(jsonl("\n\r\n  \n").empty());
}

BOOST_AUTO_TEST_CASE(jsonl_reports_read_error_once_on_badbit)
{
    std::string const text = R"({"loginId":"a","email":"a@x.org"})"
                             "\n"
                             R"({"loginId":"b")";
    for (bool trickle : {false, true}) {
        test_buf buf(text, trickle, text.size() - 2);
        std::istream in(&buf);
        entities::jsonl_user_reader reader(in);
        BOOST_TEST(drain(reader) == (lines{"1 ok a|a@x.org|-|-|-", "2 io line 2: read error"}),
                   boost::test_tools::per_element());
    }
    std::ifstream missing("/nonexistent/igtcloud/users.jsonl");
    entities::jsonl_user_reader reader(missing);
    BOOST_TEST(drain(reader) == lines{"1 io line 1: read error"});
}

BOOST_AUTO_TEST_CASE(jsonl_continues_after_move_on_moved_reader)
{
    std::istringstream in(R"({"loginId":"a","email":"a@x.org"})"
                          "\n"
                          R"({"loginId":"b","email":"b@x.org"})");
    entities::jsonl_user_reader first(in);
    BOOST_TEST(describe(*first()) == "1 ok a|a@x.org|-|-|-");
    entities::jsonl_user_reader second(std::move(first));
    BOOST_TEST(drain(second) == lines{"2 ok b|b@x.org|-|-|-"});
}

BOOST_AUTO_TEST_CASE(jsonl_reads_every_line_on_10000_generated_lines)
{
    auto const g = generate_jsonl();
    check_generated(g, jsonl(g.text));
    temp_file file(g.text);
    std::ifstream in(file.path, std::ios::binary);
    check_generated(g, read_stream<entities::jsonl_user_reader>(in, 1u << 20));
}

// ------------------------------------------------------------------------------------ the 2023 columns

BOOST_AUTO_TEST_CASE(csv_reads_2023_columns_on_header_with_them)
{
    std::string const text =
        "trainingEndDate,loginId,givenName,email,istLevel,preferredLanguage,familyName,"
        "trainingStartDate\n"
        "2024-06-30T17:00:00Z,grace,Grace,g@x.org,expert,en,Hopper,2024-01-31T09:00:00+01:00\n"
        ",ada,,a@x.org,,,,\n";
    BOOST_TEST(describe_2023<entities::csv_user_reader>(text) ==
                   (lines{R"(ok Grace|expert|en|{"trainingStartDate":"2024-01-31T08:00:00Z",)"
                          R"("trainingEndDate":"2024-06-30T17:00:00Z"})",
                          "ok -|-|-|{}"}),
               boost::test_tools::per_element());
    // the seed columns are still read beside them, through every chunking
    BOOST_TEST(csv(text) == (lines{"2 ok grace|g@x.org|-|Hopper|-", "3 ok ada|a@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_reports_bad_row_and_continues_on_bad_training_date)
{
    std::string const text = "loginId,email,trainingStartDate,trainingEndDate\n"
                             "a,a@x.org,2024-01-31,\n"
                             "b,b@x.org,,tomorrow\n"
                             "c,c@x.org,2024-02-29T00:00:00Z,\n";
    BOOST_TEST(csv(text) == (lines{"2 bad line 2: trainingStartDate: not an RFC 3339 date-time",
                                   "3 bad line 3: trainingEndDate: not an RFC 3339 date-time",
                                   "4 ok c|c@x.org|-|-|-"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(csv_throws_on_2023_column_named_twice)
{
    BOOST_TEST(csv_header_error("loginId,email,givenName,givenName\n") ==
               "CSV header (line 1): column givenName appears twice");
}

BOOST_AUTO_TEST_CASE(jsonl_reads_2023_members_on_user_request_lines)
{
    std::string const text =
        R"({"loginId":"grace","email":"g@x.org","givenName":"Grace","familyName":"Hopper","istLevel":"expert",)"
        R"("preferredLanguage":"en","trainingStartDate":"2024-01-31T09:00:00Z","trainingEndDate":null})"
        "\n"
        R"({"loginId":"bad","email":"b@x.org","trainingEndDate":"2024-13-01T00:00:00Z"})"
        "\n";
    BOOST_TEST(describe_2023<entities::jsonl_user_reader>(text) ==
                   (lines{R"(ok Grace|expert|en|{"trainingStartDate":"2024-01-31T09:00:00Z"})",
                          "bad line 2: trainingEndDate: not an RFC 3339 date-time"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
