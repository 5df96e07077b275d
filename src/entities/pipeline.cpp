// The pipeline's non-template core: request building and one exchange over a pooled connection.
#include "entities/pipeline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <charconv>

#include "entities/cancellation.hpp"
#include "entities/emit_event.hpp"
#include "entities/fields_mask.hpp"
#include "entities/header_check.hpp"
#include "entities/invalid_argument.hpp"
#include "entities/request_target.hpp"
#include "entities/retry/attempt_policy.hpp"
#include "entities/retry/retry_policy.hpp"
#include "entities/transport/answer_parser.hpp"

namespace igtcloud::entities::detail {
namespace {

// A transport-level failure as the caller sees it.
api_error failure_of(client_impl const& impl, boost::system::error_code ec, bool cancelled)
{
    if (cancelled || impl.is_shut_down() || ec == asio::error::operation_aborted)
        return api_error{asio::error::operation_aborted, 0,
                         impl.is_shut_down() ? "the session was shut down" : "operation cancelled"};
    if (ec == beast::error::timeout)
        return api_error{make_error_code(error::timeout), 0, "the operation timed out"};
    if (ec == http::error::body_limit || ec == error::response_too_large) // (decoded bytes: the inflater's)
        return api_error{make_error_code(error::response_too_large), 0,
                         "the response body exceeds max_response_bytes (" +
                             std::to_string(impl.options.max_response_bytes) + " bytes)"};
    return api_error{ec, 0, ec.message()};
}

// A server may echo what it was sent (a 401 quoting the X-JWT it refused, a 500 dumping the headers): its
// text goes into error messages, so the request's secrets are taken out of it first.
void redact_secret(exchange_result& x, std::string_view secret)
{
    constexpr std::string_view mark = "[redacted]";
    if (secret.empty()) return;
    for (auto* text : {&x.body, &x.content_type}) {
        for (auto at = text->find(secret); at != std::string::npos; at = text->find(secret, at + mark.size()))
            text->replace(at, secret.size(), mark);
    }
}

// The token headers, and the secrets a body carries (request_spec::secrets).
void redact_secrets(exchange_result& x, prepared const& op)
{
    for (auto secret : op.request.secrets())
        redact_secret(x, secret);
    for (auto const& secret : op.secrets)
        redact_secret(x, secret);
}

// The request target into `target`: the base URL's prefix, the path with its parameter, the query; in
// absolute form for a plain (non-tunnel) proxy.
api_result<void> write_target(client_impl const& impl, request_spec const& spec, std::string& target)
{
    path_param const path[] = {{"user_uuid", spec.user_uuid.value_or("")}};
    query_param const query[] = {{"region", spec.region}};
    repeated_query_param const keys[] = {{"keys", spec.keys.value_or(std::span<std::string const>{})}};
    auto built = build_target(target, impl.url.prefix, spec.path,
                              spec.user_uuid ? path : std::span<path_param const>{}, query,
                              spec.keys ? keys : std::span<repeated_query_param const>{});
    if (!built) return built;
    if (impl.proxy && !impl.proxy->tunnel) target.insert(0, impl.proxy->absolute_prefix);
    return {};
}

// The X-Fields mask, when the operation sends one: a valid header value and a valid mask.
api_result<void> check_mask(request_spec const& spec)
{
    if (!spec.masked || !spec.options->fields) return {};
    auto const& mask = *spec.options->fields;
    if (auto ok = check_header_value("X-Fields", mask); !ok) return ok;
    if (auto parsed = fields_mask::parse(mask); !parsed) return invalid(parsed.error().message);
    return {};
}

// The head, in one string: request line, headers, then the token headers (set_tokens) and the blank line.
void write_head(client_impl const& impl, request_spec& spec, std::string_view target, wire_request& req)
{
    auto const method = http::to_string(spec.method);
    auto const* authorization = impl.proxy && !impl.proxy->tunnel && !impl.proxy->authorization.empty()
                                    ? &impl.proxy->authorization
                                    : nullptr;
    bool const masked = spec.masked && spec.options->fields.has_value();
    std::string_view const fields = masked ? std::string_view(*spec.options->fields) : std::string_view();
    req.method = spec.method;
    req.head.reserve(method.size() + target.size() + impl.url.host_header.size() + 40 +
                     impl.options.user_agent.size() + fields.size() +
                     (authorization ? authorization->size() : 0) + impl.options.jwt.size() +
                     impl.options.csrf_token.size() + 192);
    req.head.append(method.data(), method.size()).append(" ");
    req.target_offset = req.head.size();
    req.target_size = target.size();
    req.head.append(target).append(" HTTP/1.1\r\n");
    req.add_header("Host", impl.url.host_header);
    req.add_header("User-Agent", impl.options.user_agent);
    req.add_header("Accept", spec.accept);
    if (impl.options.accept_encoding) req.add_header("Accept-Encoding", "gzip, deflate");
    if (authorization) req.add_header("Proxy-Authorization", *authorization);
    if (masked) req.add_header("X-Fields", fields);
    if (spec.body) {
        req.add_header("Content-Type", "application/json");
        req.body = std::move(*spec.body);
    }
    if (spec.body || spec.method == http::verb::post || spec.method == http::verb::put) {
        char digits[24];
        auto const end = std::to_chars(digits, digits + sizeof digits, req.body.size()).ptr;
        req.add_header("Content-Length", std::string_view(digits, std::size_t(end - digits)));
    }
    req.tokens_offset = req.head.size();
    // Static tokens are set once; a provider's are set per attempt (apply_tokens); an auth call's own are
    // its spec's.
    if (spec.tokens)
        req.set_tokens(spec.tokens->first, spec.tokens->second);
    else if (impl.tokens->refreshable())
        req.set_tokens({}, {});
    else
        req.set_tokens(impl.options.jwt, impl.options.csrf_token);
}

} // namespace

api_result<prepared> prepare(client_impl& impl, request_spec spec)
{
    if (impl.is_shut_down())
        return api_error{make_error_code(error::shut_down), 0, "the session was shut down"};
    prepared op;
    op.name = spec.name;
    op.safe_to_repeat = spec.safe_to_repeat;
    auto const timeout = spec.options->timeout.value_or(impl.options.request_timeout);
    op.deadline = std::chrono::steady_clock::now() + timeout;
    thread_local std::string target; // scratch: copied into the head; its capacity is kept
    if (auto ok = write_target(impl, spec, target); !ok) return ok.error();
    if (auto ok = check_mask(spec); !ok) return ok.error();
    if (spec.tokens) {
        if (auto ok = check_header_value("X-JWT", spec.tokens->first); !ok) return ok.error();
        if (auto ok = check_header_value("X-CSRF-TOKEN", spec.tokens->second); !ok) return ok.error();
    }
    op.secrets = std::move(spec.secrets);
    op.keep_cookies = spec.keep_cookies;
    if (spec.sink) {
        if (!*spec.sink) return spec.sink->error();
        op.sink = std::move(**spec.sink);
    }
    write_head(impl, spec, target, op.request);
    return op;
}

namespace {

// The failure of opening a connection, as the caller sees it. A connect timeout with time left on the
// operation's deadline is reported as asio::error::timed_out, at the deadline as error::timeout. (Only the
// report: the attempt policy reads the facts exchange_result::phase and timed_out, not this code.)
api_error connect_failure(client_impl const& impl, connection const& conn, boost::system::error_code ec,
                          bool cancelled, bool time_left)
{
    if (ec == beast::error::timeout && time_left)
        return api_error{asio::error::timed_out, 0, "connecting timed out"};
    auto failure = failure_of(impl, ec, cancelled);
    if (ec == beast::error::timeout)
        failure.message = "connecting timed out";
    else if (ec == error::proxy_refused)
        failure.message =
            "the proxy refused the CONNECT tunnel with HTTP " + std::to_string(conn.proxy_status());
    return failure;
}

// Resolves the server and opens the lease's new connection; false, with x.failure set, when that failed
// (the lease then closes the connection and frees its slot).
asio::awaitable<bool> open_connection(client_impl& impl, prepared const& op, lease& lease, exchange_result& x)
{
    auto to = co_await impl.resolve(op.deadline);
    if (!to || impl.is_shut_down()) { // no socket to close yet while resolving: look again
        x.failure = to ? failure_of(impl, asio::error::operation_aborted, false) : to.error();
        co_return false;
    }
    auto const connect_deadline =
        std::min(op.deadline, std::chrono::steady_clock::now() + impl.options.connect_timeout);
    if (auto ec = co_await lease.conn().async_open(**to, connect_deadline)) {
        x.timed_out = ec == beast::error::timeout;
        bool const time_left = std::chrono::steady_clock::now() < op.deadline;
        x.failure =
            connect_failure(impl, lease.conn(), ec,
                            cancel_requested(co_await asio::this_coro::cancellation_state), time_left);
        co_return false;
    }
    lease.opened();
    co_return true;
}

} // namespace

asio::awaitable<exchange_result> run_exchange(client_impl& impl, prepared& op, bool fresh)
{
    exchange_result x;
    connection_pool::ticket ticket;
    auto acquired = impl.pool.acquire_now(co_await asio::this_coro::executor, op.deadline, fresh, ticket);
    if (!acquired) acquired.emplace(co_await impl.pool.wait(ticket)); // queued: no connection free now
    if (!*acquired) {
        x.failure = acquired->error();
        co_return x;
    }
    auto& lease = **acquired;
    x.reused = lease.reused();
    if (lease.needs_open() && !co_await open_connection(impl, op, lease, x)) co_return x;
    x.phase = attempt_phase::exchange;
    answer_parser parser;
    parser.body_limit(impl.options.max_response_bytes);
    parser.keep_cookies(op.keep_cookies);
    parser.decode_with(&lease.conn().decoder(), impl.options.max_response_bytes);
    if (op.sink) {
        op.sink->watch(co_await asio::this_coro::cancellation_state);
        parser.stream_to(op.sink.get(), impl.options.max_response_bytes);
    }
    auto const outcome = co_await lease.conn().async_exchange(op.request, parser, op.deadline);
    x.wrote_all = outcome.wrote_all;
    x.received_any = outcome.received_any;
    if (outcome.ec) {
        x.timed_out = outcome.ec == beast::error::timeout;
        x.failure =
            failure_of(impl, outcome.ec, cancel_requested(co_await asio::this_coro::cancellation_state));
        if (op.sink && op.sink->failure()) x.failure = *op.sink->failure();
        if (!parser.refusal().empty()) x.failure->message = parser.refusal(); // Content-Encoding's
        co_return x;
    }
    if (parser.streamed()) x.streamed = std::move(op.sink); // a success: the operation's last attempt
    lease.release(parser.keep_alive() && parser.is_done(), parser.keep_alive_timeout());
    x.status = parser.status();
    x.content_type = std::move(parser.content_type()); // kept for answers other than 2xx only
    if (parser.has_retry_after())
        x.retry_after = parse_retry_after(parser.retry_after(), std::chrono::system_clock::now());
    x.body = std::move(parser.body());
    if (op.keep_cookies) x.set_cookies = std::move(parser.set_cookies());
    if (x.status < 200 || x.status > 299) redact_secrets(x, op);
    co_return x;
}

namespace {

void emit_attempt(client_impl const& impl, prepared const& op, exchange_result const& x, unsigned attempt,
                  steady_time started)
{
    if (!impl.options.on_event) return;
    event e;
    e.kind = event_kind::attempt;
    e.operation = op.name;
    auto const method = http::to_string(op.request.method);
    e.method = std::string_view(method.data(), method.size());
    e.target = op.request.target();
    e.status = x.status;
    if (x.failure)
        e.error = x.failure->code;
    else if (x.status >= 400 && x.status < 600)
        e.error = boost::system::error_code(static_cast<int>(x.status), http_category());
    e.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    e.attempt = attempt;
    e.reused_connection = x.reused;
    emit_event(impl.options.on_event, e);
}

// Puts the provider's tokens into the request when they are not there yet; the provider's failure, if it
// failed.
asio::awaitable<std::optional<api_error>> apply_tokens(client_impl& impl, prepared& op,
                                                       std::optional<std::uint64_t> rejected)
{
    auto t = co_await impl.tokens->get(op.deadline, rejected);
    if (!t) co_return std::move(t.error());
    if (op.tokens_generation == t->generation && t->generation != 0) co_return std::nullopt;
    op.tokens_generation = t->generation;
    op.request.set_tokens(t->tokens->jwt, t->tokens->csrf_token);
    co_return std::nullopt;
}

// What the policy needs of an attempt's result.
attempt_facts facts_of(exchange_result const& x, prepared const& op, client_impl const& impl)
{
    attempt_facts f;
    f.answered = !x.failure;
    f.status = x.status;
    f.retry_after = x.retry_after;
    f.phase = x.phase;
    f.timed_out = x.timed_out;
    f.retryable = x.failure && is_retryable_failure(x.failure->code);
    f.wrote_all = x.wrote_all;
    f.received_any = x.received_any;
    f.reused = x.reused;
    f.safe_to_repeat = op.safe_to_repeat && (!op.sink || op.sink->may_repeat());
    f.tokens_refreshable = impl.tokens->refreshable();
    f.deadline = op.deadline;
    return f;
}

// Terminal and partial requests both abort the operation. Beast's HTTP operations honour terminal
// cancellation only, so both are passed down as terminal: the connection is then dropped, never pooled,
// which also keeps partial cancellation's promise (the session stays in a known state). Set once for the
// whole operation (in run_operation's own frame: a coroutine of its own would cost a frame per operation):
// a new state would forget a request that arrived between two attempts.
asio::cancellation_type abort_filter(asio::cancellation_type requested) noexcept
{
    auto const abort = asio::cancellation_type::terminal | asio::cancellation_type::partial;
    return (requested & abort) != asio::cancellation_type::none ? asio::cancellation_type::terminal
                                                                : asio::cancellation_type::none;
}

// Waits `delay` before a retry; false when cancelled or shut down meanwhile.
asio::awaitable<bool> back_off(client_impl const& impl, std::chrono::milliseconds delay)
{
    if (delay.count() <= 0) co_return true;
    if (cancel_requested(co_await asio::this_coro::cancellation_state)) co_return false;
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return !ec && !impl.is_shut_down();
}

} // namespace

asio::awaitable<exchange_result> run_operation(std::shared_ptr<client_impl> owner, prepared op)
{
    auto& impl = *owner;
    struct in_flight_guard {
        client_impl& impl;
        ~in_flight_guard() { impl.operation_finished(); }
    } guard{impl};
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(abort_filter);
    impl.budget.record_request();
    attempt_state state;
    bool fresh = false;
    std::optional<std::uint64_t> rejected;
    for (;;) {
        auto const started = std::chrono::steady_clock::now();
        std::optional<api_error> failed; // before the attempt: cancelled, or no tokens
        if (state.attempts > 0 && cancel_requested(co_await asio::this_coro::cancellation_state))
            failed = failure_of(impl, asio::error::operation_aborted, true);
        else if (impl.tokens->refreshable())
            failed = co_await apply_tokens(impl, op, rejected);
        if (failed) {
            exchange_result none;
            none.failure = std::move(failed);
            co_return none;
        }
        auto x = co_await run_exchange(impl, op, std::exchange(fresh, false));
        emit_attempt(impl, op, x, state.attempts + 1, started);

        auto const facts = facts_of(x, op, impl);
        auto const& options = impl.options.retry;
        auto decision =
            is_final(state, facts, options)
                ? attempt_decision{} // no clock read on success
                : decide(state, facts, options, std::chrono::steady_clock::now(), random_jitter());
        if (decision.action == attempt_action::retry_after && !impl.budget.try_spend()) decision = {};
        commit(state, decision);
        if (decision.action == attempt_action::done) co_return x;
        impl.retried.fetch_add(1, std::memory_order_relaxed);
        if (decision.action == attempt_action::replay_fresh)
            fresh = true; // nothing reached the server's logic
        if (decision.action == attempt_action::refresh_tokens) rejected = op.tokens_generation;
        if (decision.action == attempt_action::retry_after && !co_await back_off(impl, decision.delay)) {
            x.failure = failure_of(impl, asio::error::operation_aborted, true);
            co_return x;
        }
    }
}

} // namespace igtcloud::entities::detail
