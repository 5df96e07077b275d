// The mock server's auth API over real sockets (DESIGN.md §6): password and service-key logins, refresh,
// logout, introspect, $aud, the JWT check of the Users routes at /data and /api/data, the counters, and the
// constructor's refusal of bad auth options. RSA keys are generated at test time.
#include <igtcloud/mock/server.hpp>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "entities/auth/auth.hpp"
#include "support/raw_client.hpp"
#include "support/rsa_test_keys.hpp"
#include <unistd.h>

namespace {

namespace auth = igtcloud::entities::detail::auth;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace mock = igtcloud::mock;
using igtcloud::test::raw_client;
using igtcloud::test::request;
using igtcloud::test::response;
using namespace std::chrono_literals;
using clock = std::chrono::system_clock;

constexpr char const* password = "Wonder-land-7";
constexpr char const* service = "svc-1@service.example";

/// A PEM written to a temp file (for options::service_keys), removed at the end.
struct pem_file {
    fs::path path;
    explicit pem_file(std::string const& pem)
    {
        std::string pattern = (fs::temp_directory_path() / "igtcloud-mock-auth-XXXXXX").string();
        int const fd = ::mkstemp(pattern.data());
        BOOST_TEST_REQUIRE(fd >= 0);
        ::close(fd);
        path = pattern;
        std::ofstream(path, std::ios::binary) << pem;
    }
    ~pem_file() { fs::remove(path); }
};

pem_file const& public_key_file()
{
    static pem_file const file{auth_test::rsa_keys().public_pem};
    return file;
}

mock::options auth_options(std::chrono::seconds lifetime = 900s)
{
    mock::options o;
    o.users = {{"alice@example.org", password}, {"bob@example.org", "b:with:colons"}};
    o.service_keys = {{service, public_key_file().path.string()}};
    o.audience = "aud-test";
    o.token_lifetime = lifetime;
    return o;
}

/// A logged-in session as a client holds it.
struct login {
    response answer{};
    std::string jwt{};  ///< H.P from jwt_header_payload + "." + S from jwt_signature
    std::string csrf{}; ///< the body's CSRFToken
};

/// The value of cookie `name` among the answer's Set-Cookie lines, and that whole line.
std::string cookie_line(response const& r, std::string const& name)
{
    for (auto const& h : r.headers)
        if (boost::iequals(h.name, "Set-Cookie") && h.value.rfind(name + "=", 0) == 0) return h.value;
    return {};
}

std::string cookie_value(response const& r, std::string const& name)
{
    auto const line = cookie_line(r, name);
    return line.empty() ? std::string{} : line.substr(name.size() + 1, line.find(';') - name.size() - 1);
}

json::object body_of(response const& r)
{
    return json::parse(r.body).as_object();
}

login login_from(response r)
{
    login l{.answer = std::move(r)};
    if (l.answer.status != 200) return l;
    l.jwt = cookie_value(l.answer, "jwt_header_payload") + "." + cookie_value(l.answer, "jwt_signature");
    l.csrf = std::string(body_of(l.answer).at("CSRFToken").as_string());
    return l;
}

request post_login(std::string body)
{
    return {.method = "POST",
            .target = "/api/auth/login",
            .headers = {{"Content-Type", "application/json"}},
            .body = std::move(body)};
}

login password_login(raw_client& c, std::string const& user, std::string const& pass)
{
    json::object body{{"grantType", "password"}, {"username", user}, {"password", pass}};
    return login_from(c.send(post_login(json::serialize(body))));
}

login service_login(raw_client& c, std::string const& assertion)
{
    json::object body{{"grantType", "jwt-key"}, {"assertion", assertion}, {"hospitalOrgId", ""}};
    return login_from(c.send(post_login(json::serialize(body))));
}

std::string assertion_with(json::object claims,
                           std::string const& private_pem = auth_test::rsa_keys().private_pem)
{
    return auth::sign_rs256(claims, auth::rsa_private_key::from_pem(private_pem).value()).value();
}

std::int64_t now_s()
{
    return std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch()).count();
}

