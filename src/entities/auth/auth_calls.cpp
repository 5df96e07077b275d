// The auth API's five exchanges through the session pipeline, and how their failures count.
#include "entities/auth/auth_calls.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "entities/client_impl.hpp"
#include "entities/http_error.hpp"
#include "entities/invalid_argument.hpp"
#include "entities/pipeline.hpp"

namespace igtcloud::entities::detail::auth {
namespace {

namespace json = boost::json;

request_options const no_request_options{};

// A spec for one auth call; `path` is below auth_url's prefix.
request_spec spec_for(std::string_view name, http::verb method, std::string_view path)
{
    request_spec spec{name, method, path, false, false};
    spec.options = &no_request_options;
    return spec;
}

// One call: prepared once, every attempt of run_operation (its retries are off: replays of requests that
// never reached the server only).
asio::awaitable<exchange_result> exchange(std::shared_ptr<client_impl> client, request_spec spec)
{
    auto op = prepare(*client, std::move(spec));
    if (!op) {
        exchange_result x;
        x.failure = op.error();
        co_return x;
    }
    client->operation_started();
    co_return co_await run_operation(client, std::move(*op));
}

// The answer's error unless it is a 200 (status kept, so kind_of can read it).
std::optional<api_error> failure_of(exchange_result const& x)
{
    if (x.failure) return *x.failure;
    if (x.status != 200) return error_from_answer(x.status, x.content_type, x.body);
    return std::nullopt;
}

api_error with_status(api_error e, unsigned status)
{
    e.status = status;
    return e;
}

// The JSON-escaped form of `s` (how a server quoting its JSON input would echo it).
std::string json_escaped(std::string_view s)
{
    auto text = json::serialize(json::string(s));
    return text.substr(1, text.size() - 2);
}

// `text` with every secret taken out, and its JSON-escaped form: the pipeline redacts the raw body, but an
// error's message is decoded from it (a server quoting its JSON input shows the escaped form, decoded once).
void redact(std::string& text, std::vector<std::string> const& secrets)
{
    constexpr std::string_view mark = "[redacted]";
    for (auto const& secret : secrets) {
        if (secret.empty()) continue;
        for (auto const& form : {secret, json_escaped(secret)}) {
            for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + mark.size()))
                text.replace(at, form.size(), mark);
        }
    }
}

asio::awaitable<api_result<std::string>> audience_call(std::shared_ptr<client_impl> client)
{
    auto x = co_await exchange(client, spec_for("get_login_aud", http::verb::get, "/login/$aud"));
    if (auto failure = failure_of(x)) co_return std::move(*failure);
    auto aud = parse_audience_answer(x.body);
    if (!aud) co_return with_status(aud.error(), x.status);
    co_return aud;
}

// The login request's body and its secrets, for either grant.
asio::awaitable<api_result<request_spec>> login_spec(std::shared_ptr<client_impl> client,
                                                     login_grant const& g)
{
    auto spec = spec_for("post_login", http::verb::post, "/login");
    spec.keep_cookies = true;
    if (g.kind == grant_kind::password) {
        auto body = password_login_body(g.username, g.password);
        if (!body) co_return body.error();
        spec.body = std::move(*body);
        spec.secrets = {g.password, json_escaped(g.password)};
        co_return spec;
    }
    api_result<std::string> audience = g.audience.value_or(std::string());
    if (!g.audience) audience = co_await audience_call(client); // (no co_await inside ?: for GCC 12)
    if (!audience) co_return audience.error();
    auto assertion = make_service_assertion(g.username, *audience, std::chrono::system_clock::now(), *g.key);
    if (!assertion) co_return assertion.error();
    spec.body = service_login_body(*assertion);
    spec.secrets = {std::move(*assertion)};
    co_return spec;
}

// A 200 to /login or /refresh, read.
api_result<login_answer> answer_of(exchange_result const& x, bool need_csrf)
{
    if (auto failure = failure_of(x)) return std::move(*failure);
    auto answer = parse_login_answer(x.set_cookies, x.body, need_csrf, std::chrono::system_clock::now());
    if (!answer) return with_status(answer.error(), x.status);
    return answer;
}

} // namespace

