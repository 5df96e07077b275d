// The streaming inflater without sockets: bodies compressed at test time by zlib itself in the three formats
// (gzip, zlib-wrapped deflate, raw deflate), decoded whole, a byte at a time and in random pieces;
// truncation, bad trailers, garbage, the decoded-bytes limit and a gzip bomb.
#include <igtcloud/entities/error.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "entities/transport/inflater.hpp"
#include "support/zlib_compress.hpp"
#include <zlib.h>

namespace {

namespace ent = igtcloud::entities;
using boost::system::error_code;
using ent::detail::content_coding;
namespace detail = ent::detail;
using igtcloud::test::compress;
using igtcloud::test::compressor;
using igtcloud::test::format;
using namespace std::string_view_literals;

content_coding coding_of(format f)
{
    return f == format::gzip ? content_coding::gzip : content_coding::deflate;
}

char const* name_of(format f)
{
    return f == format::gzip ? "gzip" : f == format::zlib ? "deflate (zlib header)" : "deflate (raw)";
}

constexpr format all_formats[] = {format::gzip, format::zlib, format::raw};

/// About 200 KB of JSON-like text with incompressible stretches, so that decoded pieces fill windows
/// unevenly.
std::string const& sample()
{
    static std::string const text = [] {
        std::string s;
        std::mt19937 rng(16);
        for (int i = 0; i < 1500; ++i) {
            s += R"({"loginId":"user)" + std::to_string(i) +
                 R"(@example.org","profile":{"givenName":"Ada"}},)";
            if (i % 100 == 0)
                for (int j = 0; j < 3000; ++j)
                    s += static_cast<char>(rng() & 0xff);
        }
        return s;
    }();
    return text;
}

/// What a decode produced.
struct decoded {
    std::string text{};
    error_code ec{}; ///< the first error of feed() or finish()
    std::size_t largest_piece{};
    bool empty_piece{};
    std::uint64_t decoded_bytes{};
};

/// Decodes `encoded` fed in the pieces `split` returns (sizes, summing to at most encoded.size()).
decoded decode(content_coding coding, std::string_view encoded, std::vector<std::size_t> const& split,
               std::uint64_t limit = std::uint64_t{1} << 40)
{
    decoded r;
    detail::inflater inf(coding, limit);
    auto consumer = [&r](std::string_view piece) {
        r.text.append(piece);
        r.largest_piece = std::max(r.largest_piece, piece.size());
        r.empty_piece = r.empty_piece || piece.empty();
        return error_code{};
    };
    std::size_t at = 0;
    for (auto n : split) {
        r.ec = inf.feed(encoded.substr(at, n), consumer);
        at += n;
        if (r.ec) break;
    }
    if (!r.ec) r.ec = inf.finish();
    r.decoded_bytes = inf.decoded_bytes();
    return r;
}

decoded decode_whole(content_coding coding, std::string_view encoded,
                     std::uint64_t limit = std::uint64_t{1} << 40)
{
    return decode(coding, encoded, {encoded.size()}, limit);
}

std::vector<std::size_t> bytes_one_by_one(std::size_t size)
{
    return std::vector<std::size_t>(size, 1);
}

std::vector<std::size_t> random_pieces(std::size_t size, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<std::size_t> pieces;
    while (size != 0) {
        // mostly small pieces, sometimes large ones
        auto const bound = rng() % 4 == 0 ? std::size_t{40000} : std::size_t{64};
        auto const n = std::min<std::size_t>(size, 1 + rng() % bound);
        pieces.push_back(n);
        size -= n;
    }
    return pieces;
}

} // namespace

BOOST_AUTO_TEST_SUITE(inflater)

