#pragma once

// The one request pipeline shared by the Users operations.
//
//   start<Params>  reads the operation's endpoint row into a request_spec          (template, tiny)
//   prepare        validates and serializes the HTTP request once: head and body (non-template)
//   launch<T>      posts early errors, else co_spawns the operation (on its own strand when the handler has a
//                  cancellation slot), completing on the handler's associated executor
//   run_operation  the attempt loop (non-template), owning the operation: a thin shell around the attempt
//                  policy (retry/attempt_policy.hpp), which holds every rule and their order:
//                    tokens (credentials provider) -> run_exchange -> attempt event -> facts_of -> decide ->
//                    replay on a fresh connection | refresh tokens | spend the budget, wait, retry | done
//                    (done: this attempt's result is the operation's)
//   run_exchange   pool lease -> resolve/connect/TLS -> write/read -> release       (non-template)
//   finish<T>      success status -> decode the body into T; else error_from_answer (template, thin), run in
//                  the completion on the way to the handler
//
// An operation with a sink (endpoint::sink: the download, GET /users) differs in one place: run_exchange has
// the answer parser stream a success answer's body into the operation's streamed_body
// (transport/streamed_body.hpp) instead of buffering it; the sink also tells the retry rule whether the body
// may be sent again (facts_of), and the operation's value is the sink's (finish<T, true>).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "entities/client_impl.hpp"
#include "entities/endpoints.hpp"
#include "entities/http_error.hpp"
#include "entities/json_decoder.hpp"
#include "entities/retry/attempt_policy.hpp"
#include "entities/transport/streamed_body.hpp"

