// The pipeline's non-template core: request building and one exchange over a pooled connection.
#include "entities/pipeline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <charconv>

#include "entities/fields_mask.hpp"
#include "entities/retry/retry_policy.hpp"
#include "entities/transport/answer_parser.hpp"

namespace igtcloud::entities::detail {
namespace {

api_error invalid(std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::move(message)};
}

asio::awaitable<bool> cancelled()
{
    co_return (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
}

// A transport-level failure as the caller sees it.
api_error failure_of(client_impl const& impl, boost::system::error_code ec, bool cancelled)
{
    if (cancelled || impl.is_shut_down() || ec == asio::error::operation_aborted)
        return api_error{asio::error::operation_aborted, 0,
                         impl.is_shut_down() ? "the session was shut down" : "operation cancelled"};
    if (ec == beast::error::timeout)
        return api_error{make_error_code(error::timeout), 0, "the operation timed out"};
    if (ec == http::error::body_limit)
        return api_error{make_error_code(error::response_too_large), 0,
                         "the response body exceeds max_response_bytes (" +
                             std::to_string(impl.options.max_response_bytes) + " bytes)"};
    return api_error{ec, 0, ec.message()};
}

// A server may echo what it was sent (a 401 quoting the X-JWT it refused, a 500 dumping the headers): its
// text goes into error messages, so the request's secrets are taken out of it first.
void redact_secrets(exchange_result& x, wire_request const& request)
{
    constexpr std::string_view mark = "[redacted]";
    for (auto secret : request.secrets()) {
        if (secret.empty()) continue;
        for (auto* text : {&x.body, &x.content_type}) {
            for (auto at = text->find(secret); at != std::string::npos;
                 at = text->find(secret, at + mark.size()))
                text->replace(at, secret.size(), mark);
        }
    }
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

    thread_local std::string target; // scratch: copied into the head below; its capacity is kept
    path_param const path[] = {{"user_uuid", spec.user_uuid.value_or("")}};
    query_param const query[] = {{"region", spec.region}};
    auto built = build_target(target, impl.url.prefix, spec.path,
                              spec.user_uuid ? path : std::span<path_param const>{}, query);
    if (!built) return built.error();

    if (impl.proxy && !impl.proxy->tunnel) target.insert(0, impl.proxy->absolute_prefix);

    if (spec.masked && spec.options->fields) {
        auto const& mask = *spec.options->fields;
        if (auto ok = check_header_value("X-Fields", mask); !ok) return ok.error();
        if (auto parsed = fields_mask::parse(mask); !parsed) return invalid(parsed.error().message);
    }

    // The head, in one string: request line, headers, then the token headers (set_tokens) and the blank line.
    auto& req = op.request;
    auto const method = http::to_string(spec.method);
    auto const* authorization = impl.proxy && !impl.proxy->tunnel && !impl.proxy->authorization.empty()
                                    ? &impl.proxy->authorization
                                    : nullptr;
    bool const masked = spec.masked && spec.options->fields.has_value();
    std::string_view const fields = masked ? std::string_view(*spec.options->fields) : std::string_view();
    req.method = spec.method;
    req.head.reserve(method.size() + target.size() + impl.url.host_header.size() +
                     impl.options.user_agent.size() + fields.size() +
                     (authorization ? authorization->size() : 0) + impl.options.jwt.size() +
                     impl.options.csrf_token.size() + 192);
    auto& head = req.head;
    auto header = [&head](std::string_view name, std::string_view value) {
        head.append(name).append(": ").append(value).append("\r\n");
    };
    head.append(method.data(), method.size()).append(" ");
    req.target_offset = head.size();
    req.target_size = target.size();
    head.append(target).append(" HTTP/1.1\r\n");
    header("Host", impl.url.host_header);
    header("User-Agent", impl.options.user_agent);
    header("Accept", "application/json");
    if (authorization) header("Proxy-Authorization", *authorization);
    if (masked) header("X-Fields", fields);
    if (spec.body) {
        header("Content-Type", "application/json");
        req.body = std::move(*spec.body);
    }
    if (spec.body || spec.method == http::verb::post || spec.method == http::verb::put) {
        char digits[24];
        auto const end = std::to_chars(digits, digits + sizeof digits, req.body.size()).ptr;
        header("Content-Length", std::string_view(digits, std::size_t(end - digits)));
    }
    req.tokens_offset = head.size();
    // Static tokens are set once; a provider's are set per attempt (apply_tokens).
    if (impl.tokens->refreshable())
        req.set_tokens({}, {});
    else
        req.set_tokens(impl.options.jwt, impl.options.csrf_token);
    return op;
}

asio::awaitable<exchange_result> run_exchange(client_impl& impl, prepared& op, bool fresh)
{
    exchange_result x;
    auto acquired = co_await impl.pool.acquire(op.deadline, fresh);
    if (!acquired) {
        x.failure = acquired.error();
        co_return x;
    }
    auto& lease = *acquired;
    x.reused = lease.reused();
    if (lease.needs_open()) {
        auto to = co_await impl.resolve(op.deadline);
        if (!to || impl.is_shut_down()) { // no socket to close yet while resolving: look again
            x.failure = to ? failure_of(impl, asio::error::operation_aborted, false) : to.error();
            co_return x;
        }
        auto const connect_deadline =
            std::min(op.deadline, std::chrono::steady_clock::now() + impl.options.connect_timeout);
        if (auto ec = co_await lease.conn().async_open(**to, connect_deadline)) {
            x.failure = failure_of(impl, ec, co_await cancelled());
            if (ec == beast::error::timeout && std::chrono::steady_clock::now() < op.deadline)
                x.failure =
                    api_error{asio::error::timed_out, 0, "connecting timed out"}; // time is left: retryable
            else if (ec == beast::error::timeout)
                x.failure->message = "connecting timed out";
            else if (ec == error::proxy_refused)
                x.failure->message = "the proxy refused the CONNECT tunnel with HTTP " +
                                     std::to_string(lease.conn().proxy_status());
            co_return x; // the lease closes the connection and frees its slot
        }
        lease.opened();
    }
    answer_parser parser;
    parser.body_limit(impl.options.max_response_bytes);
    auto const outcome = co_await lease.conn().async_exchange(op.request, parser, op.deadline);
    x.wrote_all = outcome.wrote_all;
    x.received_any = outcome.received_any;
    if (outcome.ec) {
        x.failure = failure_of(impl, outcome.ec, co_await cancelled());
        co_return x;
    }
    lease.release(parser.keep_alive() && parser.is_done(), parser.keep_alive_timeout());
    x.status = parser.status();
    x.content_type = std::move(parser.content_type()); // kept for answers other than 2xx only
    if (parser.has_retry_after())
        x.retry_after = parse_retry_after(parser.retry_after(), std::chrono::system_clock::now());
    x.body = std::move(parser.body());
    if (x.status < 200 || x.status > 299) redact_secrets(x, op.request);
    co_return x;
}

namespace {

void emit(client_impl const& impl, event const& e) noexcept
{
    try {
        impl.options.on_event(e);
    } catch (...) { // a throwing hook must not break the operation
    }
}

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
    emit(impl, e);
}

// Puts the provider's tokens into the request when they are not there yet.
void apply_tokens(prepared& op, tokens_ref const& t)
{
    if (op.tokens_generation == t.generation && t.generation != 0) return;
    op.tokens_generation = t.generation;
    op.request.set_tokens(t.tokens->jwt, t.tokens->csrf_token);
}

// The server closed a kept-alive connection just as it was reused: the answer never started, and the
// server cannot have acted on the request (not all of it was written) or acting twice is harmless.
bool met_closed_connection(exchange_result const& x, bool safe_to_repeat)
{
    return x.failure && x.reused && !x.received_any && (!x.wrote_all || safe_to_repeat) &&
           is_retryable_failure(x.failure->code);
}

bool may_retry(exchange_result const& x)
{
    if (!x.failure) return is_retryable_status(x.status);
    return x.failure->code == asio::error::timed_out || is_retryable_failure(x.failure->code);
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
    // Terminal and partial requests both abort the operation. Beast's HTTP operations honour terminal
    // cancellation only, so both are passed down as terminal: the connection is then dropped, never pooled,
    // which also keeps partial cancellation's promise (the session stays in a known state). Set once for the
    // whole operation: a new state would forget a request that arrived between two attempts.
    auto const as_terminal = [](asio::cancellation_type requested) {
        auto const abort = asio::cancellation_type::terminal | asio::cancellation_type::partial;
        return (requested & abort) != asio::cancellation_type::none ? asio::cancellation_type::terminal
                                                                    : asio::cancellation_type::none;
    };
    co_await asio::this_coro::reset_cancellation_state(as_terminal);

    auto const& policy = impl.options.retry;
    impl.budget.record_request();
    bool replayed = false, refreshed = false, fresh = false;
    unsigned retries = 0;
    std::optional<std::uint64_t> rejected;
    for (unsigned attempt = 1;; ++attempt) {
        auto const started = std::chrono::steady_clock::now();
        if (attempt > 1 && co_await cancelled()) {
            exchange_result x;
            x.failure = failure_of(impl, asio::error::operation_aborted, true);
            co_return x;
        }
        if (impl.tokens->refreshable()) {
            auto tokens = co_await impl.tokens->get(op.deadline, rejected);
            if (!tokens) {
                exchange_result x;
                x.failure = tokens.error();
                co_return x;
            }
            apply_tokens(op, *tokens);
        }
        auto x = co_await run_exchange(impl, op, std::exchange(fresh, false));
        emit_attempt(impl, op, x, attempt, started);

        if (!replayed && met_closed_connection(x, op.safe_to_repeat)) {
            replayed = fresh = true; // outside the retry budget: nothing reached the server's logic
            impl.retried.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (!x.failure && x.status == 401 && impl.tokens->refreshable() && !refreshed) {
            refreshed = true;
            rejected = op.tokens_generation;
            impl.retried.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (!op.safe_to_repeat || retries + 1 >= policy.max_attempts || !may_retry(x)) co_return x;
        auto const delay = retry_delay(policy, retries + 1, random_jitter(), x.retry_after);
        if (!delay) co_return x; // the server asks for a longer wait than max_retry_after
        if (std::chrono::steady_clock::now() + *delay >= op.deadline) co_return x;
        if (!impl.budget.try_spend()) co_return x;
        ++retries;
        impl.retried.fetch_add(1, std::memory_order_relaxed);
        if (delay->count() > 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor, *delay);
            auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec || impl.is_shut_down()) {
                x.failure = failure_of(impl, asio::error::operation_aborted, true);
                co_return x;
            }
        }
    }
}

} // namespace igtcloud::entities::detail
