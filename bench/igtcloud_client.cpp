// Our client in the benchmark: one thread, one session with `in_flight` connections, `in_flight` operations
// outstanding all the time, each answer decoded into models (user_info, or created<user_info> for POST).
//   --mode callbacks    each completion handler starts the next operation
//   --mode coroutines   `in_flight` coroutines, each awaiting its operations in a loop
//   --mode each         as callbacks, but GET /users through async_for_each_user: each user looked at,
//   dropped a "+gzip" suffix    sends Accept-Encoding: gzip, deflate (session_options::accept_encoding);
//   without it the
//                       session sends no Accept-Encoding, as the other contenders
// Targets: /data/users/{uuid} (GET one), /data/users (GET the list; POST a new user with --method POST).
#include <igtcloud/entities.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

#include "measure.hpp"

namespace asio = boost::asio;
namespace ent = igtcloud::entities;
using namespace igtcloud::bench;

namespace {

constexpr std::string_view list_target = "/data/users";

struct client {
    bench_args const& args;
    window& win;
    ent::users_api users;
    std::string user_uuid{};       ///< GET one: the uuid in args.target
    bool each{};                   ///< --mode each: the list through async_for_each_user
    std::uint64_t missing_login{}; ///< users without a loginId seen by `each` (an error)

    ent::user_create new_user(std::uint64_t n) const
    {
        auto id = login_id(args, n);
        return ent::user_create{.name = "Bench", .family_name = "User", .email = id, .login_id = id};
    }

    // ok: the answer decoded into the model a caller would use.
    static bool ok(ent::api_result<ent::user_info> const& r) { return r && r->login_id.has_value(); }
    static bool ok(ent::api_result<std::vector<ent::user_info>> const& r) { return r.has_value(); }
    static bool ok(ent::api_result<ent::created<ent::user_info>> const& r) { return r && r->is_new; }
    static bool ok(ent::api_result<std::size_t> const& r) { return r && *r > 0; }

    // Callbacks: the handler of one operation starts the next.
    void issue()
    {
        std::uint64_t n = 0;
        if (!win.next(n)) return;
        auto const started = clock::now();
        auto next = [this, started](auto result) {
            win.end(started, ok(result));
            issue();
        };
        if (args.method == "POST")
            users.async_post_users(new_user(n), std::move(next));
        else if (user_uuid.empty() && each)
            users.async_for_each_user(
                [this](ent::user_info const& u) {
                    if (!u.login_id) ++missing_login;
                },
                std::move(next));
        else if (user_uuid.empty())
            users.async_get_users(std::move(next));
        else
            users.async_get_user(user_uuid, std::move(next));
    }

    // Coroutines: one of `in_flight` loops.
    asio::awaitable<void> loop()
    {
        std::uint64_t n = 0;
        while (win.next(n)) {
            auto const started = clock::now();
            bool good = false;
            if (args.method == "POST") {
                auto r = co_await users.async_post_users(new_user(n), asio::use_awaitable);
                good = ok(r);
            } else if (user_uuid.empty()) {
                auto r = co_await users.async_get_users(asio::use_awaitable);
                good = ok(r);
            } else {
                auto r = co_await users.async_get_user(user_uuid, asio::use_awaitable);
                good = ok(r);
            }
            win.end(started, good);
        }
    }
};

} // namespace

int main(int argc, char** argv)
{
    auto args = parse_args(argc, argv);
    if (args.mode.empty()) args.mode = "callbacks";
    std::string_view mode = args.mode;
    bool const gzip = mode.ends_with("+gzip");
    if (gzip) mode.remove_suffix(5);
    if (mode != "callbacks" && mode != "coroutines" && mode != "each") {
        std::cerr << "bench_igtcloud: --mode is callbacks, coroutines or each, optionally with +gzip\n";
        return 2;
    }
    asio::io_context ioc(1);
    ent::session_options options;
    options.base_url = "http://" + args.host + ":" + std::to_string(args.port) + "/data";
    options.jwt = args.jwt;
    options.csrf_token = args.csrf_token;
    options.max_connections = args.in_flight;
    options.accept_encoding = gzip;
    ent::session session(ioc.get_executor(), std::move(options));

    recorder rec(args.requests);
    window win(args, rec);
    client c{args, win, session.users()};
    c.each = mode == "each";
    if (args.target != list_target) {
        if (args.target.rfind(std::string(list_target) + "/", 0) != 0) {
            std::cerr << "bench_igtcloud: --target is /data/users or /data/users/{uuid}\n";
            return 2;
        }
        c.user_uuid = args.target.substr(list_target.size() + 1);
    }
    for (unsigned i = 0; i < args.in_flight; ++i) {
        if (mode != "coroutines")
            c.issue();
        else
            asio::co_spawn(ioc, c.loop(), asio::detached);
    }
    ioc.run();
    rec.print_result("igtcloud", args, win.errors() + c.missing_login);
    return win.errors() == 0 && c.missing_login == 0 && win.finished() ? 0 : 1;
}
