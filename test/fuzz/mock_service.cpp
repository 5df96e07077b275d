// Fuzz target: the mock server's request handling without sockets: raw bytes through Beast's request
// parser (as src/mock/connection.cpp reads them, fed in pieces by an in-memory stream), then each request
// through mock::detail::service::handle: routing, auth, bodies, X-Fields masks, the fourteen operations.
//
// Input: byte 0 sets the stream's read size (1-256 bytes); the rest is one or more pipelined requests, all
// handled by one fresh service (fixed seed), so that a POST can be followed by a GET of what it created.
// Oracles: no sanitizer report, no exception (the real server would turn one into a 500); every answer has a
// status the API documents, no body on 204, a zip (its end record last) for the download and a JSON body
// otherwise.
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.hpp"
#include "mock/request_view.hpp"
#include "mock/service.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace mock = igtcloud::mock;

using igtcloud::fuzz::check;

mock::options service_options()
{
    mock::options o;
    o.seed = 42;
    o.seed_users = 2;
    o.max_body_bytes = 64 * 1024;
    o.users = {{"alice@example.org", "pw"}}; // the auth API's password logins
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size < 1) return 0;
    static auto const opts = service_options();
    boost::asio::io_context ioc;
    beast::test::stream in{ioc, std::string_view{reinterpret_cast<char const*>(data + 1), size - 1}};
    in.read_size(std::size_t{data[0]} + 1);
    in.close_remote(); // the bytes, then end of stream
    mock::detail::service svc{opts};
    beast::flat_buffer buffer;
    for (int n = 0; n < 16; ++n) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(opts.max_body_bytes);
        boost::system::error_code ec;
        http::read(in, buffer, parser, ec);
        if (ec) break;
        auto const a = svc.handle(mock::detail::view_of(parser.get()));
        switch (a.status) {
        case 200:
        case 201:
        case 204:
        case 400:
        case 401:
        case 404:
        case 405: break;
        default: check(false);
        }
        if (std::string_view(a.content_type) == "application/zip") {
            check(a.status == 200 && a.body.empty() && !a.parts.empty() && a.parts.back()->size() >= 22 &&
                  a.parts.back()->compare(a.parts.back()->size() - 22, 4, "PK\x05\x06") == 0);
        } else {
            check(a.parts.empty());
            check(a.status == 204 ? a.body.empty() : !boost::json::parse(a.body, ec).is_null() && !ec);
        }
        if (!parser.keep_alive()) break;
    }
    return 0;
}
