// login: log in with a password, use the tokens through a session, log out. Against the embedded mock
// server, which takes password logins (mock::options::users) at its auth API.
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
    igtcloud::mock::server mock{igtcloud::mock::options{.users = {{"ada@example.org", "correct horse"}}}};
    asio::io_context ioc;
    auto work = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });

    // On the live service: .auth_url = "https://HOST/api/auth", and .token_file =
    // entities::default_token_file() to share the login with `igtcloud-users login` and the Python client's
    // `igtcloud login`.
    entities::authenticator auth{
        ioc.get_executor(),
        {.auth_url = mock.auth_url(), .grant = entities::password_grant{"ada@example.org", "correct horse"}}};
    auto login = auth.async_login(asio::use_future).get(); // optional: the provider logs in on first use too
    std::cout << "logged in as " << login.value().sub << " at " << login.value().domain << '\n';

    {
        entities::session session{ioc.get_executor(),
                                  {.base_url = mock.base_url(), .credentials = auth.provider()}};
        auto me = session.users().async_get_me(asio::use_future).get();
        std::cout << "me: " << (me ? me->login_id.value_or("?") : me.error().to_string()) << '\n';
        std::cout << "auth calls: " << auth.stats().logins << " login, " << auth.stats().refreshes
                  << " refreshes\n";
        session.async_shutdown(asio::use_future).get();
    }

    auto out = auth.async_logout(asio::use_future).get();
    std::cout << (out ? "logged out" : "logout failed: " + out.error().to_string()) << '\n';
    std::cout << "held after logout: " << (auth.current() ? "yes" : "none") << '\n';

    work.reset();
    io.join();
}