/// A request carrying a JWT and (when not empty) a CSRF token.
request with_tokens(std::string method, std::string target, std::string const& jwt, std::string const& csrf)
{
    request r{.method = std::move(method), .target = std::move(target)};
    if (!jwt.empty()) r.headers.push_back({"X-JWT", jwt});
    if (!csrf.empty()) r.headers.push_back({"X-CSRF-TOKEN", csrf});
    return r;
}

unsigned me_status(raw_client& c, std::string const& jwt, std::string const& csrf,
                   std::string const& base = "/data")
{
    return c.send(with_tokens("GET", base + "/users/me", jwt, csrf)).status;
}

json::object introspect(raw_client& c, std::string const& jwt, std::string const& csrf)
{
    auto const r = c.send(with_tokens("GET", "/api/auth/introspect", jwt, csrf));
    BOOST_TEST_REQUIRE(r.status == 200u);
    return body_of(r);
}

/// One server with the auth options and a client to it.
struct fixture {
    mock::server srv{auth_options()};
    raw_client client{srv.port()};
};

} // namespace

BOOST_AUTO_TEST_SUITE(mock_auth)

BOOST_FIXTURE_TEST_CASE(password_login_sets_both_cookies_and_a_csrf_token, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    auto const payload_cookie = cookie_line(l.answer, "jwt_header_payload");
    auto const signature_cookie = cookie_line(l.answer, "jwt_signature");
    BOOST_TEST(payload_cookie.find("; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Strict") !=
               std::string::npos);
    BOOST_TEST(signature_cookie.find("; Path=/; Secure; HttpOnly; SameSite=Strict") != std::string::npos);
    BOOST_TEST(signature_cookie.find("Max-Age") == std::string::npos);
    BOOST_TEST(l.csrf.size() >= 32u);
    auto const body = body_of(l.answer);
    BOOST_TEST(body.at("sub").as_string() == "alice@example.org");
    auto const& s3 = body.at("S3Credentials").as_array();
    BOOST_TEST_REQUIRE(s3.size() == 1u);
    for (auto const* key : {"accessKey", "secretKey", "sessionToken", "bucket", "expires"})
        BOOST_TEST(s3.front().at("credentials").as_object().contains(key), key);

    auto const claims = auth::decode_jwt(l.jwt);
    BOOST_TEST_REQUIRE(claims.has_value());
    BOOST_TEST(claims->header.at("alg").as_string() == "HS256");
    BOOST_TEST(claims->sub.value_or("") == "alice@example.org");
    BOOST_TEST_REQUIRE((claims->iat && claims->exp));
    BOOST_TEST(*claims->exp - *claims->iat == 900);
    BOOST_TEST(std::abs(*claims->iat - now_s()) <= 60);
    BOOST_TEST(claims->has_refresh_token);
    BOOST_TEST(claims->payload.at("jti").as_string().size() > 0u);

    BOOST_TEST(me_status(client, l.jwt, l.csrf) == 200u);
    auto const me = client.send(with_tokens("GET", "/api/data/users/me", l.jwt, l.csrf));
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(body_of(me).at("loginId").as_string() == "alice@example.org");
    BOOST_TEST(me_status(client, l.jwt, "") == 401u);
    BOOST_TEST(me_status(client, l.jwt, l.csrf + "x") == 401u);

    auto const second = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(second.answer.status == 200u);
    BOOST_TEST(second.csrf != l.csrf);
    BOOST_TEST(second.jwt != l.jwt);
    BOOST_TEST(me_status(client, second.jwt, l.csrf) == 401u); // a CSRF token belongs to its own login
}

BOOST_FIXTURE_TEST_CASE(password_split_at_first_colon_and_login_user_created, fixture)
{
    BOOST_TEST(password_login(client, "bob@example.org", "b:with:colons").answer.status == 200u);
    BOOST_TEST(srv.find_user_by_login("bob@example.org").has_value());
    BOOST_TEST(srv.find_user_by_login(service).has_value());
}

