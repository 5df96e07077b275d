// The pipeline's non-template core: request building and one exchange over a pooled connection.
#include "entities/pipeline.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <charconv>

#include "entities/fields_mask.hpp"

namespace igtcloud::entities::detail {
namespace {

api_error invalid(std::string message)
{
    return api_error{make_error_code(error::invalid_argument), 0, std::move(message)};
}

// The server's `Keep-Alive: timeout=N`, if any.
std::optional<std::chrono::seconds> keep_alive_timeout(http::response<http::string_body> const& res)
{
    auto const it = res.find("Keep-Alive");
    if (it == res.end()) return std::nullopt;
    std::string_view const value(it->value().data(), it->value().size());
    auto const at = value.find("timeout=");
    if (at == std::string_view::npos) return std::nullopt;
    long seconds = 0;
    auto const* first = value.data() + at + 8;
    auto [end, ec] = std::from_chars(first, value.data() + value.size(), seconds);
    if (ec != std::errc{} || end == first || seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
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

    std::string target;
    path_param const path[] = {{"user_uuid", spec.user_uuid.value_or("")}};
    query_param const query[] = {{"region", spec.region}};
    auto built = build_target(target, impl.url.prefix, spec.path,
                              spec.user_uuid ? path : std::span<path_param const>{}, query);
    if (!built) return std::move(built.error());

    auto& req = op.request;
    req.method(spec.method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, impl.url.host_header);
    req.set(http::field::user_agent, impl.options.user_agent);
    req.set(http::field::accept, "application/json");
    if (!impl.options.jwt.empty()) req.set("X-JWT", impl.options.jwt);
    if (!impl.options.csrf_token.empty()) req.set("X-CSRF-TOKEN", impl.options.csrf_token);
    if (spec.masked && spec.options->fields) {
        auto const& mask = *spec.options->fields;
        if (auto ok = check_header_value("X-Fields", mask); !ok) return std::move(ok.error());
        if (auto parsed = fields_mask::parse(mask); !parsed) return invalid(parsed.error().message);
        req.set("X-Fields", mask);
    }
    if (spec.body) {
        req.set(http::field::content_type, "application/json");
        req.body() = std::move(*spec.body);
    }
    req.prepare_payload();
    return op;
}

asio::awaitable<exchange_result> run_exchange(client_impl& impl, prepared& op)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    // Terminal and partial requests both abort the operation. Beast's HTTP operations honour terminal
    // cancellation only, so both are passed down as terminal: the connection is then dropped, never pooled,
    // which also keeps partial cancellation's promise (the session stays in a known state).
    auto const as_terminal = [](asio::cancellation_type requested) {
        auto const abort = asio::cancellation_type::terminal | asio::cancellation_type::partial;
        return (requested & abort) != asio::cancellation_type::none ? asio::cancellation_type::terminal
                                                                    : asio::cancellation_type::none;
    };
    co_await asio::this_coro::reset_cancellation_state(as_terminal);
    auto cancelled = [&]() -> asio::awaitable<bool> {
        co_return (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
    };
    exchange_result x;
    auto acquired = co_await impl.pool.acquire(op.deadline);
    if (!acquired) {
        x.failure = std::move(acquired.error());
        co_return x;
    }
    auto& lease = *acquired;
    if (lease.needs_open()) {
        auto to = co_await impl.resolve(op.deadline);
        if (!to || impl.is_shut_down()) { // no socket to close yet while resolving: look again
            x.failure = to ? failure_of(impl, asio::error::operation_aborted, false) : std::move(to.error());
            co_return x;
        }
        auto const connect_deadline =
            std::min(op.deadline, std::chrono::steady_clock::now() + impl.options.connect_timeout);
        if (auto ec = co_await lease.conn().async_open(**to, connect_deadline)) {
            x.failure = failure_of(impl, ec, co_await cancelled());
            if (ec == beast::error::timeout) x.failure->message = "connecting timed out";
            co_return x; // the lease closes the connection and frees its slot
        }
        lease.opened();
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(impl.options.max_response_bytes);
    auto const outcome = co_await lease.conn().async_exchange(op.request, parser, op.deadline);
    if (outcome.ec) {
        x.failure = failure_of(impl, outcome.ec, co_await cancelled());
        co_return x;
    }
    auto& res = parser.get();
    lease.release(res.keep_alive() && parser.is_done(), keep_alive_timeout(res));
    x.status = res.result_int();
    if (auto it = res.find(http::field::content_type); it != res.end()) x.content_type = it->value();
    x.body = std::move(res.body());
    co_return x;
}

} // namespace igtcloud::entities::detail
