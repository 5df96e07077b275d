// igtcloud-mock-server as a process: the first stdout line, a request over a real socket, flags, and a clean
// stop on SIGTERM and SIGINT.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "entities/auth/auth.hpp"
#include "support/process.hpp"
#include "support/raw_client.hpp"
#include "support/rsa_test_keys.hpp"
#include <unistd.h>

namespace {

using igtcloud::test::port_of;

/// igtcloud-mock-server started with `args`.
struct process : igtcloud::test::process {
    explicit process(std::vector<std::string> args)
        : igtcloud::test::process(IGTCLOUD_MOCK_SERVER_BINARY, std::move(args))
    {}
};

/// `text` in a fresh temp file, removed at the end.
struct temp_file {
    std::filesystem::path path;
    explicit temp_file(std::string const& text)
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "igtcloud-mock-bin-XXXXXX").string();
        int const fd = ::mkstemp(pattern.data());
        BOOST_TEST_REQUIRE(fd >= 0);
        ::close(fd);
        path = pattern;
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_file() { std::filesystem::remove(path); }
};

/// POST /api/auth/login with `body`.
igtcloud::test::response login(igtcloud::test::raw_client& c, boost::json::object const& body)
{
    return c.send({.method = "POST",
                   .target = "/api/auth/login",
                   .headers = {{"Content-Type", "application/json"}},
                   .body = boost::json::serialize(body)});
}

/// The JWT of a login answer: its two cookies joined.
std::string jwt_of(igtcloud::test::response const& r)
{
    std::string payload, signature;
    for (auto const& h : r.headers) {
        auto const value = h.value.substr(0, h.value.find(';'));
        if (value.rfind("jwt_header_payload=", 0) == 0) payload = value.substr(19);
        if (value.rfind("jwt_signature=", 0) == 0) signature = value.substr(14);
    }
    return payload + "." + signature;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mock_server_binary)

