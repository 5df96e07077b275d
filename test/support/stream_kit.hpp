// What the streaming tests share (session_stream, session_stream_errors): user lists as JSON text, a
// collecting on_user, and peers that send a list, whole or cut.
#pragma once

#include <igtcloud/entities.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/scripted_server.hpp"

namespace igtcloud::test::stream {

namespace entities = igtcloud::entities;

/// The JSON object of user i: a few hundred bytes, all members of the usual kinds.
inline std::string user_text(std::size_t i)
{
    auto const k = std::to_string(i);
    return R"({"loginId":"user-)" + k + R"(@example.org","userUUID":"uuid-)" + k +
           R"(","profile":{"givenName":"Given )" + k +
           R"(","familyName":"Family","roles":["a","b"],"contact":{"emailAddress":"user-)" + k +
           R"(@example.org"}},"accountStatus":{"numberOfInvalidAttempt":)" + k +
           R"(,"lastLoginTime":"2024-05-06T05:08:09Z","emailVerified":true}})";
}

/// `[user 0, ..., user n-1` without the closing bracket (so a test can add a bad element).
inline std::string list_head(std::size_t n)
{
    std::string s = "[";
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) s += ',';
        s += user_text(i);
    }
    return s;
}

/// A complete list of n users.
inline std::string list_text(std::size_t n)
{
    return list_head(n) + "]";
}

/// The logins of a list.
inline std::vector<std::string> logins_of(std::vector<entities::user_info> const& users)
{
    std::vector<std::string> out;
    for (auto const& u : users)
        out.push_back(u.login_id.value_or("<absent>"));
    return out;
}

/// An on_user that appends to `into` (which must outlive the operation).
inline entities::user_callback collect_into(std::vector<entities::user_info>& into)
{
    return [&into](entities::user_info u) { into.push_back(std::move(u)); };
}

/// A peer whose first answer is cut off after `keep` bytes of `body` (then the connection closes); later
/// answers whole. Count its requests with scripted_server::requests().
struct cut_once_peer {
    std::string body;
    std::size_t keep{};
    test::reply operator()(test::request const&, std::size_t connection, std::size_t) const
    {
        auto const wire = test::http_answer(200, body);
        if (connection == 0) return {wire.substr(0, wire.size() - body.size() + keep), true};
        return {wire};
    }
};

} // namespace igtcloud::test::stream
