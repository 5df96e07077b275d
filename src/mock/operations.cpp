// The ten operations of the seed spec in the mock Users service.
#include "mock/operations.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include "mock/user_request.hpp"

namespace igtcloud::mock::detail {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 6> known_regions{"us-east-1",    "us-west-2",      "eu-west-1",
                                                        "eu-central-1", "ap-southeast-1", "ap-northeast-1"};
constexpr std::string_view default_region = "eu-west-1";

answer json_answer(unsigned status, std::string body, char const* route = "other")
{
    return answer{status, std::move(body), route};
}

answer no_content()
{
    return answer{204, {}, "other"};
}

std::string random_text(random_stream& random, std::size_t size, std::string_view alphabet)
{
    std::string out(size, ' ');
    for (auto& c : out)
        c = alphabet[random.next() % alphabet.size()];
    return out;
}

} // namespace

answer message_answer(unsigned status, std::string_view message)
{
    boost::json::object body;
    body["message"] = message;
    return answer{status, boost::json::serialize(body), "other"};
}

answer get_me(op_input const& in)
{
    if (auto r = in.store.record_by_login(in.caller_login)) return json_answer(200, r->json);
    return message_answer(404, "The caller's user does not exist any more");
}

answer get_user(op_input const& in)
{
    if (auto r = in.store.record(in.user_uuid)) return json_answer(200, r->json);
    return message_answer(404, "User not found");
}

answer get_users(op_input const& in)
{
    auto const all = in.store.all();
    std::size_t size = 2;
    for (auto const& r : all)
        size += r->json.size() + 1;
    std::string body;
    body.reserve(size);
    body += '[';
    for (auto const& r : all) {
        if (body.size() > 1) body += ',';
        body += r->json;
    }
    body += ']';
    return json_answer(200, std::move(body));
}

answer get_user_storage(op_input const& in)
{
    auto const region = in.has_region ? in.region : default_region;
    if (std::find(known_regions.begin(), known_regions.end(), region) == known_regions.end())
        return message_answer(400, "Unknown region");
    auto const caller = in.store.record_by_login(in.caller_login);
    auto const uuid = caller ? caller->user.user_uuid.value_or("") : std::string();
    auto& random = in.store.random();
    entities::storage s;
    s.credentials = entities::credentials{
        .access_key = "ASIA" + random_text(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        .secret = random_text(random, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
        .session_token =
            random_text(random, 64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
        .expiration = time_point_cast<seconds>(system_clock::now()) + hours{1}};
    s.config = entities::storage_config{.bucket = "igtcloud-users-" + std::string(region),
                                        .key = "users/" + uuid + "/",
                                        .region = std::string(region)};
    return json_answer(200, entities::encode(s));
}

answer post_users(op_input const& in)
{
    user_fields body;
    if (auto failed = read_user_fields(in.request, in.api, body)) return std::move(*failed);
    auto [record, created] = in.store.create(body);
    return json_answer(created ? 201 : 200, record->json);
}

answer put_user(op_input const& in)
{
    if (!in.store.record(in.user_uuid)) return message_answer(404, "User not found");
    user_fields body;
    if (auto failed = read_user_fields(in.request, in.api, body)) return std::move(*failed);
    switch (in.store.update(in.user_uuid, body)) {
    case user_store::update_result::updated: return no_content();
    case user_store::update_result::not_found: return message_answer(404, "User not found");
    case user_store::update_result::login_taken:
        return message_answer(400, "loginId belongs to another user");
    }
    return message_answer(500, "unreachable");
}

answer delete_user(op_input const& in)
{
    if (!in.store.remove(in.user_uuid)) return message_answer(404, "User not found");
    in.files.remove_user(in.user_uuid);
    return no_content();
}

answer post_resend_activation(op_input const& in)
{
    entities::user_activation_create body;
    if (auto failed = read_body(in.request, body)) return std::move(*failed);
    auto const user = in.store.record_by_login(*body.login_id);
    if (!user) return message_answer(400, "Unknown loginId");
    auto const* contact =
        user->user.profile && user->user.profile->contact ? &*user->user.profile->contact : nullptr;
    auto const email = contact && contact->email_address ? *contact->email_address : *body.login_id;
    entities::issue sent{
        .severity = "information",
        .code = "informational",
        .details = entities::details{
            .coding = entities::coding{R"({"system":"urn:igtcloud:users","code":"ACTIVATION_SENT"})"},
            .text = "Activation email sent to " + email}};
    entities::user_activation outcome{.resource_type = "OperationOutcome",
                                      .issue = std::vector<entities::issue>{std::move(sent)}};
    return json_answer(200, entities::encode(outcome));
}

answer post_reset_mfa(op_input const& in)
{
    entities::user_activation_create body;
    if (auto failed = read_body(in.request, body)) return std::move(*failed);
    if (!in.store.record_by_login(*body.login_id)) return message_answer(400, "Unknown loginId");
    return no_content();
}

answer post_user_profile(op_input const&)
{
    return no_content();
}

} // namespace igtcloud::mock::detail
