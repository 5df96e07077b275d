// The authenticator against the in-process mock's auth API over real sockets: logins, sessions using its
// provider, environment tokens, refresh before expiry, service identities, 401s, one call for many waiters,
// failing refreshes, the token file.
#include <boost/test/unit_test.hpp>

#include "integration/auth_kit.hpp"
#include "support/scripted_server.hpp"

namespace {

using namespace igtcloud::test::auth_kit;
namespace core = igtcloud::entities::detail::auth;
using entities::login_info;
using entities::user_info;
using igtcloud::test::run_until;

// Logs in and returns the outcome (completed, or the test fails).
outcome<login_info> login(asio::io_context& ioc, entities::authenticator& a)
{
    outcome<login_info> o;
    a.async_login(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    return o;
}

outcome<user_info> get_me(asio::io_context& ioc, entities::session& s)
{
    outcome<user_info> o;
    s.users().async_get_me(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    return o;
}

entities::session session_for(asio::io_context& ioc, std::string base_url, entities::authenticator const& a)
{
    return entities::session(ioc.get_executor(), entities::session_options{.base_url = std::move(base_url),
                                                                           .credentials = a.provider()});
}

// Ends the mock's login session of the token file's JWT behind the back of whoever uses it: another
// authenticator logs out with a copy of the file.
void revoke(asio::io_context& ioc, igtcloud::mock::server const& srv, std::string const& token_file)
{
    auto const copy = token_file + ".revoker";
    std::filesystem::copy_file(token_file, copy, std::filesystem::copy_options::overwrite_existing);
    entities::authenticator revoker(ioc.get_executor(), {.auth_url = srv.auth_url(), .token_file = copy});
    outcome<void> out;
    revoker.async_logout(into(out));
    BOOST_REQUIRE(wait(ioc, out));
    BOOST_REQUIRE(out.ok());
    BOOST_REQUIRE(!std::filesystem::exists(copy));
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(password_login_then_a_session_uses_the_provider)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(srv.auth_url()));
    auto const o = login(ioc, a);
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error().to_string());
    auto const& info = **o.result;
    BOOST_TEST(info.sub == user);
    BOOST_TEST((info.origin == entities::token_origin::login));
    BOOST_TEST(info.renewable);
    BOOST_TEST(info.domain == "http://127.0.0.1:" + std::to_string(srv.port()));
    BOOST_TEST((info.expires_at > std::chrono::system_clock::now() + 3000s));
    BOOST_TEST(a.current().has_value());

    auto s = session_for(ioc, srv.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST((**me.result).login_id.value_or("") == user);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u);
    BOOST_TEST(a.stats().logins == 1u);
}

BOOST_AUTO_TEST_CASE(the_provider_logs_in_at_first_use)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(srv.auth_url()));
    BOOST_TEST(!a.current().has_value());
    auto s = session_for(ioc, srv.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u);
    BOOST_TEST(a.current()->sub == user);
}

BOOST_AUTO_TEST_CASE(service_key_login_asks_the_audience_then_a_session_works)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), service_options(srv.auth_url()));
    auto const o = login(ioc, a);
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error().to_string());
    BOOST_TEST((**o.result).sub == service_sub);
    BOOST_TEST(route_count(srv, "GET /auth/login/$aud") == 1u);
    auto s = session_for(ioc, srv.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_TEST(me.code() != boost::system::error_code(401, entities::http_category()));
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u);
}

BOOST_AUTO_TEST_CASE(a_configured_audience_is_not_asked_and_a_wrong_one_is_refused)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = service_options(srv.auth_url());
    std::get<entities::service_key_grant>(opts.grant).audience = "igtcloud-mock";
    entities::authenticator a(ioc.get_executor(), opts);
    BOOST_TEST(login(ioc, a).ok());
    std::get<entities::service_key_grant>(opts.grant).audience = "someone-else";
    entities::authenticator b(ioc.get_executor(), opts);
    auto const o = login(ioc, b);
    BOOST_TEST(!o.ok());
    BOOST_TEST(o.error().status == 401u);
    BOOST_TEST(route_count(srv, "GET /auth/login/$aud") == 0u);
}

