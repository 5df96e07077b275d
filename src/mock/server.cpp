// The mock server: the acceptor on 127.0.0.1, its threads (or the caller's executor), stop(), and the
// state every session shares (fault dice, counters, the registry of live sessions).
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "mock/connection.hpp"
#include "mock/random.hpp"
#include <openssl/ssl.h>

namespace igtcloud::mock {
namespace detail {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

/// Throws boost::system::system_error(invalid_argument) with `what`.
[[noreturn]] void refuse(char const* what)
{
    throw boost::system::system_error(make_error_code(boost::system::errc::invalid_argument), what);
}

/// Asks every client for a certificate signed by a CA of `ca_file` and fails the handshake without one.
void require_client_certificates(ssl::context& ctx, std::string const& ca_file)
{
    ctx.load_verify_file(ca_file);
    // The CertificateRequest names the acceptable CAs, so a client with several certificates picks the right
    // one.
    if (STACK_OF(X509_NAME)* names = ::SSL_load_client_CA_file(ca_file.c_str()))
        ::SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
}

/// A TLS 1.2+ server context from PEM files; throws boost::system::system_error on a bad file.
/// Sessions can be resumed: the server-side session cache (TLS 1.2 session ids) and stateless TLS 1.3
/// tickets are on, and the session id context is set, without which OpenSSL refuses to resume a session
/// whose client certificate was verified.
std::unique_ptr<ssl::context> make_tls_context(options const& opts)
{
    if (opts.tls_cert_file.empty() && opts.tls_key_file.empty()) {
        if (!opts.tls_client_ca_file.empty())
            refuse("igtcloud::mock: a client CA file needs TLS (a certificate and a key file)");
        return nullptr;
    }
    if (opts.tls_cert_file.empty() || opts.tls_key_file.empty())
        refuse("igtcloud::mock: TLS needs both a certificate and a key file");
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(opts.tls_cert_file);
    ctx->use_private_key_file(opts.tls_key_file, ssl::context::pem);
    if (!opts.tls_client_ca_file.empty()) require_client_certificates(*ctx, opts.tls_client_ca_file);
    static constexpr unsigned char session_id_context[] = "igtcloud-mock";
    ::SSL_CTX_set_session_id_context(ctx->native_handle(), session_id_context, sizeof session_id_context - 1);
    SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_SERVER);
    SSL_CTX_clear_options(ctx->native_handle(), SSL_OP_NO_TICKET);
    return ctx;
}

/// A draw in [0, 1) from a 64-bit value.
double unit(std::uint64_t bits) noexcept
{
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

} // namespace

void route_counters::add(char const* route) noexcept
{
    auto const start = std::hash<void const*>{}(route) % slots_.size();
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        auto& s = slots_[(start + i) % slots_.size()];
        char const* name = s.name.load(std::memory_order_acquire);
        if (name == nullptr && s.name.compare_exchange_strong(name, route, std::memory_order_acq_rel))
            name = route;
        if (name == route) {
            s.count.fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
    try {
        std::lock_guard lock{overflow_mutex_};
        ++overflow_[route];
    } catch (std::exception const&) {
        // a counter lost to memory exhaustion is not worth failing an answer for
    }
}

std::map<std::string, std::uint64_t> route_counters::snapshot() const
{
    std::map<std::string, std::uint64_t> out;
    for (auto const& s : slots_) {
        if (char const* name = s.name.load(std::memory_order_acquire))
            out[name] += s.count.load(std::memory_order_relaxed);
    }
    std::lock_guard lock{overflow_mutex_};
    for (auto const& [name, count] : overflow_)
        out[name] += count;
    return out;
}

server_state::server_state(options opts)
    : opts_(std::move(opts))
    , service_(opts_)
    , tls_(make_tls_context(opts_))
    , fault_seed_(opts_.seed ? *opts_.seed
                             : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}())
{}

fault_plan server_state::roll_faults() noexcept
{
    if (opts_.fail_rate <= 0.0 && opts_.truncate_rate <= 0.0) return {};
    auto const n = fault_draws_.fetch_add(1, std::memory_order_relaxed);
    return fault_plan{.fail = unit(splitmix64(fault_seed_, 2 * n)) < opts_.fail_rate,
                      .truncate = unit(splitmix64(fault_seed_, 2 * n + 1)) < opts_.truncate_rate};
}

bool server_state::add_session(std::shared_ptr<session_base> const& session)
{
    std::lock_guard lock{sessions_mutex_};
    if (closing()) return false;
    sessions_.emplace(session.get(), session);
    open_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void server_state::remove_session(session_base const* session) noexcept
{
    std::lock_guard lock{sessions_mutex_};
    if (sessions_.erase(session) != 0) open_.fetch_sub(1, std::memory_order_relaxed);
}

void server_state::close_all()
{
    std::vector<std::shared_ptr<session_base>> live;
    {
        std::lock_guard lock{sessions_mutex_};
        closing_.store(true, std::memory_order_release);
        live.reserve(sessions_.size());
        for (auto const& [key, weak] : sessions_)
            if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto const& s : live)
        s->close();
}

void server_state::count_answer(char const* route) noexcept
{
    served_.fetch_add(1, std::memory_order_relaxed);
    routes_.add(route);
}

mock::stats server_state::stats() const
{
    return mock::stats{.connections_accepted = accepted_.load(std::memory_order_relaxed),
                       .connections_open = open_.load(std::memory_order_relaxed),
                       .requests_served = served_.load(std::memory_order_relaxed),
                       .tls_handshakes = handshakes_.load(std::memory_order_relaxed),
                       .tls_resumed = resumed_.load(std::memory_order_relaxed),
                       .requests_by_route = routes_.snapshot()};
}

} // namespace detail

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

/// The listening side: acceptor, accept loop, own threads.
struct server::impl : std::enable_shared_from_this<impl> {
    /// Own threads (`executor` empty) or the caller's executor.
    impl(options opts, std::optional<asio::any_io_executor> executor);
    ~impl();
    impl(impl const&) = delete;
    impl& operator=(impl const&) = delete;