namespace igtcloud::entities::detail {

/// What prepare() needs of an operation: its endpoint row's columns and its parameters' values.
struct request_spec {
    std::string_view name{};
    http::verb method{};
    std::string_view path{};
    bool safe_to_repeat{};
    bool masked{};
    std::optional<std::string_view> user_uuid{};
    std::optional<std::string_view> region{};
    std::optional<std::span<std::string const>> keys{}; ///< the `keys` query parameter (endpoint::keys)
    request_options const* options{};
    std::optional<std::string> body{};           ///< JSON text
    std::string_view accept{"application/json"}; ///< the Accept header (endpoint::accept)
    success_statuses success{};                  ///< the endpoint's
    /// The operation's sink (endpoint::sink), or why it cannot be made; moved into prepared.
    std::optional<api_result<std::unique_ptr<streamed_body>>> sink{};
    // The auth calls only (Users operations leave these empty and pay nothing):
    /// Token headers of this request (X-JWT, X-CSRF-TOKEN when not empty), instead of the session's.
    std::optional<std::pair<std::string_view, std::string_view>> tokens{};
    /// Secrets the body carries (a password, an assertion): taken out of any error text the server echoes.
    std::vector<std::string> secrets{};
    bool keep_cookies{}; ///< keep the answer's Set-Cookie field values (exchange_result::set_cookies)
};

/// A validated operation, ready to send (as often as attempts need).
struct prepared {
    wire_request request{};
    steady_time deadline{};
    std::string_view name{};
    bool safe_to_repeat{};
    std::uint64_t tokens_generation{};  ///< the generation of the tokens in `request` (0: static tokens)
    std::vector<std::string> secrets{}; ///< request_spec::secrets
    bool keep_cookies{};                ///< request_spec::keep_cookies
    /// The operation's sink, when it has one (endpoint::sink).
    std::unique_ptr<streamed_body> sink{};
};

/// The transport's result: a complete answer, or the error that prevented one.
struct exchange_result {
    std::optional<api_error> failure{};
    unsigned status{};
    std::string content_type{};
    std::string body{};
    std::vector<std::string> set_cookies{}; ///< the answer's Set-Cookie values, when the request kept them
    /// A success answer streamed into the operation's sink: the sink, holding the value (body stays empty).
    std::unique_ptr<streamed_body> streamed{};
    std::optional<std::chrono::milliseconds> retry_after{}; ///< the answer's valid Retry-After
    bool reused{};       ///< the attempt ran on a connection that carried an earlier request
    bool wrote_all{};    ///< the whole request was written (so the server may have acted on it)
    bool received_any{}; ///< some of the answer arrived
    attempt_phase phase{attempt_phase::connect}; ///< failures: before the request was written, or after
    bool timed_out{}; ///< failures: the phase's time ran out (Beast's timeout, whatever `failure` reports)
};

api_result<prepared> prepare(client_impl& impl, request_spec spec);
/// One attempt; `fresh` asks the pool for a new connection (replays).
asio::awaitable<exchange_result> run_exchange(client_impl& impl, prepared& op, bool fresh = false);
/// Every attempt of an operation; its result is the last attempt's. Owns the operation and counts it in
/// flight until it ends (operation_started() is the caller's).
asio::awaitable<exchange_result> run_operation(std::shared_ptr<client_impl> impl, prepared op);

template <class T>
struct is_created : std::false_type {};
template <class T>
struct is_created<created<T>> : std::true_type {};

/// A decoding error of an answer that did arrive keeps its HTTP status.
inline api_error answered(api_error e, unsigned status)
{
    e.status = status;
    return e;
}

/// The operation's result from its last attempt's; `Streamed`: the endpoint has a sink, which holds the
/// value.
template <class T, bool Streamed = false>
api_result<T> finish(exchange_result&& x, success_statuses success)
{
    if (x.failure) return std::move(*x.failure);
    if (!success.contains(x.status)) return error_from_answer(x.status, x.content_type, x.body);
    if constexpr (std::is_void_v<T>) {
        return {};
    } else if constexpr (Streamed) {
        if (!x.streamed)
            return api_error{make_error_code(error::invalid_response), x.status, "internal error"};
        return static_cast<streamed_value<T>&>(*x.streamed).take();
    } else if constexpr (is_created<T>::value) {
        auto value = decode_document<decltype(T::value)>(x.body);
        if (!value) return answered(value.error(), x.status);
        return T{std::move(*value), x.status == 201};
    } else {
        auto value = decode_document<T>(x.body);
        if (!value) return answered(value.error(), x.status);
        return value;
    }
}

template <class T, bool Streamed>
void launch(std::shared_ptr<client_impl> impl, api_result<prepared> op, success_statuses success,
            asio::any_completion_handler<void(api_result<T>)> handler)
{
    // The handler's own executor, else the session's: given as the io_context executor when it is one,
    // because that fits inside the type-erased completion executor (the any_io_executor would be copied to
    // the heap).
    auto const* io = impl->executor.target<asio::io_context::executor_type>();
    auto const executor = io ? asio::get_associated_executor(handler, *io)
                             : asio::get_associated_executor(handler, impl->executor);
    if (!op) { // never complete inside the initiating call
        asio::post(impl->executor,
                   asio::bind_executor(executor, [h = std::move(handler), e = op.error()]() mutable {
                       std::move(h)(api_result<T>(std::move(e)));
                   }));
        return;
    }
    auto slot = asio::get_associated_cancellation_slot(handler);
    impl->operation_started();
    // Decoded here, on the way to the handler: the model is built once and handed over without a copy.
    auto done = asio::bind_executor(
        executor, [h = std::move(handler), success](std::exception_ptr e, exchange_result x) mutable {
            if (e) x.failure = api_error{make_error_code(error::invalid_response), 0, "internal error"};
            std::move(h)(finish<T, Streamed>(std::move(x), success));
        });
    auto body = run_operation(impl, std::move(*op));
    // The operation's steps never overlap (one awaited step at a time), so without a cancellation slot it
    // runs on the session's executor as it is. With one, co_spawn delivers cancellation through the
    // operation's executor, which must then be a strand (client_impl::next_strand).
    if (!slot.is_connected())
        asio::co_spawn(impl->executor, std::move(body), std::move(done));
    else
        asio::co_spawn(impl->next_strand(), std::move(body),
                       asio::bind_cancellation_slot(slot, std::move(done)));
}

template <class Params>
void start(std::shared_ptr<client_impl> impl, Params params, handler_t<Params> handler)
{
    constexpr auto const& ep = endpoint_for<Params>;
    request_spec spec{ep.name, ep.method, ep.path, ep.safe_to_repeat, ep.masked};
    spec.accept = ep.accept;
    spec.success = ep.success;
    if constexpr (ep.sink.has_value())
        spec.sink = (*ep.sink)(params, sink_context{ep.success, &impl->options});
    if constexpr (ep.user_uuid != nullptr) spec.user_uuid = params.*ep.user_uuid;
    if constexpr (ep.region != nullptr) {
        if (auto const& region = params.*ep.region) spec.region = *region;
    }
    if constexpr (ep.keys != nullptr) spec.keys = std::span<std::string const>(params.*ep.keys);
    spec.options = &params.options;
    if constexpr (requires { params.body; }) spec.body = encode(params.body);
    auto op = prepare(*impl, std::move(spec));
    launch<typename Params::response_type, ep.sink.has_value()>(std::move(impl), std::move(op), ep.success,
                                                                std::move(handler));
}

} // namespace igtcloud::entities::detail