BOOST_AUTO_TEST_CASE(a_bad_service_key_is_refused_by_the_constructor_without_quoting_it)
{
    asio::io_context ioc;
    auto opts = service_options("http://127.0.0.1:1/api/auth");
    std::get<entities::service_key_grant>(opts.grant).private_key_pem = auth_test::ec_keys().private_pem;
    try {
        entities::authenticator a(ioc.get_executor(), opts);
        BOOST_FAIL("an EC key was accepted");
    } catch (std::invalid_argument const& e) {
        std::string const what = e.what();
        BOOST_TEST(what.find("BEGIN") == std::string::npos);
        BOOST_TEST(what.find(auth_test::ec_keys().private_pem.substr(30, 20)) == std::string::npos);
    }
    BOOST_CHECK_THROW(entities::authenticator(ioc.get_executor(), {.auth_url = "ftp://x/api/auth"}),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(environment_tokens_are_introspected_and_used)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("tokens");
    entities::authenticator first(ioc.get_executor(), opts);
    BOOST_REQUIRE(login(ioc, first).ok());
    auto const data = read_file(opts.token_file);
    BOOST_REQUIRE(data);

    scoped_env jwt("CLOUD_JWT_TOKEN", data->jwt);
    scoped_env csrf("CLOUD_CSRF_TOKEN", data->csrf);
    entities::authenticator a(ioc.get_executor(), {.auth_url = srv.auth_url(), .from_environment = true});
    auto s = session_for(ioc, srv.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST((**me.result).login_id.value_or("") == user);
    BOOST_TEST((a.current()->origin == entities::token_origin::environment));
    BOOST_TEST(route_count(srv, "GET /auth/introspect") == 1u);
    BOOST_TEST(a.stats().introspections == 1u);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u); // first's only
}

BOOST_AUTO_TEST_CASE(environment_tokens_the_server_refuses_are_a_clear_error)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto const forged = core::sign_hs256({{"sub", "x"}, {"exp", 4102444800}}, "not-the-mock-secret");
    scoped_env jwt("CLOUD_JWT_TOKEN", forged);
    scoped_env csrf("CLOUD_CSRF_TOKEN", std::string("csrf-env-secret"));
    entities::authenticator a(ioc.get_executor(), {.auth_url = srv.auth_url(), .from_environment = true});
    outcome<login_info> o;
    a.async_current(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    BOOST_REQUIRE(!o.ok());
    auto const text = o.error().to_string();
    BOOST_TEST(text.find("environment") != std::string::npos, text);
    BOOST_TEST(text.find(forged) == std::string::npos);
    BOOST_TEST(text.find("csrf-env-secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(tokens_are_refreshed_before_they_expire)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir, 3s));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(srv.auth_url()));
    auto s = session_for(ioc, srv.base_url(), a);
    auto const until = std::chrono::steady_clock::now() + 5s;
    int ops = 0;
    while (std::chrono::steady_clock::now() < until) {
        auto const me = get_me(ioc, s);
        BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
        ++ops;
        std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(ops > 10);
    BOOST_TEST(route_count(srv, "POST /auth/refresh") >= 1u);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u);
    BOOST_TEST((a.current()->origin == entities::token_origin::refresh));
}

BOOST_AUTO_TEST_CASE(a_service_identity_logs_in_again_instead_of_refreshing)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir, 3s));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), service_options(srv.auth_url()));
    auto s = session_for(ioc, srv.base_url(), a);
    auto const until = std::chrono::steady_clock::now() + 4s;
    while (std::chrono::steady_clock::now() < until) {
        outcome<login_info> o;
        a.async_current(into(o));
        BOOST_REQUIRE(wait(ioc, o));
        BOOST_REQUIRE_MESSAGE(o.ok(), o.error().to_string());
        BOOST_TEST(get_me(ioc, s).code() != boost::system::error_code(401, entities::http_category()));
        std::this_thread::sleep_for(200ms);
    }
    BOOST_TEST(route_count(srv, "POST /auth/login") >= 2u);
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 0u);
}

