// futures: asio::use_future with the io_context running on a background thread.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace entities = igtcloud::entities;

int main()
{
    igtcloud::mock::server mock{igtcloud::mock::options{.seed_users = 10}};
    asio::io_context ioc;
    auto work = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });

    entities::session session{ioc.get_executor(), {.base_url = mock.base_url(), .jwt = mock.default_token()}};
    auto users = session.users();
    std::future<entities::api_result<std::vector<entities::user_info>>> all =
        users.async_get_users(asio::use_future);
    auto storage = users.async_get_user_storage("eu-west-1", asio::use_future);

    auto list = all.get();
    std::cout << "users: " << (list ? list->size() : 0) << '\n';
    auto where = storage.get().value(); // value() throws api_exception on an error
    std::cout << "bucket: " << where.config->bucket.value_or("?") << '\n';

    work.reset();
    io.join();
}
