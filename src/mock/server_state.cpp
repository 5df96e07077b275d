// The state every session of a mock server shares: TLS context, fault dice, counters, live sessions.
#include "mock/server_state.hpp"

#include <boost/system/system_error.hpp>

#include <exception>
#include <functional>
#include <random>
#include <vector>

#include "mock/random.hpp"
#include <openssl/ssl.h>

namespace igtcloud::mock::detail {
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
    , access_log_(opts_.access_log.empty() ? nullptr : std::make_unique<detail::access_log>(opts_.access_log))
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

} // namespace igtcloud::mock::detail
