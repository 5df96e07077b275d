// callbacks: the Users operations with plain completion handlers, against the embedded mock server.
#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace entities = igtcloud::entities;

int main()
{
    igtcloud::mock::server mock{igtcloud::mock::options{.seed_users = 3}};
    asio::io_context ioc;
    entities::session session{ioc.get_executor(), {.base_url = mock.base_url(), .jwt = mock.default_token()}};
    auto users = session.users();

    users.async_get_me([](entities::api_result<entities::user_info> me) {
        if (me)
            std::cout << "me: " << me->login_id.value_or("?") << '\n';
        else
            std::cout << "me failed: " << me.error().to_string() << '\n';
    });
    users.async_post_users(
        entities::user_create{.name = "Ada", .email = "ada@example.org", .login_id = "ada"},
        [users](entities::api_result<entities::created<entities::user_info>> made) mutable {
            if (!made) return void(std::cout << made.error().to_string() << '\n');
            std::cout << "created: " << *made->value.login_id << (made->is_new ? " (new)\n" : "\n");
            // Chain: fetch the user we just made.
            users.async_get_user(*made->value.user_uuid, [](auto user) {
                std::cout << "fetched: " << user->profile->given_name.value_or("?") << '\n';
            });
        });
    ioc.run();
    std::cout << "connections opened: " << session.stats().created << '\n';
}