BOOST_AUTO_TEST_CASE(serves_and_stops_cleanly_on_sigterm)
{
    process p({"--port", "0", "--seed-users", "3", "--token", "t-ops=ops@example.org"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto me = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(me.body.find("ops@example.org") != std::string::npos);
    auto list = client.send({.target = "/data/users", .headers = {{"X-JWT", "t-ops"}}});
    BOOST_TEST(list.status == 200u);
    BOOST_TEST(list.body.find("user00003@example.org") != std::string::npos);
    auto refused = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(refused.status == 401u); // --token replaces the default token
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(stops_cleanly_on_sigint_with_idle_connection)
{
    process p({"--port", "0", "--fail-rate", "1", "--fail-status", "429"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto r = client.send({.target = "/data/users/me", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.header("Retry-After").value_or("") == "1");
    BOOST_TEST(p.stop(SIGINT) == 0);
}

BOOST_AUTO_TEST_CASE(exits_2_on_bad_flags)
{
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--fail-rate", "1.5"}, std::vector<std::string>{"--fail-status", "500"},
          std::vector<std::string>{"--tls-cert", "only-a-cert.pem"},
          std::vector<std::string>{"--no-such-flag"}}) {
        process p(args);
        BOOST_TEST(p.wait_exit() == 2, args.front());
    }
}

BOOST_AUTO_TEST_CASE(serves_the_auth_api_with_its_flags)
{
    temp_file const key{auth_test::rsa_keys().public_pem};
    process p({"--port", "0", "--user", "carol@example.org:pa:ss", "--service-key",
               "svc=" + key.path.string(), "--audience", "aud-bin", "--token-lifetime", "120"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto const ok =
        login(client, {{"grantType", "password"}, {"username", "carol@example.org"}, {"password", "pa:ss"}});
    BOOST_TEST_REQUIRE(ok.status == 200u);
    bool max_age_120 = false;
    for (auto const& h : ok.headers)
        max_age_120 = max_age_120 || h.value.find("; Max-Age=120;") != std::string::npos;
    BOOST_TEST(max_age_120);
    auto const csrf = std::string(boost::json::parse(ok.body).at("CSRFToken").as_string());
    auto const me = client.send(
        {.target = "/api/data/users/me", .headers = {{"X-JWT", jwt_of(ok)}, {"X-CSRF-TOKEN", csrf}}});
    BOOST_TEST(me.status == 200u);
    BOOST_TEST(me.body.find("carol@example.org") != std::string::npos);
    BOOST_TEST(
        login(client, {{"grantType", "password"}, {"username", "carol@example.org"}, {"password", "pa"}})
            .status == 401u);
    BOOST_TEST(client.send({.target = "/api/auth/login/$aud"}).body == "\"aud-bin\"");

    namespace auth = igtcloud::entities::detail::auth;
    auto const private_key = auth::rsa_private_key::from_pem(auth_test::rsa_keys().private_pem).value();
    auto const assertion =
        auth::make_service_assertion("svc", "aud-bin", std::chrono::system_clock::now(), private_key).value();
    BOOST_TEST(login(client, {{"grantType", "jwt-key"}, {"assertion", assertion}}).status == 200u);
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(bad_auth_flag_values_exit_2_naming_the_flag)
{
    temp_file const ec{auth_test::ec_keys().public_pem};
    struct bad_case {
        std::vector<std::string> args;
        std::vector<std::string> named; ///< what stderr must mention
    };
    std::vector<bad_case> const cases{
        {{"--user", "Secret-no-colon-3"}, {"--user"}},
        {{"--user", ":Secret-pw-3"}, {"--user"}},
        {{"--service-key", "svc-without-file"}, {"--service-key"}},
        {{"--service-key", "svc=/nonexistent/key.pem"}, {"--service-key", "/nonexistent/key.pem"}},
        {{"--service-key", "svc=" + ec.path.string()}, {"--service-key", ec.path.string()}},
        {{"--token-lifetime", "0"}, {"--token-lifetime"}},
        {{"--token-lifetime", "soon"}, {"--token-lifetime"}},
    };
    for (auto const& c : cases) {
        process p(c.args);
        auto const err = p.err();
        BOOST_TEST(p.wait_exit() == 2, c.args.back());
        for (auto const& name : c.named)
            BOOST_TEST(err.find(name) != std::string::npos, c.args.back() << ": " << err);
        BOOST_TEST(err.find("Secret-") == std::string::npos, err);
    }
}

BOOST_AUTO_TEST_CASE(serves_the_2023_api_with_its_flags)
{
    process p({"--port", "0", "--api", "2023", "--files-per-user", "2", "--file-bytes", "10"});
    auto const port = port_of(p.line());
    igtcloud::test::raw_client client(port);
    auto post = [&](std::string body) {
        return client.send({.method = "POST",
                            .target = "/data/users",
                            .headers = {{"X-JWT", "mock-token"}, {"Content-Type", "application/json"}},
                            .body = std::move(body)});
    };
    auto const refused = post(R"({"loginId":"n@example.org","email":"n@example.org","familyName":"F"})");
    BOOST_TEST(refused.status == 400u);
    BOOST_TEST(refused.body.find("'givenName'") != std::string::npos, refused.body);
    auto const created =
        post(R"({"loginId":"n@example.org","email":"n@example.org","familyName":"F","givenName":"G"})");
    BOOST_TEST(created.status == 201u, created.body);
    auto const files = client.send({.target = "/data/users/files", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST_REQUIRE(files.status == 200u);
    auto const list = boost::json::parse(files.body).as_array();
    BOOST_TEST_REQUIRE(list.size() == 2u);
    BOOST_TEST(list[1].at("key").as_string() == "seed/file-00002.bin");
    BOOST_TEST(list[1].at("fileSize").as_int64() == 10);
    auto const zip =
        client.send({.target = "/data/users/download-files", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(zip.status == 200u);
    BOOST_TEST(zip.header("Content-Type").value_or("") == "application/zip");
    BOOST_TEST(zip.body.size() == 2 * (30 + 19 + 10) + 2 * (46 + 19) + 22u); // two STORED entries
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(keeps_the_seed_body_without_the_api_flag)
{
    process p({"--port", "0"});
    igtcloud::test::raw_client client(port_of(p.line()));
    auto const created =
        client.send({.method = "POST",
                     .target = "/data/users",
                     .headers = {{"X-JWT", "mock-token"}, {"Content-Type", "application/json"}},
                     .body = R"({"loginId":"n@example.org","email":"n@example.org"})"});
    BOOST_TEST(created.status == 201u, created.body);
    auto const files = client.send({.target = "/data/users/files", .headers = {{"X-JWT", "mock-token"}}});
    BOOST_TEST(files.body == "[]"); // no --files-per-user: no files
    BOOST_TEST(p.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(bad_2023_flag_values_exit_2_naming_the_flag)
{
    std::vector<std::vector<std::string>> const cases{
        {"--api", "2024"},          {"--api", ""},
        {"--api", "SEED"},          {"--files-per-user", "many"},
        {"--files-per-user", "-1"}, {"--files-per-user", "65536"},
        {"--file-bytes", "-5"},     {"--file-bytes", "4294967295"},
        {"--file-bytes", "1e3"},    {"--file-bytes", "99999999999999999999999"},
    };
    for (auto const& args : cases) {
        process p(args);
        auto const err = p.err();
        BOOST_TEST(p.wait_exit() == 2, args[0] << ' ' << args[1]);
        BOOST_TEST(err.find(args[0]) != std::string::npos, args[1] << ": " << err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