BOOST_FIXTURE_TEST_CASE(wrong_password_or_user_is_401_without_the_password, fixture)
{
    for (auto const& [user, pass] :
         std::vector<std::pair<std::string, std::string>>{{"alice@example.org", "Wrong-pass-9"},
                                                          {"alice@example.org", ""},
                                                          {"alice@example.org", std::string(password) + "x"},
                                                          {"nobody@example.org", password}}) {
        auto const l = password_login(client, user, pass);
        BOOST_TEST(l.answer.status == 401u, user);
        BOOST_TEST(body_of(l.answer).at("message").is_string());
        if (!pass.empty()) BOOST_TEST(l.answer.body.find(pass) == std::string::npos);
        BOOST_TEST(cookie_line(l.answer, "jwt_header_payload").empty());
    }
}

BOOST_FIXTURE_TEST_CASE(malformed_login_bodies_are_400, fixture)
{
    for (std::string body :
         {std::string{"not json"}, std::string{"[1,2]"}, std::string{"{}"},
          std::string{R"({"grantType": 7})"}, std::string{R"({"grantType": "magic"})"},
          std::string{R"({"grantType": "password", "username": "alice@example.org"})"},
          std::string{R"({"grantType": "password", "password": "Secret-body-1"})"},
          std::string{R"({"grantType": "password", "username": 1, "password": "Secret-body-1"})"},
          std::string{R"({"grantType": "jwt-key"})"},
          std::string{R"({"grantType": "jwt-key", "assertion": 5})"}, std::string{}}) {
        auto const r = client.send(post_login(body));
        BOOST_TEST(r.status == 400u, body);
        BOOST_TEST(r.body.find("Secret-body-1") == std::string::npos, body);
    }
    BOOST_TEST(client.send({.method = "GET", .target = "/api/auth/login"}).status == 405u);
    BOOST_TEST(client.send({.method = "POST", .target = "/api/auth/nothing"}).status == 404u);
}

BOOST_FIXTURE_TEST_CASE(service_key_login_runs_as_the_subject, fixture)
{
    auto const key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem).value();
    auto const l =
        service_login(client, auth::make_service_assertion(service, "aud-test", clock::now(), key).value());
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    BOOST_TEST(body_of(l.answer).at("sub").as_string() == service);
    auto const claims = auth::decode_jwt(l.jwt).value();
    BOOST_TEST(claims.sub.value_or("") == service);
    BOOST_TEST(!claims.has_refresh_token);
    BOOST_TEST(cookie_line(l.answer, "jwt_header_payload").find("Max-Age=900;") != std::string::npos);
    auto const me = client.send(with_tokens("GET", "/api/data/users/me", l.jwt, l.csrf));
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(body_of(me).at("loginId").as_string() == service);
    auto const info = introspect(client, l.jwt, l.csrf);
    BOOST_TEST(info.at("identity_type").as_string() == "Service");

    // aud may also be a plain string
    auto const exp = now_s() + 600;
    auto const plain =
        assertion_with({{"aud", "aud-test"}, {"iss", service}, {"sub", service}, {"exp", exp}});
    BOOST_TEST(service_login(client, plain).answer.status == 200u);
}

BOOST_FIXTURE_TEST_CASE(bad_assertions_are_401, fixture)
{
    auto const exp = now_s() + 600;
    auto const good =
        json::object{{"aud", json::array{"aud-test"}}, {"iss", service}, {"sub", service}, {"exp", exp}};
    auto with = [&](char const* name, json::value v) {
        auto c = good;
        if (v.is_null())
            c.erase(name);
        else
            c[name] = std::move(v);
        return assertion_with(c);
    };
    std::vector<std::pair<std::string, std::string>> const cases{
        {"signed by another key", assertion_with(good, auth_test::other_rsa_keys().private_pem)},
        {"wrong aud", with("aud", json::array{"someone-else"})},
        {"wrong aud string", with("aud", "aud-test-2")},
        {"no aud", with("aud", nullptr)},
        {"sub != iss", with("iss", "other@service.example")},
        {"no iss", with("iss", nullptr)},
        {"unknown subject", assertion_with({{"aud", json::array{"aud-test"}},
                                            {"iss", "ghost@service.example"},
                                            {"sub", "ghost@service.example"},
                                            {"exp", exp}})},
        {"expired", with("exp", now_s() - 5)},
        {"no exp", with("exp", nullptr)},
        {"exp more than a day ahead", with("exp", now_s() + 2 * 24 * 3600)},
        {"not a JWT", "not-a-jwt"},
        {"HS256 instead of RS256", auth::sign_hs256(good, "guess")},
    };
    for (auto const& [what, assertion] : cases) {
        auto const l = service_login(client, assertion);
        BOOST_TEST(l.answer.status == 401u, what);
        BOOST_TEST(l.answer.body.find(assertion) == std::string::npos, what);
    }
}

