#include "one_shot.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace igtcloud::bench {

namespace {

[[noreturn]] void usage(std::string_view program, std::initializer_list<std::string_view> modes,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> extra,
                        std::string const& why)
{
    std::cerr << program << ": " << why << "\nusage: " << program << " --port P [--mode ";
    char const* sep = "";
    for (auto m : modes) {
        std::cerr << sep << m;
        sep = "|";
    }
    std::cerr << ']';
    for (auto const& [name, value] : extra)
        std::cerr << " [" << name << ' ' << value << ']';
    std::cerr << " [--jwt T]\n";
    std::exit(2);
}

} // namespace

one_shot_args parse_one_shot(int argc, char** argv, std::string_view program,
                             std::initializer_list<std::string_view> modes,
                             std::initializer_list<std::pair<std::string_view, std::string_view>> extra)
{
    one_shot_args a;
    a.mode = std::string(*modes.begin());
    for (auto const& [name, value] : extra)
        a.extra.emplace(name, value);
    for (int i = 1; i < argc; i += 2) {
        std::string_view const name = argv[i];
        if (i + 1 >= argc) usage(program, modes, extra, "missing value for " + std::string(name));
        std::string const value = argv[i + 1];
        if (name == "--port")
            a.port = static_cast<std::uint16_t>(std::stoul(value));
        else if (name == "--mode")
            a.mode = value;
        else if (name == "--jwt")
            a.jwt = value;
        else if (auto at = a.extra.find(name); at != a.extra.end())
            at->second = value;
        else
            usage(program, modes, extra, "unknown option " + std::string(name));
    }
    if (a.port == 0) usage(program, modes, extra, "--port is required");
    if (std::find(modes.begin(), modes.end(), a.mode) == modes.end())
        usage(program, modes, extra, "bad --mode");
    return a;
}

buffered_answer get_buffered(std::uint16_t port, std::string_view target, std::string_view accept,
                             std::string_view jwt)
{
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept, accept);
    req.set("X-JWT", jwt);
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    buffer.reserve(64 * 1024);
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    http::read(socket, buffer, parser);
    return {parser.get().result_int(), std::move(parser.get().body())};
}

} // namespace igtcloud::bench