BOOST_AUTO_TEST_CASE(a_401_leads_to_one_refresh_and_one_retry)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    std::atomic<int> users_calls{0};
    igtcloud::test::scripted_server users([&](auto const&, std::size_t, std::size_t) {
        if (users_calls++ == 0)
            return igtcloud::test::reply{igtcloud::test::http_answer(401, R"({"message":"expired"})")};
        return igtcloud::test::reply{igtcloud::test::http_answer(200, igtcloud::test::kit::user_json)};
    });
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(srv.auth_url()));
    auto s = session_for(ioc, users.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 1u);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u);
    auto const seen = users.received();
    BOOST_REQUIRE_EQUAL(seen.size(), 2u);
    BOOST_TEST(seen[0]["X-JWT"] != seen[1]["X-JWT"]);
    BOOST_TEST(seen[0]["X-CSRF-TOKEN"] == seen[1]["X-CSRF-TOKEN"]); // the login's CSRF token is kept
}

BOOST_AUTO_TEST_CASE(two_hundred_operations_wait_on_one_refresh)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir, 3s));
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(srv.auth_url()));
    auto const o = login(ioc, a);
    BOOST_REQUIRE(o.ok());
    auto s1 = session_for(ioc, srv.base_url(), a);
    auto s2 = session_for(ioc, srv.base_url(), a);
    // Past renew_at (expires_at - lifetime / 3), before expiry.
    std::this_thread::sleep_until((**o.result).expires_at - 800ms);
    std::vector<outcome<user_info>> results(200);
    for (std::size_t i = 0; i < results.size(); ++i)
        (i % 2 ? s1 : s2).users().async_get_me(into(results[i]));
    BOOST_REQUIRE(run_until(ioc, [&] {
        return std::all_of(results.begin(), results.end(), [](auto const& r) { return r.done(); });
    }));
    for (auto const& r : results)
        BOOST_TEST(r.ok());
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 1u);
    BOOST_TEST(a.stats().refreshes == 1u);
}

BOOST_AUTO_TEST_CASE(a_refused_refresh_falls_back_to_a_login_with_a_password)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("tokens");
    entities::authenticator a(ioc.get_executor(), opts);
    BOOST_REQUIRE(login(ioc, a).ok());
    revoke(ioc, srv, opts.token_file);
    auto s = session_for(ioc, srv.base_url(), a);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 1u);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 2u);
}

BOOST_AUTO_TEST_CASE(a_refused_refresh_without_a_grant_is_a_clear_error)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("tokens");
    {
        entities::authenticator writer(ioc.get_executor(), opts);
        BOOST_REQUIRE(login(ioc, writer).ok());
    }
    entities::authenticator a(ioc.get_executor(),
                              {.auth_url = srv.auth_url(), .token_file = opts.token_file});
    auto s = session_for(ioc, srv.base_url(), a);
    BOOST_REQUIRE(get_me(ioc, s).ok());
    BOOST_TEST((a.current()->origin == entities::token_origin::token_file));
    revoke(ioc, srv, opts.token_file);
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE(!me.ok());
    auto const text = me.error().to_string();
    BOOST_TEST(text.find("refresh") != std::string::npos, text);
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 1u);
    BOOST_TEST(route_count(srv, "POST /auth/login") == 1u); // the writer's only
}

