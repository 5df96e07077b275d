#pragma once

// What the mock's 2023 API tests share: requests with the default token, 4xxMessage text, test bytes.

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <utility>

#include "support/raw_client.hpp"

namespace mock_2023 {

using igtcloud::test::request;
using igtcloud::test::response;

inline constexpr char const* admin = "admin@example.org"; // the default token's user

/// A request to `/data` + `target` with `token` (none when empty), and a JSON body when one is given.
inline request call(std::string method, std::string target, std::string body = {},
                    std::string token = "mock-token")
{
    request r{.method = std::move(method), .target = "/data" + std::move(target), .body = std::move(body)};
    if (!token.empty()) r.headers.push_back({"X-JWT", std::move(token)});
    if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    return r;
}

inline std::string message_of(response const& r)
{
    return std::string(boost::json::parse(r.body).at("message").as_string());
}

/// `n` reproducible pseudo-random bytes.
inline std::string random_bytes(std::size_t n, unsigned seed)
{
    std::mt19937_64 gen(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(gen());
    return s;
}

} // namespace mock_2023
