// The mock server end to end over real sockets: the ten operations, auth, masks, bad input, limits,
// keep-alive, stop(), the caller's executor, and concurrent creates.
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/raw_client.hpp"

namespace {

namespace json = boost::json;
namespace mock = igtcloud::mock;
using igtcloud::test::eventually;
using igtcloud::test::raw_client;
using igtcloud::test::request;
using igtcloud::test::response;
using namespace std::chrono_literals;

/// A request to `/data` + `path` with the default token, and a JSON body when one is given.
request call(std::string method, std::string path, std::string body = {}, std::string token = "mock-token")
{
    request r{.method = std::move(method), .target = "/data" + std::move(path), .body = std::move(body)};
    if (!token.empty()) r.headers.push_back({"X-JWT", std::move(token)});
    if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    return r;
}

request with_fields(request r, std::string mask)
{
    r.headers.push_back({"X-Fields", std::move(mask)});
    return r;
}

json::object object_of(response const& r)
{
    return json::parse(r.body).as_object();
}

std::string message_of(response const& r)
{
    return json::value_to<std::string>(object_of(r).at("message"));
}

std::string user_body(std::string const& login)
{
    return R"({"loginId":")" + login + R"(","email":")" + login + "\"}";
}

/// A server with default options and a keep-alive client to it.
struct fixture {
    mock::server srv{};
    raw_client client{srv.port()};