    /// Opens, binds and listens; throws boost::system::system_error.
    void listen();
    void accept();
    void on_accept(error_code ec, tcp::socket socket);
    /// The executor of a new session: a strand, unless only one thread of our own runs the server.
    asio::any_io_executor session_executor();
    void run_threads();
    void stop();

    std::shared_ptr<detail::server_state> state;
    std::optional<asio::io_context> own_context;
    asio::any_io_executor executor;
    tcp::acceptor acceptor;
    asio::steady_timer retry_timer; ///< after a failed accept (e.g. out of descriptors)
    std::uint16_t bound_port{0};
    std::vector<std::thread> threads;
    std::mutex stop_mutex;
    bool stopped{false};
};

server::impl::impl(options opts, std::optional<asio::any_io_executor> caller_executor)
    : state(std::make_shared<detail::server_state>(std::move(opts)))
    , own_context(caller_executor ? std::nullopt
                                  : std::optional<asio::io_context>(std::in_place,
                                                                    static_cast<int>(state->opts().threads)))
    , executor(caller_executor ? *caller_executor : own_context->get_executor())
    , acceptor(asio::make_strand(executor))
    , retry_timer(acceptor.get_executor())
{}

server::impl::~impl()
{
    for (auto& t : threads)
        if (t.joinable()) t.get_id() == std::this_thread::get_id() ? t.detach() : t.join();
}

void server::impl::listen()
{
    tcp::endpoint const endpoint{asio::ip::address_v4::loopback(), state->opts().port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor.local_endpoint().port();
}

asio::any_io_executor server::impl::session_executor()
{
    if (!own_context) return asio::make_strand(executor);
    if (state->opts().threads <= 1) return executor;
    return asio::make_strand(own_context->get_executor()); // a strand of the concrete executor: cheaper
}

void server::impl::accept()
{
    acceptor.async_accept(session_executor(), [self = shared_from_this()](error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
    });
}

void server::impl::on_accept(error_code ec, tcp::socket socket)
{
    if (ec == asio::error::operation_aborted || state->closing() || !acceptor.is_open()) return;
    if (ec) { // e.g. EMFILE: wait a little instead of spinning
        retry_timer.expires_after(std::chrono::milliseconds(50));
        retry_timer.async_wait([self = shared_from_this()](error_code wait_ec) {
            if (!wait_ec && !self->state->closing()) self->accept();
        });
        return;
    }
    state->count_accepted();
    detail::start_session(state, std::move(socket));
    accept();
}

void server::impl::run_threads()
{
    auto const count = std::max(1u, state->opts().threads);
    threads.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
        threads.emplace_back([this] {
            for (;;) {
                try {
                    own_context->run();
                    return;
                } catch (std::exception const& e) {
                    std::fprintf(stderr, "igtcloud::mock: a handler threw: %s\n", e.what());
                }
            }
        });
    }
}

void server::impl::stop()
{
    std::lock_guard lock{stop_mutex};
    if (!stopped) {
        stopped = true;
        state->close_all();
        asio::post(acceptor.get_executor(), [self = shared_from_this()] {
            error_code ignored;
            self->acceptor.close(ignored);
            self->retry_timer.cancel();
        });
    }
    if (!own_context || own_context->get_executor().running_in_this_thread()) return;
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

server::server(options opts) : impl_(std::make_shared<impl>(std::move(opts), std::nullopt))
{
    impl_->listen();
    impl_->accept();
    impl_->run_threads();
}

server::server(boost::asio::any_io_executor executor, options opts)
    : impl_(std::make_shared<impl>(std::move(opts), std::move(executor)))
{
    impl_->listen();
    impl_->accept();
}

server::~server()
{
    try {
        stop();
    } catch (std::exception const& e) {
        std::fprintf(stderr, "igtcloud::mock: stop failed: %s\n", e.what());
    }
}

std::uint16_t server::port() const noexcept
{
    return impl_->bound_port;
}

std::string server::base_url() const
{
    auto const& opts = impl_->state->opts();
    return (impl_->state->tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port()) +
           opts.prefix;
}

std::string const& server::default_token() const noexcept
{
    return impl_->state->service().default_token();
}

void server::stop()
{
    impl_->stop();
}

stats server::stats() const
{
    return impl_->state->stats();
}

std::optional<entities::user_info> server::find_user(std::string_view user_uuid) const
{
    return impl_->state->service().users().find(user_uuid);
}

std::optional<entities::user_info> server::find_user_by_login(std::string_view login_id) const
{
    return impl_->state->service().users().find_by_login(login_id);
}

std::size_t server::user_count() const
{
    return impl_->state->service().users().size();
}

entities::user_info server::add_user(entities::user_create const& u)
{
    return impl_->state->service().users().create(u).first->user;
}

} // namespace igtcloud::mock