BOOST_AUTO_TEST_CASE(the_token_file_in_the_python_format_is_used_and_written_back)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir, 3s));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("first");
    {
        entities::authenticator writer(ioc.get_executor(), opts);
        BOOST_REQUIRE(login(ioc, writer).ok());
    }
    auto const first = read_file(opts.token_file);
    BOOST_REQUIRE(first);
    auto const domain = "http://127.0.0.1:" + std::to_string(srv.port());
    auto const path = dir.write("python", python_token_file(first->jwt, first->csrf, user, domain));

    entities::authenticator a(ioc.get_executor(), {.auth_url = srv.auth_url(), .token_file = path});
    auto s = session_for(ioc, srv.base_url(), a);
    BOOST_REQUIRE(get_me(ioc, s).ok());
    BOOST_TEST((a.current()->origin == entities::token_origin::token_file));
    std::this_thread::sleep_until(a.current()->expires_at - 800ms); // past renew_at
    auto const me = get_me(ioc, s);
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST(route_count(srv, "POST /auth/refresh") == 1u);
    auto const back = read_file(path);
    BOOST_REQUIRE(back);
    BOOST_TEST(back->jwt != first->jwt);
    BOOST_TEST(back->csrf == first->csrf);
    BOOST_TEST(back->domain == domain);
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_token_file_of_another_domain_or_unsafe_is_not_used)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("first");
    {
        entities::authenticator writer(ioc.get_executor(), opts);
        BOOST_REQUIRE(login(ioc, writer).ok());
    }
    auto const first = read_file(opts.token_file);
    BOOST_REQUIRE(first);
    auto const other =
        dir.write("other", python_token_file(first->jwt, first->csrf, user, "https://other.example.org"));
    auto const domain = "http://127.0.0.1:" + std::to_string(srv.port());
    auto const unsafe = dir.write("unsafe", python_token_file(first->jwt, first->csrf, user, domain), 0666);
    for (auto const& path : {other, unsafe}) {
        entities::authenticator a(ioc.get_executor(), {.auth_url = srv.auth_url(), .token_file = path});
        outcome<login_info> o;
        a.async_current(into(o));
        BOOST_REQUIRE(wait(ioc, o));
        BOOST_REQUIRE(!o.ok());
        auto const text = o.error().to_string();
        BOOST_TEST(text.find("not logged in") != std::string::npos, text);
        if (path == unsafe) BOOST_TEST(text.find(unsafe) != std::string::npos, text);
        BOOST_TEST(text.find(first->jwt) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(logout_ends_the_login_and_removes_the_token_file)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir));
    asio::io_context ioc;
    auto opts = password_options(srv.auth_url());
    opts.token_file = dir.file("tokens");
    entities::authenticator a(ioc.get_executor(), opts);
    BOOST_REQUIRE(login(ioc, a).ok());
    auto const copy = opts.token_file + ".copy";
    std::filesystem::copy_file(opts.token_file, copy);
    outcome<void> out;
    a.async_logout(into(out));
    BOOST_REQUIRE(wait(ioc, out));
    BOOST_TEST(out.ok());
    BOOST_TEST(!std::filesystem::exists(opts.token_file));
    BOOST_TEST(!a.current().has_value());
    BOOST_TEST(route_count(srv, "POST /auth/logout") == 1u);
    // The JWT is gone on the server: a second logout with it (a 401) is not an error.
    entities::authenticator b(ioc.get_executor(), {.auth_url = srv.auth_url(), .token_file = copy});
    outcome<void> again;
    b.async_logout(into(again));
    BOOST_REQUIRE(wait(ioc, again));
    BOOST_TEST(again.ok());
    BOOST_TEST(route_count(srv, "POST /auth/logout") == 2u);
}

BOOST_AUTO_TEST_CASE(a_key_file_recorded_in_the_token_file_logs_in_again_later)
{
    temp_dir dir;
    igtcloud::mock::server srv(mock_options(dir, 3s));
    asio::io_context ioc;
    auto const key_file = dir.write("svc.pem", auth_test::rsa_keys().private_pem);
    auto opts = service_options(srv.auth_url());
    std::get<entities::service_key_grant>(opts.grant).key_file = key_file;
    opts.token_file = dir.file("tokens");
    {
        entities::authenticator writer(ioc.get_executor(), opts);
        BOOST_REQUIRE(login(ioc, writer).ok());
    }
    auto const data = read_file(opts.token_file);
    BOOST_REQUIRE(data && data->key_file);
    BOOST_TEST(*data->key_file == key_file);
    entities::authenticator a(ioc.get_executor(),
                              {.auth_url = srv.auth_url(), .token_file = opts.token_file});
    outcome<login_info> o;
    a.async_current(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    BOOST_REQUIRE(o.ok());
    BOOST_TEST((**o.result).renewable);
    std::this_thread::sleep_until((**o.result).expires_at - 800ms);
    outcome<login_info> again;
    a.async_current(into(again));
    BOOST_REQUIRE(wait(ioc, again));
    BOOST_REQUIRE_MESSAGE(again.ok(), again.error().to_string());
    BOOST_TEST(route_count(srv, "POST /auth/login") == 2u);
    BOOST_TEST(read_file(opts.token_file)->jwt != data->jwt);
}

BOOST_AUTO_TEST_SUITE_END()