BOOST_FIXTURE_TEST_CASE(audience_is_served, fixture)
{
    auto const r = client.send({.target = "/api/auth/login/$aud"});
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(json::parse(r.body) == json::value("aud-test"));
    BOOST_TEST(srv.auth_url() == "http://127.0.0.1:" + std::to_string(srv.port()) + "/api/auth");
}

BOOST_FIXTURE_TEST_CASE(refresh_gives_a_new_jwt_of_the_same_login, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    std::this_thread::sleep_for(1100ms); // a later iat, so that exp moves
    auto const r = login_from(client.send(with_tokens("POST", "/api/auth/refresh", l.jwt, l.csrf)));
    BOOST_TEST_REQUIRE(r.answer.status == 200u);
    BOOST_TEST(r.jwt != l.jwt);
    BOOST_TEST(r.csrf != l.csrf); // a decoy
    BOOST_TEST(cookie_line(r.answer, "jwt_header_payload").find("Max-Age=900;") != std::string::npos);
    auto const before = auth::decode_jwt(l.jwt).value(), after = auth::decode_jwt(r.jwt).value();
    BOOST_TEST(*after.exp > *before.exp);
    BOOST_TEST(after.sub.value_or("") == "alice@example.org");
    BOOST_TEST(after.has_refresh_token);

    BOOST_TEST(me_status(client, r.jwt, r.csrf) == 401u); // the decoy is never accepted
    BOOST_TEST(me_status(client, r.jwt, l.csrf) == 200u); // the login's CSRF token goes on
    BOOST_TEST(me_status(client, l.jwt, l.csrf) == 200u); // the older JWT stays valid until it expires
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/refresh", r.jwt, r.csrf)).status == 401u);
    auto const again = client.send(with_tokens("POST", "/api/auth/refresh", r.jwt, l.csrf));
    BOOST_TEST(again.status == 200u);
}

BOOST_FIXTURE_TEST_CASE(refusals_of_refresh_are_401, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    for (auto const& [jwt, csrf] : std::vector<std::pair<std::string, std::string>>{
             {l.jwt, "bad-csrf"}, {l.jwt, ""}, {"", l.csrf}, {"a.b.c", l.csrf}, {l.jwt + "x", l.csrf}}) {
        auto const r = client.send(with_tokens("POST", "/api/auth/refresh", jwt, csrf));
        BOOST_TEST(r.status == 401u);
        BOOST_TEST(r.body.find(l.csrf) == std::string::npos);
        if (!jwt.empty()) BOOST_TEST(r.body.find(jwt) == std::string::npos);
    }
    auto const key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem).value();
    auto const s =
        service_login(client, auth::make_service_assertion(service, "aud-test", clock::now(), key).value());
    BOOST_TEST_REQUIRE(s.answer.status == 200u);
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/refresh", s.jwt, s.csrf)).status == 401u);
}

