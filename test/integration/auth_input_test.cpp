// The authenticator against a scripted auth server (suite auth): the password's escaping on the wire, bad
// login answers (cookies, Max-Age, JWT, CSRFToken, HTML), transient refresh failures, the secrets sweep,
// cancellation and destruction with calls pending.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <functional>

#include "integration/auth_kit.hpp"
#include "support/scripted_server.hpp"

namespace {

using namespace igtcloud::test::auth_kit;
namespace core = igtcloud::entities::detail::auth;
namespace t = igtcloud::test;
using igtcloud::test::run_until;
using entities::login_info;
using entities::user_info;

constexpr char const* csrf_secret = "csrf-S3CRET-token";
constexpr char const* s3_secret = "S3-secretKey-VALUE";
constexpr char const* s3_session = "S3-sessionToken-VALUE";

std::string fresh_jwt(bool with_exp = true)
{
    auto const now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    boost::json::object claims{{"sub", user}, {"iat", now}, {"refresh_token", "r"}};
    if (with_exp) claims["exp"] = now + 3600;
    return core::sign_hs256(claims, "scripted-secret");
}

struct cookies {
    std::string header_payload, signature;
};
cookies split(std::string const& jwt)
{
    auto const dot = jwt.rfind('.');
    return {jwt.substr(0, dot), jwt.substr(dot + 1)};
}

std::string login_body(bool with_csrf = true)
{
    boost::json::object o{
        {"sub", user},
        {"S3Credentials", boost::json::array{boost::json::object{
                              {"credentials", {{"secretKey", s3_secret}, {"sessionToken", s3_session}}}}}}};
    if (with_csrf) o["CSRFToken"] = csrf_secret;
    return boost::json::serialize(o);
}

// A 200 login answer with these Set-Cookie lines.
t::reply login_answer(std::string const& set_cookie_lines, std::string const& body = login_body(),
                      std::string_view content_type = "application/json")
{
    return t::reply{t::http_answer(200, body, set_cookie_lines, content_type)};
}

std::string standard_cookies(std::string const& jwt, std::string const& max_age = "; Max-Age=3600")
{
    auto const c = split(jwt);
    return "Set-Cookie: jwt_header_payload=" + c.header_payload + max_age + "; Path=/; HttpOnly\r\n" +
           "Set-Cookie: jwt_signature=" + c.signature + "; Path=/; HttpOnly\r\n";
}

std::string auth_url(t::scripted_server const& s)
{
    return "http://127.0.0.1:" + std::to_string(s.port()) + "/api/auth";
}

// Logs in against a server answering every request with `answer`; the outcome.
outcome<login_info> login_against(std::function<t::reply()> answer, text_log& log)
{
    t::scripted_server srv([&](auto const&, std::size_t, std::size_t) { return answer(); });
    asio::io_context ioc;
    auto opts = password_options(auth_url(srv));
    opts.on_event = log.hook();
    entities::authenticator a(ioc.get_executor(), opts);
    outcome<login_info> o;
    a.async_login(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    if (!o.ok()) log.add_error(o.error());
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(the_password_goes_out_as_valid_json_and_an_echo_of_it_is_redacted)
{
    std::vector<t::request> seen;
    t::scripted_server srv([&](t::request const& r, std::size_t, std::size_t) {
        // A server that quotes its input, raw and JSON-escaped, in its refusal.
        boost::system::error_code ec;
        auto const doc = boost::json::parse(r.body(), ec);
        std::string raw = ec ? std::string() : std::string(doc.at("password").as_string());
        return t::reply{t::http_answer(401, boost::json::serialize(boost::json::object{
                                                {"message", "bad password " + raw + " in " + r.body()}}))};
    });
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(auth_url(srv)));
    outcome<login_info> o;
    a.async_login(into(o));
    BOOST_REQUIRE(wait(ioc, o));
    BOOST_REQUIRE(!o.ok());
    BOOST_TEST(o.error().status == 401u);
    auto const received = srv.received();
    BOOST_REQUIRE_EQUAL(received.size(), 1u);
    boost::system::error_code ec;
    auto const doc = boost::json::parse(received[0].body(), ec);
    BOOST_REQUIRE(!ec);
    BOOST_TEST(doc.at("password").as_string() == password());
    BOOST_TEST(doc.at("username").as_string() == user);
    BOOST_TEST(doc.at("grantType").as_string() == "password");
    auto const text = o.error().to_string();
    BOOST_TEST(text.find("[redacted]") != std::string::npos, text);
    BOOST_TEST(text.find("s3cret") == std::string::npos, text);
    BOOST_TEST(std::string(entities::api_exception(o.error()).what()).find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(login_answers_with_both_cookies_on_one_line_or_split_work)
{
    auto const jwt = fresh_jwt();
    auto const c = split(jwt);
    text_log log;
    for (auto const& lines : {standard_cookies(jwt),
                              "Set-Cookie: jwt_header_payload=" + c.header_payload +
                                  "; Max-Age=3600; Path=/, jwt_signature=" + c.signature + "; Path=/\r\n"}) {
        auto const o = login_against([&] { return login_answer(lines); }, log);
        BOOST_REQUIRE_MESSAGE(o.ok(), o.error().to_string());
        BOOST_TEST((**o.result).sub == user);
    }
}

BOOST_AUTO_TEST_CASE(bad_login_answers_are_clear_errors_that_leak_nothing)
{
    auto const jwt = fresh_jwt();
    auto const no_exp = fresh_jwt(false);
    auto const c = split(jwt);
    auto const garbage_payload =
        "Set-Cookie: jwt_header_payload=" + c.header_payload.substr(0, c.header_payload.find('.')) +
        ".bm90LWpzb24; Max-Age=3600\r\nSet-Cookie: jwt_signature=" + c.signature + "\r\n";
    struct bad_case {
        char const* what;
        t::reply reply;
    };
    std::vector<bad_case> cases{
        {"no jwt_signature",
         login_answer("Set-Cookie: jwt_header_payload=" + c.header_payload + "; Max-Age=3600\r\n")},
        {"no jwt_header_payload", login_answer("Set-Cookie: jwt_signature=" + c.signature + "\r\n")},
        {"no Max-Age and no exp", login_answer(standard_cookies(no_exp, ""))},
        {"negative Max-Age", login_answer(standard_cookies(jwt, "; Max-Age=-5"))},
        {"huge Max-Age", login_answer(standard_cookies(jwt, "; Max-Age=99999999999"))},
        {"Max-Age not a number", login_answer(standard_cookies(jwt, "; Max-Age=soon"))},
        {"payload not base64url JSON", login_answer(garbage_payload)},
        {"no CSRFToken", login_answer(standard_cookies(jwt), login_body(false))},
        {"an HTML 200",
         login_answer(standard_cookies(jwt), "<html><body>Sign in</body></html>", "text/html")},
    };
    text_log log;
    for (auto const& bc : cases) {
        BOOST_TEST_CONTEXT(bc.what)
        {
            auto const o = login_against([&] { return bc.reply; }, log);
            BOOST_REQUIRE(o.done());
            BOOST_TEST(!o.ok());
            BOOST_TEST(o.code() == make_error_code(entities::error::invalid_response), o.error().to_string());
            BOOST_TEST(!o.error().message.empty());
        }
    }
    for (auto const& secret : {jwt, c.header_payload, c.signature, std::string(csrf_secret),
                               std::string(s3_secret), std::string(s3_session), password()})
        BOOST_TEST(!log.holds(secret));
}

BOOST_AUTO_TEST_CASE(a_transient_refresh_failure_is_retried)
{
    auto const first = fresh_jwt();
    auto const second = fresh_jwt();
    std::atomic<int> users{0}, refreshes{0};
    t::scripted_server srv([&](t::request const& r, std::size_t, std::size_t) {
        auto const target = std::string(r.target());
        if (target == "/api/auth/login") return login_answer(standard_cookies(first));
        if (target == "/api/auth/refresh") {
            if (refreshes++ == 0) return t::reply{t::http_answer(503, R"({"message":"busy"})")};
            return login_answer(standard_cookies(second), R"({"CSRFToken":"decoy"})");
        }
        if (users++ == 0) return t::reply{t::http_answer(401, R"({"message":"expired"})")};
        return t::reply{t::http_answer(200, igtcloud::test::kit::user_json)};
    });
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(auth_url(srv)));
    entities::session s(ioc.get_executor(), {.base_url = srv.base_url(), .credentials = a.provider()});
    outcome<user_info> me;
    s.users().async_get_me(into(me));
    BOOST_REQUIRE(wait(ioc, me));
    BOOST_REQUIRE_MESSAGE(me.ok(), me.error().to_string());
    BOOST_TEST(refreshes.load() == 2);
    auto const got = srv.received();
    BOOST_REQUIRE(!got.empty());
    BOOST_TEST(got.back()["X-JWT"] == second);
    BOOST_TEST(got.back()["X-CSRF-TOKEN"] == csrf_secret); // the decoy is ignored
    BOOST_TEST(a.stats().failures == 1u);
}

BOOST_AUTO_TEST_CASE(no_secret_reaches_events_or_errors)
{
    temp_dir dir;
    text_log log;
    std::string assertion;
    std::mutex m;
    // A server that echoes whatever it is sent (body and token headers) in a 400.
    t::scripted_server echo([&](t::request const& r, std::size_t, std::size_t) {
        {
            std::lock_guard lock(m);
            boost::system::error_code ec;
            auto const doc = boost::json::parse(r.body(), ec);
            if (!ec && doc.is_object() && doc.as_object().contains("assertion"))
                assertion = std::string(doc.at("assertion").as_string());
        }
        std::string const echoed =
            std::string(r.body()) + " " + std::string(r["X-JWT"]) + " " + std::string(r["X-CSRF-TOKEN"]);
        return t::reply{
            t::http_answer(400, boost::json::serialize(boost::json::object{{"message", echoed}}))};
    });
    asio::io_context ioc;
    for (int kind = 0; kind < 2; ++kind) {
        auto opts = kind == 0 ? password_options(auth_url(echo)) : service_options(auth_url(echo));
        if (kind == 1) std::get<entities::service_key_grant>(opts.grant).audience = "aud";
        opts.on_event = log.hook();
        entities::authenticator a(ioc.get_executor(), opts);
        outcome<login_info> o;
        a.async_login(into(o));
        BOOST_REQUIRE(wait(ioc, o));
        BOOST_REQUIRE(!o.ok());
        log.add_error(o.error());
    }
    // Environment tokens echoed by /introspect, and a session on the provider.
    scoped_env jwt("CLOUD_JWT_TOKEN", fresh_jwt());
    scoped_env csrf("CLOUD_CSRF_TOKEN", std::string(csrf_secret));
    entities::authenticator a(ioc.get_executor(),
                              {.auth_url = auth_url(echo), .from_environment = true, .on_event = log.hook()});
    entities::session s(ioc.get_executor(),
                        {.base_url = echo.base_url(), .credentials = a.provider(), .on_event = log.hook()});
    outcome<user_info> me;
    s.users().async_get_me(into(me));
    BOOST_REQUIRE(wait(ioc, me));
    BOOST_REQUIRE(!me.ok());
    log.add_error(me.error());

    BOOST_REQUIRE(!assertion.empty());
    auto const pem_line = auth_test::rsa_keys().private_pem.substr(40, 40);
    for (auto const& secret : {password(), assertion, split(assertion).signature, pem_line,
                               std::string(std::getenv("CLOUD_JWT_TOKEN")), std::string(csrf_secret)})
        BOOST_TEST(!log.holds(secret));
    BOOST_TEST(log.lines.size() > 5u);
}

BOOST_AUTO_TEST_CASE(a_cancelled_login_completes_once_and_keeps_nothing)
{
    t::scripted_server srv([](auto const&, std::size_t, std::size_t) { return t::reply{.stall = true}; });
    asio::io_context ioc;
    entities::authenticator a(ioc.get_executor(), password_options(auth_url(srv)));
    asio::cancellation_signal stop;
    outcome<login_info> o;
    a.async_login(asio::bind_cancellation_slot(stop.slot(), into(o)));
    BOOST_REQUIRE(run_until(ioc, [&] { return srv.requests() == 1; }));
    stop.emit(asio::cancellation_type::terminal);
    BOOST_REQUIRE(wait(ioc, o));
    igtcloud::test::kit::settle(ioc);
    BOOST_TEST(o.calls == 1);
    BOOST_TEST(o.code() == asio::error::operation_aborted);
    BOOST_TEST(!a.current().has_value());
}

BOOST_AUTO_TEST_CASE(destroying_the_authenticator_ends_pending_calls_once)
{
    t::scripted_server srv([](auto const&, std::size_t, std::size_t) { return t::reply{.stall = true}; });
    asio::io_context ioc;
    outcome<login_info> login, current;
    outcome<entities::access_tokens> tokens;
    entities::credentials_provider provider;
    {
        entities::authenticator a(ioc.get_executor(), password_options(auth_url(srv)));
        provider = a.provider();
        a.async_login(into(login));
        a.async_current(into(current));
        provider(entities::credentials_reason::initial, into(tokens));
        BOOST_REQUIRE(run_until(ioc, [&] { return srv.requests() == 2; }));
        BOOST_TEST(!login.done());
    }
    BOOST_REQUIRE(run_until(ioc, [&] { return login.done() && current.done() && tokens.done(); }));
    igtcloud::test::kit::settle(ioc);
    for (auto const* o : {&login, &current}) {
        BOOST_TEST(o->calls == 1);
        BOOST_TEST(o->code() == asio::error::operation_aborted);
    }
    BOOST_TEST(tokens.calls == 1);
    BOOST_TEST(tokens.code() == asio::error::operation_aborted);
    // The provider outlives the authenticator: later calls fail at once.
    outcome<entities::access_tokens> later;
    provider(entities::credentials_reason::initial, into(later));
    BOOST_REQUIRE(wait(ioc, later));
    BOOST_TEST(later.code() == make_error_code(entities::error::shut_down));
}

BOOST_AUTO_TEST_SUITE_END()
