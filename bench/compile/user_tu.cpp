// A user's translation unit: the library's umbrella header and three operations (compile-time benchmark).
#include <igtcloud/entities.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>

namespace ent = igtcloud::entities;

int main()
{
    boost::asio::io_context ioc;
    ent::session s(ioc.get_executor(), ent::session_options{.base_url = "http://127.0.0.1:8080/data"});
    auto users = s.users();
    users.async_get_me([](ent::api_result<ent::user_info> r) { std::cout << r.has_value() << '\n'; });
    auto list = users.async_get_users(boost::asio::use_future);
    users.async_post_users(
        ent::user_create{.email = "a@example.org", .login_id = "a"},
        [](ent::api_result<ent::created<ent::user_info>> r) { std::cout << r.has_value(); });
    ioc.run();
    return list.get().has_value() ? 0 : 1;
}
