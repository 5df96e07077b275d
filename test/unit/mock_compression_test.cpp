// The mock's --gzip without sockets: Accept-Encoding negotiation, which answers are compressible, the gzip
// body (decoded by the client's inflater) and the head's Content-Encoding and Vary lines.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "entities/transport/inflater.hpp"
#include "mock/compression.hpp"

namespace {

namespace detail = igtcloud::mock::detail;
namespace ent = igtcloud::entities;

std::string gunzip(std::string_view gz)
{
    std::string out;
    ent::detail::inflater inf(ent::detail::content_coding::gzip, std::uint64_t{1} << 30);
    auto ec = inf.feed(gz, [&out](std::string_view piece) {
        out.append(piece);
        return boost::system::error_code{};
    });
    if (!ec) ec = inf.finish();
    BOOST_TEST(!ec, ec.message());
    return out;
}

detail::answer json_answer(std::size_t size)
{
    return detail::answer{.status = 200, .body = std::string(size, 'j'), .route = "GET /users"};
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_compression)

BOOST_AUTO_TEST_CASE(accepts_gzip_when_listed_with_a_positive_weight)
{
    for (std::string_view value :
         {"gzip", "GZIP", "x-gzip", "gzip, deflate", "deflate, gzip", " gzip ", "gzip;q=1", "gzip; q=0.5",
          "gzip ;Q=0.001", "gzip;q=1.000", "deflate;q=0.5, gzip;q=0.1", "*", "*;q=0.3", "br, *", "gzip,",
          ",gzip", "identity, gzip;level=1", "gzip;q=0.5;x=y", "gzip, gzip;q=0"})
        BOOST_TEST(detail::accepts_gzip(value), value);
}

BOOST_AUTO_TEST_CASE(refuses_gzip_otherwise)
{
    for (std::string_view value : {"",
                                   " ",
                                   ",",
                                   "identity",
                                   "deflate",
                                   "br, deflate",
                                   "gzip;q=0",
                                   "gzip;q=0.0",
                                   "gzip; q=0.000",
                                   "GZIP;Q=0",
                                   "*;q=0",
                                   "gzip;q=0, *",
                                   "*, gzip;q=0",
                                   "x-gzip;q=0, *",
                                   "gzip;q=2",
                                   "gzip;q=1.5",
                                   "gzip;q=0.0001",
                                   "gzip;q=",
                                   "gzip;q=high",
                                   "gzip2",
                                   "gzi",
                                   "gzipdeflate",
                                   "**"})
        BOOST_TEST(!detail::accepts_gzip(value), value);
}

BOOST_AUTO_TEST_CASE(compresses_json_bodies_of_1_kib_and_more)
{
    BOOST_TEST(!detail::compressible(json_answer(0)));
    BOOST_TEST(!detail::compressible(json_answer(detail::gzip_min_bytes - 1)));
    BOOST_TEST(detail::compressible(json_answer(detail::gzip_min_bytes)));
    BOOST_TEST(detail::gzip_min_bytes == 1024u);

    auto zip = json_answer(4096);
    zip.content_type = "application/zip";
    BOOST_TEST(!detail::compressible(zip));
    auto parts = json_answer(0); // the download: a head in `body`, the files in `parts`
    parts.content_type = "application/zip";
    parts.parts.push_back(std::make_shared<std::string const>(8192, 'z'));
    BOOST_TEST(!detail::compressible(parts));
}

BOOST_AUTO_TEST_CASE(gzips_a_body_into_one_member)
{
    std::string text;
    for (int i = 0; i < 500; ++i)
        text += R"({"loginId":"user)" + std::to_string(i) + R"(@example.org"},)";
    for (int round = 0; round < 3; ++round) { // the per-thread stream, reset between answers
        detail::answer a{.body = text};
        detail::gzip_body(a);
        BOOST_TEST(std::string_view(a.content_encoding) == "gzip");
        BOOST_TEST_REQUIRE(a.body.size() > 18u);
        BOOST_TEST(a.body.substr(0, 3) == "\x1f\x8b\x08"); // gzip magic, deflate
        BOOST_TEST(a.body.size() * 5 < text.size());
        BOOST_TEST((gunzip(a.body) == text));
    }
}

BOOST_AUTO_TEST_CASE(writes_content_encoding_and_vary_lines)
{
    std::string head = "HTTP/1.1 200 OK\r\n";
    detail::answer a;
    detail::append_coding_fields(head, a);
    BOOST_TEST(head == "HTTP/1.1 200 OK\r\n");
    a.vary_accept_encoding = true;
    detail::append_coding_fields(head, a);
    BOOST_TEST(head == "HTTP/1.1 200 OK\r\nVary: Accept-Encoding\r\n");
    a.content_encoding = "gzip";
    head.clear();
    detail::append_coding_fields(head, a);
    BOOST_TEST(head == "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
