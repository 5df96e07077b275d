// coroutines: C++20 coroutines with asio::use_awaitable, and several operations in parallel.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
using namespace asio::experimental::awaitable_operators;

asio::awaitable<void> run(entities::users_api users)
{
    entities::user_info me = (co_await users.async_get_me(asio::use_awaitable)).value();
    std::cout << "me: " << *me.login_id << '\n';

    // Name option objects before co_await: GCC 12 miscompiles braced temporaries in co_await expressions.
    entities::request_options mask{.fields = "{loginId,profile{givenName}}"};
    auto [list, storage] = co_await (users.async_get_users(mask, asio::use_awaitable) &&
                                     users.async_get_user_storage("us-east-1", asio::use_awaitable));
    std::cout << "users: " << list->size() << ", first masked: " << entities::encode(list->front()) << '\n';
    std::cout << "storage region: " << storage->config->region.value_or("?") << '\n';

    // deferred (the default token) can be co_awaited too.
    auto missing = co_await users.async_get_user("no-such-user");
    std::cout << "missing: " << missing.error().status << ' ' << missing.error().message << '\n';
}

int main()
{
    igtcloud::mock::server mock{igtcloud::mock::options{.seed_users = 4}};
    asio::io_context ioc;
    entities::session session{ioc.get_executor(), {.base_url = mock.base_url(), .jwt = mock.default_token()}};
    asio::co_spawn(ioc, run(session.users()), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    ioc.run();
}