BOOST_FIXTURE_TEST_CASE(a_forged_or_tampered_jwt_is_refused, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    auto claims = auth::decode_jwt(l.jwt).value().payload;
    BOOST_TEST(me_status(client, auth::sign_hs256(claims, "not-the-server-secret"), l.csrf) == 401u);
    claims["sub"] = "bob@example.org";
    auto const parts = auth::split_jwt(l.jwt).value();
    auto const tampered = auth::sign_hs256(claims, "x");
    auto const forged = tampered.substr(0, tampered.rfind('.')) + "." + std::string(parts.signature);
    BOOST_TEST(me_status(client, forged, l.csrf) == 401u);
    BOOST_TEST(introspect(client, forged, l.csrf).at("active") == json::value(false));
}

BOOST_FIXTURE_TEST_CASE(logout_revokes_every_jwt_of_the_login, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    auto const other = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE((l.answer.status == 200u && other.answer.status == 200u));
    auto const r = login_from(client.send(with_tokens("POST", "/api/auth/refresh", l.jwt, l.csrf)));
    BOOST_TEST_REQUIRE(r.answer.status == 200u);

    auto const out = client.send(with_tokens("POST", "/api/auth/logout", l.jwt, ""));
    BOOST_TEST(out.status == 200u);
    BOOST_TEST(json::parse(out.body) == json::parse(R"({"success": true})"));
    for (auto const& jwt : {l.jwt, r.jwt}) {
        BOOST_TEST(me_status(client, jwt, l.csrf) == 401u);
        BOOST_TEST(me_status(client, jwt, l.csrf, "/api/data") == 401u);
        BOOST_TEST(introspect(client, jwt, l.csrf).at("active") == json::value(false));
        BOOST_TEST(client.send(with_tokens("POST", "/api/auth/refresh", jwt, l.csrf)).status == 401u);
        BOOST_TEST(client.send(with_tokens("POST", "/api/auth/logout", jwt, "")).status == 401u);
    }
    BOOST_TEST(me_status(client, other.jwt, other.csrf) == 200u); // another login is not touched
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/logout", "", "")).status == 401u);
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/logout", "x.y.z", "")).status == 401u);
}

BOOST_FIXTURE_TEST_CASE(introspect_answers_active_or_not, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    auto const info = introspect(client, l.jwt, l.csrf);
    BOOST_TEST(info.at("active") == json::value(true));
    BOOST_TEST(info.at("sub").as_string() == "alice@example.org");
    BOOST_TEST(info.at("exp").to_number<std::int64_t>() == *auth::decode_jwt(l.jwt).value().exp);
    BOOST_TEST(info.at("iss").is_string());
    BOOST_TEST(info.at("token_type").as_string() == "Bearer");
    BOOST_TEST(info.at("identity_type").as_string() == "User");

    for (auto const& [jwt, csrf] : std::vector<std::pair<std::string, std::string>>{
             {l.jwt, "wrong"}, {l.jwt, ""}, {"garbage", l.csrf}, {"a.b.c", l.csrf}}) {
        auto const inactive = introspect(client, jwt, csrf);
        BOOST_TEST(inactive == json::parse(R"({"active": false})"));
    }
    BOOST_TEST(client.send(with_tokens("GET", "/api/auth/introspect", "", l.csrf)).status == 400u);
}

BOOST_AUTO_TEST_CASE(an_expired_jwt_is_refused_everywhere)
{
    mock::server srv{auth_options(1s)};
    raw_client client{srv.port()};
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    BOOST_TEST(cookie_line(l.answer, "jwt_header_payload").find("Max-Age=1;") != std::string::npos);
    std::this_thread::sleep_for(2200ms);
    BOOST_TEST(me_status(client, l.jwt, l.csrf) == 401u);
    BOOST_TEST(me_status(client, l.jwt, l.csrf, "/api/data") == 401u);
    BOOST_TEST(introspect(client, l.jwt, l.csrf).at("active") == json::value(false));
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/refresh", l.jwt, l.csrf)).status == 401u);
    BOOST_TEST(client.send(with_tokens("POST", "/api/auth/logout", l.jwt, "")).status == 401u);
    BOOST_TEST(me_status(client, "mock-token", "") == 200u);
    BOOST_TEST(me_status(client, "mock-token", "", "/api/data") == 200u);
}