std::shared_ptr<client_impl> make_auth_client(asio::any_io_executor executor, auth_options const& o)
{
    session_options s;
    s.base_url = o.auth_url;
    s.max_connections = 4;
    s.connect_timeout = o.connect_timeout;
    s.request_timeout = o.request_timeout;
    s.max_response_bytes = 1u << 20;
    s.tls = o.tls;
    s.proxy = o.proxy;
    s.retry.max_attempts = 1;
    s.on_event = o.on_event;
    return std::make_shared<client_impl>(std::move(executor), std::move(s));
}

refresh_policy::failure_kind kind_of(api_error const& e) noexcept
{
    using kind = refresh_policy::failure_kind;
    if (e.status == 429 || e.status >= 500) return kind::transient;
    if (e.status != 0) return kind::rejected;
    bool const ours = e.code == make_error_code(error::invalid_argument) ||
                      e.code == make_error_code(error::invalid_response) ||
                      e.code == make_error_code(error::shut_down) || e.code == asio::error::operation_aborted;
    return ours ? kind::rejected : kind::transient;
}

asio::awaitable<api_result<login_answer>> login_call(std::shared_ptr<client_impl> client,
                                                     login_grant const& grant)
{
    auto spec = co_await login_spec(client, grant);
    if (!spec) co_return spec.error();
    auto const secrets = spec->secrets;
    auto x = co_await exchange(client, std::move(*spec));
    auto answer = answer_of(x, true);
    if (answer) co_return answer;
    auto e = answer.error();
    redact(e.message, secrets);
    co_return e;
}

asio::awaitable<api_result<login_answer>> refresh_call(std::shared_ptr<client_impl> client, std::string jwt,
                                                       std::string csrf)
{
    auto spec = spec_for("post_refresh", http::verb::post, "/refresh");
    spec.keep_cookies = true;
    spec.tokens = std::pair<std::string_view, std::string_view>(jwt, csrf);
    auto x = co_await exchange(client, std::move(spec));
    co_return answer_of(x, false);
}

asio::awaitable<api_result<introspection>> introspect_call(std::shared_ptr<client_impl> client,
                                                           std::string jwt, std::string csrf)
{
    auto spec = spec_for("get_introspect", http::verb::get, "/introspect");
    spec.tokens = std::pair<std::string_view, std::string_view>(jwt, csrf);
    auto x = co_await exchange(client, std::move(spec));
    if (auto failure = failure_of(x)) {
        if (failure->status >= 400 && failure->status < 500)
            failure->message =
                "the environment's tokens were refused by GET /introspect: " + failure->message;
        co_return std::move(*failure);
    }
    boost::system::error_code ec;
    auto const doc = json::parse(x.body, ec);
    auto const* obj = ec ? nullptr : doc.if_object();
    if (!obj)
        co_return api_error{make_error_code(error::invalid_response), 200, "GET /introspect: no JSON object"};
    auto const* active = obj->if_contains("active");
    if (!active || !active->is_bool() || !active->get_bool())
        co_return api_error{make_error_code(error::invalid_argument), 200,
                            "the environment's tokens are not active (GET /introspect)"};
    auto const* exp = obj->if_contains("exp");
    if (!exp || !exp->is_int64())
        co_return api_error{make_error_code(error::invalid_response), 200, "GET /introspect: no integer exp"};
    introspection r;
    r.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(exp->get_int64()));
    if (auto const* sub = obj->if_contains("sub"); sub && sub->is_string())
        r.sub = std::string(sub->get_string());
    co_return r;
}

asio::awaitable<api_result<void>> logout_call(std::shared_ptr<client_impl> client, std::string jwt)
{
    auto spec = spec_for("post_logout", http::verb::post, "/logout");
    spec.tokens = std::pair<std::string_view, std::string_view>(jwt, std::string_view{});
    auto x = co_await exchange(client, std::move(spec));
    if (!x.failure && (x.status == 401 || (x.status >= 200 && x.status <= 299))) co_return api_result<void>{};
    if (x.failure) co_return std::move(*x.failure);
    co_return error_from_answer(x.status, x.content_type, x.body);
}

} // namespace igtcloud::entities::detail::auth