BOOST_AUTO_TEST_CASE(parses_content_encoding_values)
{
    using ent::detail::parse_content_encoding;
    BOOST_TEST((parse_content_encoding("gzip") == content_coding::gzip));
    BOOST_TEST((parse_content_encoding("GZip") == content_coding::gzip));
    BOOST_TEST((parse_content_encoding(" \tx-gzip ") == content_coding::gzip));
    BOOST_TEST((parse_content_encoding("X-GZIP") == content_coding::gzip));
    BOOST_TEST((parse_content_encoding("deflate") == content_coding::deflate));
    BOOST_TEST((parse_content_encoding("  DEFLATE\t") == content_coding::deflate));
    BOOST_TEST((parse_content_encoding("identity") == content_coding::identity));
    BOOST_TEST((parse_content_encoding("") == content_coding::identity));
    BOOST_TEST((parse_content_encoding(" , ") == content_coding::identity)); // empty list elements only
    BOOST_TEST((parse_content_encoding("gzip, ") == content_coding::gzip));  // an empty element ignored
}

BOOST_AUTO_TEST_CASE(refuses_unknown_and_stacked_codings)
{
    using ent::detail::parse_content_encoding;
    for (std::string_view value :
         {"br", "compress", "x-compress", "zstd", "gzip2", "gzi", "gzip;q=1", "g zip", "gzip, deflate",
          "deflate,gzip", "gzip, gzip", "gzip, identity", "\"gzip\""})
        BOOST_TEST(!parse_content_encoding(value).has_value(), value);
}

