// The same translation unit written against Beast directly (compile-time benchmark): the headers a user of
// a Beast-based client that exposes Beast in its API would include, and one request written and read.
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>

#include <iostream>

namespace beast = boost::beast;
namespace http = beast::http;

int main()
{
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> req{http::verb::get, "/data/users/me", 11};
    req.set(http::field::host, "127.0.0.1");
    http::async_write(stream, req, [](beast::error_code ec, std::size_t) { std::cout << ec.message(); });
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::async_read(stream, buffer, res,
                     [](beast::error_code ec, std::size_t) { std::cout << ec.message(); });
    ioc.run();
    return 0;
}