    /// Creates a user over HTTP; returns its userUUID.
    std::string create(std::string const& login)
    {
        auto r = client.send(call("POST", "/users", user_body(login)));
        BOOST_TEST_REQUIRE(r.status == 201u);
        return json::value_to<std::string>(object_of(r).at("userUUID"));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(mock_server, fixture)

BOOST_AUTO_TEST_CASE(answers_admin_on_get_me_with_default_token)
{
    BOOST_TEST(srv.default_token() == "mock-token");
    BOOST_TEST(srv.base_url() == "http://127.0.0.1:" + std::to_string(srv.port()) + "/data");
    auto r = client.send(call("GET", "/users/me"));
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.header("Content-Type").value_or("") == "application/json");
    BOOST_TEST(r.header("Content-Length").value_or("") == std::to_string(r.body.size()));
    BOOST_TEST(object_of(r).at("loginId").as_string() == "admin@example.org");
}

BOOST_AUTO_TEST_CASE(answers_user_or_404_on_get_user)
{
    auto const id = create("ada@example.org");
    auto r = client.send(call("GET", "/users/" + id));
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(object_of(r).at("loginId").as_string() == "ada@example.org");
    auto missing = client.send(call("GET", "/users/00000000-0000-4000-8000-000000000000"));
    BOOST_TEST(missing.status == 404u);
    BOOST_TEST(!message_of(missing).empty());
}

BOOST_AUTO_TEST_CASE(lists_every_user_on_get_users_with_seeded_users)
{
    mock::server seeded{mock::options{.seed_users = 5}};
    raw_client c{seeded.port()};
    auto r = c.send(call("GET", "/users"));
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(json::parse(r.body).as_array().size() == 6u); // the admin and five users
    BOOST_TEST(seeded.user_count() == 6u);
    BOOST_TEST(seeded.find_user_by_login("user00005@example.org").has_value());
}

BOOST_AUTO_TEST_CASE(creates_201_then_returns_existing_200_on_post_users_with_same_login)
{
    auto first = client.send(call("POST", "/users", user_body("bob@example.org")));
    BOOST_TEST_REQUIRE(first.status == 201u);
    auto again = client.send(call("POST", "/users", user_body("bob@example.org")));
    BOOST_TEST(again.status == 200u);
    BOOST_TEST(object_of(again).at("userUUID") == object_of(first).at("userUUID"));
    BOOST_TEST(srv.find_user_by_login("bob@example.org").has_value());
    auto no_email = client.send(call("POST", "/users", R"({"loginId":"x@example.org"})"));
    BOOST_TEST(no_email.status == 400u);
    BOOST_TEST(!message_of(no_email).empty());
    BOOST_TEST(client.send(call("POST", "/users", R"({"loginId":"x","email":"no-at"})")).status == 400u);
}

BOOST_AUTO_TEST_CASE(updates_or_refuses_on_put_user)
{
    auto const id = create("carol@example.org");
    auto put = client.send(call("PUT", "/users/" + id,
                                R"({"loginId":"carol@example.org","email":"c@example.org",)"
                                R"("name":"Carol"})"));
    BOOST_TEST(put.status == 204u);
    BOOST_TEST(put.body.empty());
    auto after = object_of(client.send(call("GET", "/users/" + id)));
    BOOST_TEST(after.at("profile").at("givenName").as_string() == "Carol");
    BOOST_TEST(client.send(call("PUT", "/users/unknown-id", user_body("d@example.org"))).status == 404u);
    BOOST_TEST(client.send(call("PUT", "/users/" + id, R"({"email":"x@example.org"})")).status == 400u);
}

BOOST_AUTO_TEST_CASE(deletes_204_then_404_on_delete_user)
{
    auto const id = create("dave@example.org");
    BOOST_TEST(client.send(call("DELETE", "/users/" + id)).status == 204u);
    BOOST_TEST(!srv.find_user(id).has_value());
    BOOST_TEST(client.send(call("DELETE", "/users/" + id)).status == 404u);
}

BOOST_AUTO_TEST_CASE(answers_credentials_or_400_on_get_storage)
{
    auto r = client.send(call("GET", "/users/%24storage?region=eu-west-1"));
    BOOST_TEST_REQUIRE(r.status == 200u);
    auto body = object_of(r);
    BOOST_TEST(body.at("config").at("region").as_string() == "eu-west-1");
    BOOST_TEST(!body.at("config").at("bucket").as_string().empty());
    BOOST_TEST(!body.at("credentials").at("accessKey").as_string().empty());
    BOOST_TEST(body.at("credentials").as_object().contains("expiration"));
    BOOST_TEST(client.send(call("GET", "/users/$storage?region=mars-north-1")).status == 400u);
}

BOOST_AUTO_TEST_CASE(answers_outcome_or_400_on_resend_activation)
{
    auto r = client.send(call("POST", "/users/$resend-activation", R"({"loginId":"admin@example.org"})"));
    BOOST_TEST_REQUIRE(r.status == 200u);
    BOOST_TEST(object_of(r).at("resourceType").as_string() == "OperationOutcome");
    BOOST_TEST(client.send(call("POST", "/users/$resend-activation", R"({"loginId":"nobody"})")).status ==
               400u);
}

BOOST_AUTO_TEST_CASE(answers_204_or_400_on_mfa_reset_and_204_on_profile)
{
    BOOST_TEST(client.send(call("POST", "/users/$mfa-reset", R"({"loginId":"admin@example.org"})")).status ==
               204u);
    BOOST_TEST(client.send(call("POST", "/users/$mfa-reset", R"({"loginId":"nobody"})")).status == 400u);
    BOOST_TEST(client.send(call("POST", "/users/$profile")).status == 204u);
}

BOOST_AUTO_TEST_CASE(answers_401_with_message_on_missing_or_unknown_token)
{
    auto none = client.send(call("GET", "/users/me", {}, ""));
    BOOST_TEST(none.status == 401u);
    BOOST_TEST(!message_of(none).empty());
    BOOST_TEST(client.send(call("GET", "/users/me", {}, "wrong-token")).status == 401u);
    auto csrf = client.send(request{.target = "/data/users/me", .headers = {{"X-CSRF-TOKEN", "mock-token"}}});
    BOOST_TEST(csrf.status == 200u);
}

BOOST_AUTO_TEST_CASE(maps_configured_tokens_to_their_users_on_token_option)
{
    mock::server custom{
        mock::options{.tokens = {{"t-ada", "ada@example.org"}, {"t-bob", "bob@example.org"}}}};
    raw_client c{custom.port()};
    BOOST_TEST(custom.default_token() == "t-ada");
    BOOST_TEST(object_of(c.send(call("GET", "/users/me", {}, "t-bob"))).at("loginId").as_string() ==
               "bob@example.org");
    BOOST_TEST(c.send(call("GET", "/users/me", {}, "mock-token")).status == 401u);
}

BOOST_AUTO_TEST_CASE(applies_masks_on_x_fields)
{
    auto nested =
        object_of(client.send(with_fields(call("GET", "/users/me"), "{loginId,profile{givenName}}")));
    BOOST_TEST(nested.size() == 2u);
    BOOST_TEST(nested.at("profile").as_object().size() == 1u);
    BOOST_TEST(nested.at("profile").at("givenName").as_string() == "Admin");

    auto list = json::parse(client.send(with_fields(call("GET", "/users"), "userUUID")).body).as_array();
    BOOST_TEST_REQUIRE(!list.empty());
    for (auto const& u : list)
        BOOST_TEST(u.as_object().size() == 1u);

    auto star = object_of(client.send(with_fields(call("GET", "/users/me"), "{profile{givenName},*}")));
    BOOST_TEST(star.contains("accountStatus"));
    BOOST_TEST(star.at("profile").as_object().size() == 1u);

    auto bad = client.send(with_fields(call("GET", "/users/me"), "{loginId"));
    BOOST_TEST(bad.status == 400u);
    BOOST_TEST(!message_of(bad).empty());
}

BOOST_AUTO_TEST_CASE(answers_400_on_bad_bodies)
{
    BOOST_TEST(client.send(call("POST", "/users", "not json")).status == 400u);
    BOOST_TEST(client.send(call("POST", "/users", R"([{"loginId":"a","email":"a@b"}])")).status == 400u);
    auto wrong_type = call("POST", "/users", user_body("e@example.org"));
    wrong_type.headers.back().value = "text/plain";
    BOOST_TEST(client.send(wrong_type).status == 400u);
    BOOST_TEST(srv.user_count() == 1u);
}

BOOST_AUTO_TEST_CASE(answers_413_and_keeps_serving_on_body_over_limit)
{
    auto r = client.send(call("POST", "/users", std::string((1u << 20) + 1, ' ')));
    BOOST_TEST(r.status == 413u);
    BOOST_TEST(r.header("Connection").value_or("") == "close");
    BOOST_TEST(client.closed_by_peer());
    raw_client next{srv.port()};
    BOOST_TEST(next.send(call("GET", "/users/me")).status == 200u);
}

BOOST_AUTO_TEST_CASE(answers_400_and_closes_on_malformed_http)
{
    client.send_raw("GET /data/users/me HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    auto r = client.read();
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(!message_of(r).empty());
    BOOST_TEST(client.closed_by_peer());
    raw_client next{srv.port()};
    BOOST_TEST(next.send(call("GET", "/users/me")).status == 200u);
}

BOOST_AUTO_TEST_CASE(drops_client_on_request_stalled_past_read_timeout)
{
    mock::server quick{mock::options{.read_timeout = 300ms}};
    raw_client c{quick.port()};
    auto const start = std::chrono::steady_clock::now();
    c.send_raw("GET /data/users/me HTTP/1.1\r\nHost: x\r\nX-JWT: mo");
    BOOST_TEST(c.closed_by_peer(5s));
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 250ms));
    BOOST_TEST(eventually([&] { return quick.stats().connections_open == 0u; }));
}

