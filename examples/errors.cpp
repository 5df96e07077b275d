// errors: typed results, status codes, conditions, exceptions; bad input refused before sending.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace entities = igtcloud::entities;

int main()
{
    igtcloud::mock::server mock;
    asio::io_context ioc;
    entities::session good{ioc.get_executor(), {.base_url = mock.base_url(), .jwt = mock.default_token()}};
    entities::session no_token{ioc.get_executor(), {.base_url = mock.base_url()}};

    good.users().async_get_user("unknown", [](auto r) {
        auto const& e = r.error();
        std::cout << "404? " << (e.code == entities::http_status::not_found) << " client_error? "
                  << (e.code == entities::condition::client_error) << " message: " << e.message << '\n';
    });
    ioc.run(); // one at a time, so the output has a fixed order
    ioc.restart();
    no_token.users().async_get_me([](auto r) {
        try {
            r.value();
        } catch (entities::api_exception const& ex) {
            std::cout << "exception: " << ex.what() << '\n';
        }
    });
    ioc.run();
    ioc.restart();
    good.users().async_delete_user("", [](auto r) {
        std::cout << "empty id refused: " << (r.error().code == entities::error::invalid_argument) << '\n';
    });
    ioc.run();
    try {
        entities::session bad{ioc.get_executor(), {.base_url = "ftp://example.org/data"}};
    } catch (std::invalid_argument const& ex) {
        std::cout << "bad base_url: " << ex.what() << '\n';
    }
}
