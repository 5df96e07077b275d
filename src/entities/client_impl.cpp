// A session's shared state: validation of the options, TLS context, resolver cache, shutdown.
#include "entities/client_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <stdexcept>

#include "entities/header_check.hpp"

namespace igtcloud::entities::detail {
namespace {

constexpr auto resolve_ttl = std::chrono::seconds(60);

base_url checked_url(session_options const& o)
{
    auto url = parse_base_url(o.base_url);
    if (!url) throw std::invalid_argument(url.error().message);
    for (auto const& [name, value] : {std::pair<char const*, std::string const*>{"X-JWT", &o.jwt},
                                      {"X-CSRF-TOKEN", &o.csrf_token},
                                      {"User-Agent", &o.user_agent}}) {
        if (auto ok = check_header_value(name, *value); !ok) throw std::invalid_argument(ok.error().message);
    }
    if (o.max_connections == 0)
        throw std::invalid_argument("session_options::max_connections must be at least 1");
    if (o.credentials && (!o.jwt.empty() || !o.csrf_token.empty()))
        throw std::invalid_argument(
            "session_options: set jwt/csrf_token or a credentials provider, not both");
    if (o.retry.max_attempts == 0)
        throw std::invalid_argument("session_options::retry.max_attempts must be at least 1");
    return std::move(*url);
}

std::unique_ptr<asio::ssl::context> make_tls(tls_options const& o, tls_session_cache& sessions)
{
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
    if (o.verify_peer) {
        ctx->set_verify_mode(asio::ssl::verify_peer);
        if (!o.ca_file.empty()) ctx->load_verify_file(o.ca_file);
        if (!o.ca_dir.empty()) ctx->add_verify_path(o.ca_dir);
        if (o.ca_file.empty() && o.ca_dir.empty()) ctx->set_default_verify_paths();
    } else {
        ctx->set_verify_mode(asio::ssl::verify_none);
    }
    if (!o.client_cert_file.empty()) ctx->use_certificate_chain_file(o.client_cert_file);
    if (!o.client_key_file.empty()) ctx->use_private_key_file(o.client_key_file, asio::ssl::context::pem);
    sessions.install(*ctx);
    return ctx;
}

// Runs the handler later, on its associated executor (post dispatches there), never inside the caller.
void complete_later(asio::any_completion_handler<void()> handler, asio::any_io_executor const& fallback)
{
    asio::post(fallback, std::move(handler));
}

// The addresses of `host`, abandoned at `deadline` (getaddrinfo cannot be timed); the error names the proxy
// when the host is the proxy's.
asio::awaitable<api_result<asio::ip::tcp::resolver::results_type>>
look_up(std::string const& host, std::string const& service, steady_time deadline, bool is_proxy)
{
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    asio::steady_timer guard(resolver.get_executor(), deadline);
    guard.async_wait([&resolver](boost::system::error_code e) {
        if (!e) resolver.cancel();
    });
    auto [rec, results] = co_await resolver.async_resolve(host, service, asio::as_tuple(asio::use_awaitable));
    guard.cancel();
    if (rec == asio::error::operation_aborted && std::chrono::steady_clock::now() >= deadline)
        co_return api_error{make_error_code(error::timeout), 0, "name resolution timed out"};
    if (rec) {
        char const* what = is_proxy ? "cannot resolve the proxy " : "cannot resolve ";
        co_return api_error{rec, 0, what + host + ": " + rec.message()};
    }
    co_return std::move(results);
}

} // namespace

client_impl::client_impl(asio::any_io_executor ex, session_options opts)
    : executor(std::move(ex))
    , options(std::move(opts))
    , url(checked_url(options))
    , proxy(choose_proxy(options.proxy, url, ::getenv))
    , tls_sessions()
    , tls(url.tls ? make_tls(options.tls, tls_sessions) : nullptr)
    , pool(executor, pool_limits{options.max_connections, options.idle_timeout}, options.on_event)
    , tokens(std::make_shared<token_source>(options))
    , budget(options.retry)
{
    // Strands of the io_context's own executor when it is one: their steps skip the type-erased executor.
    strands_.reserve(strand_count);
    for (std::size_t i = 0; i < strand_count; ++i) {
        if (auto const* io = executor.target<asio::io_context::executor_type>())
            strands_.emplace_back(asio::make_strand(*io));
        else
            strands_.emplace_back(asio::make_strand(executor));
    }
}

asio::awaitable<api_result<std::shared_ptr<peer const>>> client_impl::resolve(steady_time deadline)
{
    {
        std::lock_guard lock(mutex_);
        if (resolved_ && std::chrono::steady_clock::now() - resolved_at_ < resolve_ttl) co_return resolved_;
    }
    auto to = std::make_shared<peer>();
    to->host = url.host;
    to->tls = tls.get();
    to->sessions = tls ? &tls_sessions : nullptr;
    to->verify_peer = options.tls.verify_peer;
    to->proxy = proxy ? &*proxy : nullptr;
    // Through a proxy the socket goes to the proxy; `to->host` still names the server for TLS.
    auto const& connect_host = proxy ? proxy->host : url.host;
    auto const connect_port = proxy ? proxy->port : url.port;
    auto const service = std::to_string(connect_port);
    boost::system::error_code ec;
    auto const address = asio::ip::make_address(connect_host, ec);
    if (!ec) {
        to->endpoints = asio::ip::tcp::resolver::results_type::create(
            asio::ip::tcp::endpoint(address, connect_port), connect_host, service);
    } else {
        auto found = co_await look_up(connect_host, service, deadline, proxy.has_value());
        if (!found) co_return std::move(found).error();
        to->endpoints = std::move(*found);
    }
    std::lock_guard lock(mutex_);
    resolved_ = to;
    resolved_at_ = std::chrono::steady_clock::now();
    co_return std::shared_ptr<peer const>(std::move(to));
}

void client_impl::shutdown(asio::any_completion_handler<void()> handler)
{
    shut_down_.store(true, std::memory_order_release);
    pool.shutdown();
    std::unique_lock lock(mutex_);
    if (in_flight_.load() != 0) {
        if (handler) shutdown_waiters_.push_back(std::move(handler));
        return;
    }
    lock.unlock();
    if (handler) complete_later(std::move(handler), executor);
}

void client_impl::operation_finished()
{
    if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) != 1 || !is_shut_down()) return;
    std::vector<asio::any_completion_handler<void()>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (in_flight_.load() != 0) return;
        waiters.swap(shutdown_waiters_);
    }
    for (auto& h : waiters)
        complete_later(std::move(h), executor);
}

} // namespace igtcloud::entities::detail