BOOST_AUTO_TEST_CASE(serves_many_requests_on_one_keep_alive_connection)
{
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(client.send(call("GET", "/users/me")).status == 200u);
    BOOST_TEST(client.send(call("GET", "/nowhere")).status == 404u);
    auto s = srv.stats();
    BOOST_TEST(s.connections_accepted == 1u);
    BOOST_TEST(s.connections_open == 1u);
    BOOST_TEST(s.requests_served == 6u);
    BOOST_TEST(s.requests_by_route["GET /users/me"] == 5u);
    BOOST_TEST(s.requests_by_route["other"] == 1u);
}

BOOST_AUTO_TEST_CASE(answers_in_order_on_pipelined_requests)
{
    client.send_raw("GET /data/users/me HTTP/1.1\r\nX-JWT: mock-token\r\n\r\n"
                    "GET /data/nowhere HTTP/1.1\r\nX-JWT: mock-token\r\n\r\n");
    BOOST_TEST(client.read().status == 200u);
    BOOST_TEST(client.read().status == 404u);
    BOOST_TEST(client.send(call("GET", "/users/me")).status == 200u);
}

BOOST_AUTO_TEST_CASE(closes_after_answer_on_http10_without_keep_alive)
{
    auto req = call("GET", "/users/me");
    req.version = 10;
    auto r = client.send(req);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(client.closed_by_peer());
}

