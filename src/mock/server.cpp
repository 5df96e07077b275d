// The mock server: the acceptor on 127.0.0.1, its threads (or the caller's executor), stop().
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mock/connection.hpp"
#include "mock/zip_writer.hpp"

namespace igtcloud::mock {

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

std::string server::auth_url() const
{
    return (impl_->state->tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port()) +
           "/api/auth";
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

namespace {

/// The userUUID of the user named by userUUID or loginId; empty when there is none.
std::string uuid_of(detail::user_store const& users, std::string_view user_uuid_or_login)
{
    auto r = users.record(user_uuid_or_login);
    if (!r) r = users.record_by_login(user_uuid_or_login);
    return r ? r->user.user_uuid.value_or("") : std::string();
}

} // namespace

void server::add_file(std::string_view user_uuid_or_login, std::string key, std::string bytes)
{
    auto& svc = impl_->state->service();
    auto const uuid = uuid_of(svc.users(), user_uuid_or_login);
    if (uuid.empty()) throw std::invalid_argument("igtcloud::mock::server::add_file: no such user");
    auto const crc = detail::crc32(bytes);
    svc.files().put(uuid, std::move(key), std::make_shared<std::string const>(std::move(bytes)), crc);
}

std::vector<stored_file> server::files_of(std::string_view user_uuid_or_login) const
{
    auto const& svc = impl_->state->service();
    std::vector<stored_file> out;
    auto const uuid = uuid_of(svc.users(), user_uuid_or_login);
    if (uuid.empty()) return out;
    for (auto& r : svc.files().list(uuid))
        out.push_back(std::move(r.file));
    return out;
}

} // namespace igtcloud::mock