BOOST_AUTO_TEST_CASE(decodes_identically_on_any_split)
{
    auto const& text = sample();
    for (auto f : all_formats) {
        BOOST_TEST_CONTEXT(name_of(f))
        {
            auto const encoded = compress(text, f);
            BOOST_TEST(encoded.size() < text.size());
            auto const whole = decode_whole(coding_of(f), encoded);
            BOOST_TEST(!whole.ec, whole.ec.message());
            BOOST_TEST((whole.text == text));
            BOOST_TEST(whole.decoded_bytes == text.size());
            BOOST_TEST(whole.largest_piece <= detail::inflater::window_size);
            BOOST_TEST(!whole.empty_piece);

            auto const bytewise = decode(coding_of(f), encoded, bytes_one_by_one(encoded.size()));
            BOOST_TEST(!bytewise.ec, bytewise.ec.message());
            BOOST_TEST((bytewise.text == text));
            BOOST_TEST(!bytewise.empty_piece);

            for (unsigned seed = 1; seed <= 8; ++seed) {
                auto const pieces = decode(coding_of(f), encoded, random_pieces(encoded.size(), seed));
                BOOST_TEST(!pieces.ec, pieces.ec.message());
                BOOST_TEST((pieces.text == text), "seed " << seed);
                BOOST_TEST(pieces.largest_piece <= detail::inflater::window_size);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(passes_identity_through_unchanged)
{
    std::string const body = R"({"loginId":"ada"})";
    detail::inflater inf(content_coding::identity, 1000);
    std::vector<std::string_view> seen;
    auto consumer = [&](std::string_view piece) {
        seen.push_back(piece);
        return error_code{};
    };
    BOOST_TEST(!inf.feed(std::string_view(body).substr(0, 5), consumer));
    BOOST_TEST(!inf.feed({}, consumer)); // an empty chunk: nothing handed on
    BOOST_TEST(!inf.feed(std::string_view(body).substr(5), consumer));
    BOOST_TEST(!inf.finish());
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0].data() == body.data()); // the caller's bytes themselves, not a copy
    BOOST_TEST(seen[1].data() == body.data() + 5);
    BOOST_TEST(inf.decoded_bytes() == body.size());
}

BOOST_AUTO_TEST_CASE(decodes_empty_bodies_in_each_coding)
{
    for (auto f : all_formats) {
        auto const encoded = compress("", f);
        BOOST_TEST(!encoded.empty());
        for (auto const& split :
             {std::vector<std::size_t>{encoded.size()}, bytes_one_by_one(encoded.size())}) {
            auto const r = decode(coding_of(f), encoded, split);
            BOOST_TEST(!r.ec, name_of(f) << ": " << r.ec.message());
            BOOST_TEST(r.text.empty());
        }
    }
    // No byte at all (Content-Length: 0 with a Content-Encoding): an empty body in every coding.
    for (auto coding : {content_coding::identity, content_coding::gzip, content_coding::deflate}) {
        auto const r = decode(coding, "", {});
        BOOST_TEST(!r.ec);
        BOOST_TEST(r.decoded_bytes == 0u);
    }
}

BOOST_AUTO_TEST_CASE(fails_at_finish_on_every_truncated_prefix)
{
    std::string const text =
        "a small answer, a small answer, a small answer: {\"loginId\":\"ada@example.org\"}";
    for (auto f : all_formats) {
        auto const encoded = compress(text, f);
        for (std::size_t n = 1; n < encoded.size(); ++n) {
            for (auto const& split : {std::vector<std::size_t>{n}, bytes_one_by_one(n)}) {
                auto const r = decode(coding_of(f), encoded, split);
                BOOST_TEST((r.ec == ent::error::invalid_response), name_of(f) << ", " << n << " bytes");
                BOOST_TEST(text.starts_with(r.text));
            }
        }
        BOOST_TEST(!decode_whole(coding_of(f), encoded).ec); // the whole stream, for contrast
    }
}

BOOST_AUTO_TEST_CASE(checks_the_gzip_trailer)
{
    auto const& text = sample();
    auto const good = compress(text, format::gzip);
    // Trailer: CRC-32 then ISIZE, 4 bytes each, little-endian, at the very end (RFC 1952 §2.3).
    for (std::size_t from_end : {8u, 7u, 5u, 4u, 3u, 1u}) {
        auto bad = good;
        bad[bad.size() - from_end] = static_cast<char>(bad[bad.size() - from_end] ^ 0x01);
        for (auto const& split : {std::vector<std::size_t>{bad.size()}, bytes_one_by_one(bad.size())}) {
            auto const r = decode(content_coding::gzip, bad, split);
            BOOST_TEST((r.ec == ent::error::invalid_response),
                       (from_end > 4 ? "CRC-32" : "ISIZE") << " byte " << from_end << " from the end");
        }
    }
}

BOOST_AUTO_TEST_CASE(checks_the_zlib_adler32)
{
    auto bad = compress(sample(), format::zlib);
    bad.back() = static_cast<char>(bad.back() ^ 0x01);
    BOOST_TEST((decode_whole(content_coding::deflate, bad).ec == ent::error::invalid_response));
}

BOOST_AUTO_TEST_CASE(reads_deflate_with_and_without_the_zlib_header)
{
    std::string const text = "deflate as servers send it: with or without the zlib wrapper";
    auto const wrapped = compress(text, format::zlib);
    auto const raw = compress(text, format::raw);
    BOOST_TEST(wrapped.size() == raw.size() + 6); // a 2-byte header, a 4-byte Adler-32
    for (auto const* encoded : {&wrapped, &raw}) {
        for (auto const& split :
             {std::vector<std::size_t>{encoded->size()}, bytes_one_by_one(encoded->size()),
              std::vector<std::size_t>{1, encoded->size() - 1}}) {
            auto const r = decode(content_coding::deflate, *encoded, split);
            BOOST_TEST(!r.ec, r.ec.message());
            BOOST_TEST(r.text == text);
        }
    }
    // Every compression level's zlib header (78 01, 78 5e, 78 9c, 78 da) is told from raw data.
    for (int level = 0; level <= 9; ++level) {
        compressor c(format::zlib, level);
        c.add(text);
        auto const encoded = c.end();
        BOOST_TEST(decode_whole(content_coding::deflate, encoded).text == text, "level " << level);
        compressor r(format::raw, level);
        r.add(text);
        auto const raw_encoded = r.end();
        BOOST_TEST(decode_whole(content_coding::deflate, raw_encoded).text == text, "raw, level " << level);
    }
}

BOOST_AUTO_TEST_CASE(refuses_a_zlib_stream_with_a_preset_dictionary)
{
    compressor c(format::zlib, Z_DEFAULT_COMPRESSION, "loginId userUUID");
    c.add(R"({"loginId":"ada","userUUID":"1"})");
    BOOST_TEST((decode_whole(content_coding::deflate, c.end()).ec == ent::error::invalid_response));
}

BOOST_AUTO_TEST_CASE(refuses_garbage)
{
    std::string const garbage[] = {"this is not compressed at all", std::string(64, '\xff'),
                                   std::string(64, '\0'), "\x1f\x8b\x09garbage"};
    for (auto const& g : garbage) {
        BOOST_TEST((decode_whole(content_coding::gzip, g).ec == ent::error::invalid_response));
        BOOST_TEST((decode_whole(content_coding::deflate, g).ec == ent::error::invalid_response));
        BOOST_TEST(
            (decode(content_coding::gzip, g, bytes_one_by_one(g.size())).ec == ent::error::invalid_response));
        BOOST_TEST((decode(content_coding::deflate, g, bytes_one_by_one(g.size())).ec ==
                    ent::error::invalid_response));
    }
}

BOOST_AUTO_TEST_CASE(refuses_bytes_after_the_end)
{
    std::string const text = "the answer";
    for (auto f : all_formats) {
        for (std::string_view trailing : {"x"sv, "\0"sv, "\x1f"sv, "garbage after the end"sv}) {
            auto const encoded = compress(text, f) + std::string(trailing);
            auto const whole = decode_whole(coding_of(f), encoded);
            BOOST_TEST((whole.ec == ent::error::invalid_response), name_of(f));
            // The same bytes arriving in a chunk of their own, after the end was seen.
            auto const apart =
                decode(coding_of(f), encoded, {encoded.size() - trailing.size(), trailing.size()});
            BOOST_TEST((apart.ec == ent::error::invalid_response), name_of(f));
            BOOST_TEST(apart.text == text); // what came before the end was decoded
        }
    }
}

BOOST_AUTO_TEST_CASE(decodes_every_gzip_member)
{
    auto const encoded = compress("first member, ", format::gzip) + compress("", format::gzip) +
                         compress("third member", format::gzip);
    for (auto const& split : {std::vector<std::size_t>{encoded.size()}, bytes_one_by_one(encoded.size())}) {
        auto const r = decode(content_coding::gzip, encoded, split);
        BOOST_TEST(!r.ec, r.ec.message());
        BOOST_TEST(r.text == "first member, third member");
    }
    // A second member cut short is a truncated body; raw deflate streams back to back are not a thing.
    auto const cut = encoded.substr(0, encoded.size() - 3);
    BOOST_TEST((decode_whole(content_coding::gzip, cut).ec == ent::error::invalid_response));
    auto const two_zlib = compress("a", format::zlib) + compress("b", format::zlib);
    BOOST_TEST((decode_whole(content_coding::deflate, two_zlib).ec == ent::error::invalid_response));
}

BOOST_AUTO_TEST_CASE(limits_the_decoded_bytes)
{
    auto const& text = sample();
    std::uint64_t const exact = text.size();
    for (auto f : all_formats) {
        auto const encoded = compress(text, f);
        for (auto const& split :
             {std::vector<std::size_t>{encoded.size()}, random_pieces(encoded.size(), 3)}) {
            auto const fits = decode(coding_of(f), encoded, split, exact);
            BOOST_TEST(!fits.ec, name_of(f) << ": " << fits.ec.message());
            BOOST_TEST(fits.text == text);
            auto const over = decode(coding_of(f), encoded, split, exact - 1);
            BOOST_TEST((over.ec == ent::error::response_too_large), name_of(f));
            BOOST_TEST(over.text.size() <= exact - 1); // nothing past the limit reaches the consumer
            BOOST_TEST(over.decoded_bytes <= exact);
        }
    }
    // identity: the body's own bytes count.
    BOOST_TEST(!decode_whole(content_coding::identity, text, exact).ec);
    BOOST_TEST(
        (decode_whole(content_coding::identity, text, exact - 1).ec == ent::error::response_too_large));
    BOOST_TEST((decode(content_coding::identity, text, random_pieces(text.size(), 5), exact - 1).ec ==
                ent::error::response_too_large));
    // A limit of 0: only an empty body.
    BOOST_TEST(!decode_whole(content_coding::gzip, compress("", format::gzip), 0).ec);
    BOOST_TEST((decode_whole(content_coding::gzip, compress("x", format::gzip), 0).ec ==
                ent::error::response_too_large));
}

BOOST_AUTO_TEST_CASE(stops_a_gzip_bomb_at_the_limit)
{
    // 64 MiB of zeros, compressed by streaming deflate over one zero buffer (never 64 MiB in memory).
    compressor c(format::gzip, Z_BEST_COMPRESSION);
    std::string const zeros(1u << 20, '\0');
    for (int i = 0; i < 64; ++i)
        c.add(zeros);
    auto const bomb = c.end();
    BOOST_TEST_MESSAGE("64 MiB of zeros: " << bomb.size() << " bytes of gzip");
    BOOST_TEST(bomb.size() < (1u << 20) / 8);

    std::uint64_t const limit = 1u << 20;
    detail::inflater inf(content_coding::gzip, limit);
    std::uint64_t delivered = 0;
    auto const ec = inf.feed(bomb, [&](std::string_view piece) {
        delivered += piece.size();
        return error_code{};
    });
    BOOST_TEST((ec == ent::error::response_too_large));
    BOOST_TEST(inf.decoded_bytes() <= limit + detail::inflater::window_size);
    BOOST_TEST(inf.decoded_bytes() >= limit);
    BOOST_TEST(delivered <= limit);
    BOOST_TEST((inf.finish() == ent::error::response_too_large)); // sticky
}

BOOST_AUTO_TEST_CASE(returns_the_consumers_error_as_it_is)
{
    auto const encoded = compress(sample(), format::gzip);
    detail::inflater inf(content_coding::gzip, std::uint64_t{1} << 30);
    int calls = 0;
    auto const refusal = make_error_code(boost::system::errc::operation_canceled);
    auto const ec = inf.feed(encoded, [&](std::string_view) {
        ++calls;
        return calls == 2 ? refusal : error_code{};
    });
    BOOST_TEST(ec == refusal);
    BOOST_TEST(calls == 2); // decoding stopped there
    BOOST_TEST(inf.decoded_bytes() <= 2 * detail::inflater::window_size);
    BOOST_TEST(inf.feed("more", [&](std::string_view) { return error_code{}; }) == refusal);
    BOOST_TEST(inf.finish() == refusal);
}

BOOST_AUTO_TEST_CASE(moves_and_resets_between_bodies)
{
    auto const& text = sample();
    auto const gz = compress(text, format::gzip);
    std::string out;
    auto consumer = [&out](std::string_view piece) {
        out.append(piece);
        return error_code{};
    };
    detail::inflater first(content_coding::gzip, text.size());
    BOOST_TEST(!first.feed(std::string_view(gz).substr(0, gz.size() / 2), consumer));
    detail::inflater moved = std::move(first); // mid-stream: the z_stream stays where it is
    BOOST_TEST(!moved.feed(std::string_view(gz).substr(gz.size() / 2), consumer));
    BOOST_TEST(!moved.finish());
    BOOST_TEST((out == text));

    // The same inflater for the next bodies, in other codings.
    for (auto f : {format::raw, format::zlib, format::gzip}) {
        out.clear();
        moved.reset(coding_of(f), text.size());
        BOOST_TEST(moved.decoded_bytes() == 0u);
        auto const encoded = compress(text, f);
        BOOST_TEST(!moved.feed(encoded, consumer), name_of(f));
        BOOST_TEST(!moved.finish());
        BOOST_TEST((out == text));
    }
    // reset() also clears a sticky error.
    BOOST_TEST((moved.feed("garbage", consumer) == ent::error::invalid_response));
    moved.reset(content_coding::identity, 10);
    out.clear();
    BOOST_TEST(!moved.feed("plain", consumer));
    BOOST_TEST(!moved.finish());
    BOOST_TEST(out == "plain");
}

BOOST_AUTO_TEST_SUITE_END()