BOOST_AUTO_TEST_CASE(releases_every_connection_on_thousands_of_connections)
{
    constexpr int count = 2000;
    mock::server own{}; // no idle client of the fixture: its read timeout could close it on a slow run
    for (int i = 0; i < count; ++i) {
        raw_client c{own.port()};
        BOOST_TEST_REQUIRE(c.send(call("GET", "/users/me")).status == 200u);
    }
    BOOST_TEST(eventually([&] { return own.stats().connections_open == 0u; }),
               "connections still open: " << own.stats().connections_open);
    BOOST_TEST(own.stats().connections_accepted == count);
    BOOST_TEST(own.stats().requests_served == count);
}

BOOST_AUTO_TEST_CASE(closes_idle_connections_on_stop)
{
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<raw_client>(srv.port()));
        BOOST_TEST(clients.back()->send(call("GET", "/users/me")).status == 200u);
    }
    srv.stop();
    for (auto& c : clients)
        BOOST_TEST(c->closed_by_peer());
    BOOST_TEST(client.closed_by_peer());
    BOOST_TEST(srv.stats().connections_open == 0u);
    srv.stop(); // idempotent
    BOOST_CHECK_THROW(raw_client{srv.port()}, boost::system::system_error);
}

BOOST_AUTO_TEST_CASE(refuses_to_start_on_port_in_use)
{
    BOOST_CHECK_THROW(mock::server{mock::options{.port = srv.port()}}, boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mock_server_embedding)

BOOST_AUTO_TEST_CASE(runs_and_stops_on_callers_executor)
{
    boost::asio::io_context context;
    mock::server srv{context.get_executor(), mock::options{.threads = 8}};
    auto runner = std::async(std::launch::async, [&] { context.run_for(20s); });
    {
        raw_client c{srv.port()};
        BOOST_TEST(c.send(call("GET", "/users/me")).status == 200u);
        raw_client idle{srv.port()};
        BOOST_TEST(idle.send(call("GET", "/users/me")).status == 200u);
        srv.stop();
        BOOST_TEST(idle.closed_by_peer());
    }
    // run() returns by itself once stop() has ended every session and the accept loop.
    BOOST_TEST((runner.wait_for(5s) == std::future_status::ready));
}

BOOST_AUTO_TEST_CASE(creates_each_login_once_on_concurrent_posts)
{
    constexpr int threads = 8, per_thread = 500, shared_every = 10;
    mock::server srv{mock::options{.threads = 4}};
    std::vector<std::future<int>> workers; // each returns how many 201s it saw
    for (int t = 0; t < threads; ++t) {
        workers.push_back(std::async(std::launch::async, [&srv, t] {
            raw_client c{srv.port()};
            int created = 0;
            for (int i = 0; i < per_thread; ++i) {
                auto const login = i % shared_every == 0
                                       ? "shared-" + std::to_string(i) + "@example.org"
                                       : "u" + std::to_string(t) + "-" + std::to_string(i) + "@x.org";
                auto const status = c.send(call("POST", "/users", user_body(login))).status;
                if (status != 200u && status != 201u)
                    throw std::runtime_error("status " + std::to_string(status));
                created += status == 201u;
            }
            return created;
        }));
    }
    int created = 0;
    for (auto& w : workers)
        created += w.get();
    constexpr int shared = per_thread / shared_every, distinct = threads * (per_thread - shared);
    BOOST_TEST(created == distinct + shared);
    BOOST_TEST(srv.user_count() == 1u + distinct + shared);
    raw_client c{srv.port()};
    auto const list = json::parse(c.send(call("GET", "/users")).body).as_array();
    std::set<std::string> logins, ids;
    for (auto const& u : list) {
        logins.insert(json::value_to<std::string>(u.at("loginId")));
        ids.insert(json::value_to<std::string>(u.at("userUUID")));
    }
    BOOST_TEST(list.size() == 1u + distinct + shared);
    BOOST_TEST(logins.size() == list.size());
    BOOST_TEST(ids.size() == list.size());
}

BOOST_AUTO_TEST_SUITE_END()
