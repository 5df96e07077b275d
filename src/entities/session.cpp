// session: construction (validation), stats, shutdown.
#include <igtcloud/entities/session.hpp>

#include "entities/client_impl.hpp"

namespace igtcloud::entities {

namespace detail {
boost::asio::any_io_executor executor_of(client_impl const& impl) noexcept
{
    return impl.executor;
}
} // namespace detail

session::session(boost::asio::any_io_executor executor, session_options options)
    : impl_(std::make_shared<detail::client_impl>(std::move(executor), std::move(options)))
{}

session::~session()
{
    if (impl_) impl_->shutdown({});
}

session::session(session&&) noexcept = default;

session& session::operator=(session&& other) noexcept
{
    if (this != &other) {
        if (impl_) impl_->shutdown({});
        impl_ = std::move(other.impl_);
    }
    return *this;
}

pool_stats session::stats() const
{
    auto const c = impl_->pool.counters();
    return pool_stats{c.open,   c.idle,    c.in_use, c.connecting,
                      c.queued, c.created, c.reused, impl_->retried.load()};
}

boost::asio::any_io_executor session::get_executor() const noexcept
{
    return impl_->executor;
}

void session::start_shutdown(std::shared_ptr<detail::client_impl> impl,
                             boost::asio::any_completion_handler<void()> handler)
{
    impl->shutdown(std::move(handler));
}

} // namespace igtcloud::entities
