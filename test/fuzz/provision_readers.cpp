// Fuzz target: the CSV and JSON Lines readers of batch provisioning (src/entities/provision).
//
// Input: byte 0 picks the reader (bit 0: CSV or JSON Lines); byte 1 the size of the pieces the stream
// hands out (0: all at once; else 1-255 bytes per underflow, so rows and lines straddle chunks); byte 2 the
// row / line limit (0: the default 1 MiB; else 1-255 bytes); the rest is the file.
// Oracles: no sanitizer report; the same items whether the stream comes whole or in pieces; item lines
// strictly increase and never exceed the input's lines; a good item has a non-empty loginId and email; a bad
// one is error::invalid_argument with "line N: "; after the end, the end again; a CSV header error is
// std::invalid_argument, thrown again by the next call.
#include <igtcloud/entities/provision.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <istream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"

namespace {

namespace e = igtcloud::entities;

using igtcloud::fuzz::check;

/// A stream buffer that hands out its bytes `piece` at a time, as a pipe would.
class trickle_buf : public std::streambuf {
public:
    trickle_buf(std::string_view data, std::size_t piece) : data_(data), piece_(piece) {}

protected:
    int_type underflow() override
    {
        if (gptr() != nullptr && gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (pos_ == data_.size()) return traits_type::eof();
        auto const n = std::min(piece_, data_.size() - pos_);
        auto* begin = const_cast<char*>(data_.data() + pos_);
        setg(begin, begin, begin + n);
        pos_ += n;
        return traits_type::to_int_type(*begin);
    }

private:
    std::string_view data_;
    std::size_t piece_;
    std::size_t pos_ = 0;
};

/// What a reader yields, as comparable text: one entry per item, or the header error.
std::vector<std::string> read_all(bool csv, std::istream& in, std::size_t limit, std::size_t max_items)
{
    std::vector<std::string> out;
    auto run = [&](auto reader) {
        std::size_t last_line = 0;
        for (;;) {
            std::optional<e::provision_item> item;
            try {
                item = reader();
            } catch (std::invalid_argument const& ex) {
                check(csv && out.empty());
                out.push_back(std::string("header: ") + ex.what());
                try {
                    reader();
                    check(false);
                } catch (std::invalid_argument const& again) {
                    check(std::string_view(again.what()) == ex.what());
                }
                return;
            }
            if (!item) break;
            check(item->line > last_line && item->line <= max_items);
            last_line = item->line;
            std::string entry = std::to_string(item->line) + ": ";
            if (item->user) {
                check(item->user->login_id && !item->user->login_id->empty());
                check(item->user->email && !item->user->email->empty());
                entry += e::encode(*item->user);
            } else {
                check(item->user.error().code == e::error::invalid_argument);
                check(item->user.error().message.starts_with("line " + std::to_string(item->line) + ": "));
                entry += item->user.error().message;
            }
            out.push_back(std::move(entry));
        }
        check(!reader() && !reader());
    };
    if (csv)
        run(e::csv_user_reader(in, limit));
    else
        run(e::jsonl_user_reader(in, limit));
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 3) return 0;
    bool const csv = (data[0] & 1) == 0;
    std::size_t const piece = data[1];
    std::size_t const limit = data[2] == 0 ? std::size_t{1} << 20 : data[2];
    std::string_view const file{reinterpret_cast<char const*>(data + 3), size - 3};
    auto const lines = static_cast<std::size_t>(std::count(file.begin(), file.end(), '\n')) + 1;

    std::istringstream whole{std::string(file)};
    auto const expected = read_all(csv, whole, limit, lines);
    if (piece != 0) {
        trickle_buf buf{file, piece};
        std::istream in{&buf};
        check(read_all(csv, in, limit, lines) == expected);
    }
    return 0;
}
