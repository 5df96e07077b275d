// GET /users streamed (DESIGN.md §8): the list decoded as its bytes arrive, into a vector (async_get_users)
// or handed to the caller one user at a time (async_for_each_user). The endpoints' sink factories.
#include <boost/asio/error.hpp>

#include <exception>
#include <utility>
#include <vector>

#include "entities/endpoints.hpp"
#include "entities/invalid_argument.hpp"
#include "entities/stream/array_decoder.hpp"
#include "entities/transport/streamed_body.hpp"

namespace igtcloud::entities::detail {
namespace {

using error_code = boost::system::error_code;

// What the users bodies share: the answer's status (a decoding error keeps it), the decoder, the failure.
template <class V>
class users_body : public streamed_value<V>, protected element_target {
public:
    users_body(success_statuses success, std::uint64_t max_item)
        : success_(success)
        , decoder_(sax_traits<user_info>::type, *this, max_item)
    {}

    bool takes(unsigned status) const noexcept override
    {
        status_ = status;
        return success_.contains(status);
    }
    std::optional<api_error> const& failure() const noexcept override { return failure_; }

protected:
    // A new answer's body: the decoder from the start.
    void start()
    {
        failure_.reset();
        decoder_.reset();
    }
    error_code fail(error_code code, std::string message, unsigned status = 0)
    {
        failure_ = api_error{code, status, std::move(message)};
        return code;
    }
    // The decoder's error, as the operation's: a decoding error keeps the answer's status, a failure the
    // target recorded itself (or a cancellation) stays as it is.
    error_code decoder_failed(error_code ec)
    {
        if (failure_ || ec == boost::asio::error::operation_aborted) return ec;
        bool const decoding = ec == error::invalid_response;
        return fail(ec, decoder_.message(), decoding ? status_ : 0);
    }

    success_statuses success_;
    mutable unsigned status_{};
    array_decoder decoder_;
    std::optional<api_error> failure_{};
};

// async_get_users: every user into one vector; the body under max_response_bytes (decoded bytes).
class user_list final : public users_body<std::vector<user_info>> {
public:
    user_list(success_statuses success, std::uint64_t max_bytes)
        : users_body(success, max_bytes)
        , max_bytes_(max_bytes)
    {}

    error_code begin(std::optional<std::uint64_t> content_length) override
    {
        start();
        users_.clear();
        received_ = 0;
        if (content_length && *content_length > max_bytes_) return too_large();
        return {};
    }
    error_code write(std::string_view bytes) override
    {
        if (bytes.size() > max_bytes_ - received_) return too_large();
        received_ += bytes.size();
        if (auto ec = decoder_.write(bytes)) return decoder_failed(ec);
        return {};
    }
    error_code complete() override
    {
        if (auto ec = decoder_.finish()) return decoder_failed(ec);
        return {};
    }
    bool may_repeat() const noexcept override { return !failure_; }
    std::vector<user_info> take() override { return std::move(users_); }

private:
    void* next() override { return &users_.emplace_back(); }
    error_code done() override { return {}; }

    error_code too_large()
    {
        users_ = {}; // no partial list held while the error travels
        return fail(make_error_code(error::response_too_large),
                    "the response body exceeds max_response_bytes (" + std::to_string(max_bytes_) +
                        " bytes)");
    }

    std::uint64_t max_bytes_;
    std::uint64_t received_{};
    std::vector<user_info> users_{};
};

// async_for_each_user: each user to the caller's callable as its object closes; one user held at a time.
class user_stream final : public users_body<std::size_t> {
public:
    user_stream(user_callback on_user, success_statuses success, std::uint64_t max_item)
        : users_body(success, max_item)
        , on_user_(std::move(on_user))
    {}

    error_code begin(std::optional<std::uint64_t>) override
    {
        start(); // a retry comes only before the first user (may_repeat)
        return {};
    }
    error_code write(std::string_view bytes) override
    {
        if (auto ec = decoder_.write(bytes)) return decoder_failed(ec);
        return {};
    }
    error_code complete() override
    {
        if (auto ec = decoder_.finish()) return decoder_failed(ec);
        return {};
    }
    bool may_repeat() const noexcept override { return delivered_ == 0 && !failure_; }
    void watch(boost::asio::cancellation_state state) noexcept override { cancellation_ = std::move(state); }
    std::size_t take() override { return delivered_; }

private:
    void* next() override
    {
        current_ = user_info{};
        return &current_;
    }
    // The caller's callable, guarded: an exception must not escape into the parser (it would leave
    // io_context::run). Then a cancellation it asked for stops the body here, before the next user.
    error_code done() override
    {
        ++delivered_;
        try {
            on_user_(std::move(current_));
        } catch (std::exception const& e) {
            return fail(make_error_code(boost::system::errc::io_error),
                        std::string("async_for_each_user: on_user threw: ") + e.what());
        } catch (...) {
            return fail(make_error_code(boost::system::errc::io_error),
                        "async_for_each_user: on_user threw an exception");
        }
        if (cancellation_ && cancellation_->cancelled() != boost::asio::cancellation_type::none)
            return boost::asio::error::operation_aborted;
        return {};
    }

    user_callback on_user_;
    user_info current_{};
    std::size_t delivered_{};
    std::optional<boost::asio::cancellation_state> cancellation_{};
};

} // namespace

api_result<std::unique_ptr<streamed_body>> user_list_body(get_users_params&, sink_context const& context)
{
    auto const max = context.options->max_response_bytes;
    return std::unique_ptr<streamed_body>(std::make_unique<user_list>(context.success, max));
}

api_result<std::unique_ptr<streamed_body>> user_stream_body(for_each_user_params& params,
                                                            sink_context const& context)
{
    if (!params.on_user) return invalid("async_for_each_user: on_user is empty");
    return std::unique_ptr<streamed_body>(std::make_unique<user_stream>(
        std::move(params.on_user), context.success, context.options->max_item_bytes));
}

} // namespace igtcloud::entities::detail