BOOST_FIXTURE_TEST_CASE(static_tokens_keep_working_at_both_prefixes, fixture)
{
    for (auto const* base : {"/data", "/api/data"}) {
        auto const me = client.send(with_tokens("GET", std::string(base) + "/users/me", "mock-token", ""));
        BOOST_TEST(me.status == 200u, base);
        BOOST_TEST(body_of(me).at("loginId").as_string() == "admin@example.org");
        BOOST_TEST(me_status(client, "not-a-token", "", base) == 401u);
    }
    BOOST_TEST(client.send(with_tokens("GET", "/api/datax/users/me", "mock-token", "")).status == 404u);
    BOOST_TEST(client.send(with_tokens("GET", "/api/users/me", "mock-token", "")).status == 404u);
}

BOOST_FIXTURE_TEST_CASE(auth_routes_are_counted, fixture)
{
    auto const l = password_login(client, "alice@example.org", password);
    BOOST_TEST_REQUIRE(l.answer.status == 200u);
    password_login(client, "alice@example.org", "wrong");
    client.send({.target = "/api/auth/login/$aud"});
    client.send(with_tokens("POST", "/api/auth/refresh", l.jwt, l.csrf));
    introspect(client, l.jwt, l.csrf);
    client.send(with_tokens("POST", "/api/auth/logout", l.jwt, ""));
    me_status(client, "mock-token", "", "/api/data");
    auto const by_route = srv.stats().requests_by_route;
    auto count = [&](std::string const& name) { return by_route.contains(name) ? by_route.at(name) : 0u; };
    BOOST_TEST(count("POST /auth/login") == 2u);
    BOOST_TEST(count("GET /auth/login/$aud") == 1u);
    BOOST_TEST(count("POST /auth/refresh") == 1u);
    BOOST_TEST(count("GET /auth/introspect") == 1u);
    BOOST_TEST(count("POST /auth/logout") == 1u);
    BOOST_TEST(count("GET /users/me") == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_logins_on_several_threads)
{
    auto opts = auth_options();
    opts.threads = 4;
    mock::server srv{opts};
    std::vector<std::vector<login>> results(4);
    std::vector<std::thread> threads;
    for (auto& out : results)
        threads.emplace_back([&srv, &out] {
            raw_client c{srv.port()};
            for (int i = 0; i < 15; ++i)
                out.push_back(password_login(c, "alice@example.org", password));
        });
    for (auto& t : threads)
        t.join();
    raw_client client{srv.port()};
    std::set<std::string> csrfs;
    for (auto const& out : results)
        for (auto const& l : out) {
            BOOST_TEST_REQUIRE(l.answer.status == 200u);
            csrfs.insert(l.csrf);
            BOOST_TEST(me_status(client, l.jwt, l.csrf) == 200u);
        }
    BOOST_TEST(csrfs.size() == 60u);
}

BOOST_AUTO_TEST_CASE(bad_auth_options_are_refused_by_the_constructor)
{
    pem_file const ec{auth_test::ec_keys().public_pem};
    pem_file const private_key{auth_test::rsa_keys().private_pem};
    auto refused = [](mock::options o, std::string const& must_name) {
        try {
            mock::server srv{std::move(o)};
            BOOST_ERROR("accepted: " + must_name);
        } catch (std::invalid_argument const& e) {
            BOOST_TEST(std::string(e.what()).find(must_name) != std::string::npos, e.what());
        }
    };
    auto with_key = [](std::string path) {
        auto o = auth_options();
        o.service_keys = {{service, std::move(path)}};
        return o;
    };
    refused(with_key("/nonexistent/key.pem"), "/nonexistent/key.pem");
    refused(with_key(ec.path.string()), ec.path.string());
    refused(with_key(private_key.path.string()), "--service-key");
    auto zero = auth_options(0s);
    refused(zero, "--token-lifetime");
    auto no_login = auth_options();
    no_login.users = {{"", "Secret-pw-5"}};
    refused(no_login, "--user");
}

BOOST_AUTO_TEST_SUITE_END()
