// One keep-alive HTTP/1.1 session of the mock server, over plain TCP or TLS (one class template, both
// instantiations compiled here). The hot path is kept lean: responses are a hand-made head plus the service's
// body in one gathered write (no Beast serializer), and timeouts come from one watchdog timer per connection
// that moves a deadline instead of arming a timer for every read and write.
#include "mock/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mock/compression.hpp"
#include "mock/request_view.hpp"
#include <openssl/ssl.h>

namespace igtcloud::mock::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using plain_stream = tcp::socket;
using tls_stream = beast::ssl_stream<tcp::socket>;
using request_parser = http::request_parser<http::string_body>;

/// The read buffer of a connection, reused across its requests.
constexpr std::size_t buffer_reserve = 8 * 1024;
/// At most this much is read and dropped at a graceful close.
constexpr std::size_t max_drain_bytes = 16u << 20;
/// A graceful close waits at most this long for the peer (and never longer than options::read_timeout).
constexpr std::chrono::milliseconds max_linger{2'000};
constexpr std::string_view injected_body = R"({"message": "injected fault"})";

using namespace std::string_view_literals;

/// `{"message": text}` with the given status, for answers the network layer makes itself.
answer message(unsigned status, std::string_view text, char const* route)
{
    boost::json::string s{text};
    return answer{status, R"({"message":)" + boost::json::serialize(s) + "}", route};
}

/// The service's answer; a 500 instead of an exception escaping into the I/O loop.
answer handle_safely(detail::service& svc, request_view const& request)
{
    try {
        return svc.handle(request);
    } catch (std::exception const&) {
        return message(500, "Internal error in the mock service", "other");
    }
}

/// A parse error of the request itself (as opposed to the peer going away mid-message).
bool is_malformed(error_code const& ec) noexcept
{
    static auto const& category = http::make_error_code(http::error::bad_target).category();
    return ec.category() == category && ec != http::error::end_of_stream &&
           ec != http::error::partial_message;
}

/// Appends `n` in decimal.
void append_number(std::string& out, std::uint64_t n)
{
    std::array<char, 24> digits{};
    auto const end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
    out.append(digits.data(), end);
}

/// How the head of an answer ends its connection.
struct head_options {
    bool announce_close{};              ///< Connection: close
    bool http10{};                      ///< an HTTP/1.0 request: keep-alive must be announced
    std::uint64_t keep_alive_seconds{}; ///< Keep-Alive: timeout=; 0: not sent
};

/// The status line and headers of `a` (Content-Length: the full body, even when less of it is sent).
void write_head(std::string& out, answer const& a, head_options const& h)
{
    out.assign("HTTP/1.1 "sv);
    append_number(out, a.status);
    out += ' ';
    auto const reason = http::obsolete_reason(static_cast<http::status>(a.status));
    out.append(reason.data(), reason.size());
    out.append("\r\n"sv);
    auto const body_size = a.body_size();
    if (body_size != 0) {
        out.append("Content-Type: "sv);
        out.append(a.content_type);
        out.append("\r\n"sv);
    }
    if (a.status != 204 && a.status != 304 && a.status >= 200) {
        out.append("Content-Length: "sv);
        append_number(out, body_size);
        out.append("\r\n"sv);
    }
    if (a.status == 429) out.append("Retry-After: 1\r\n"sv);
    append_coding_fields(out, a);
    for (auto const& cookie : a.set_cookies) {
        out.append("Set-Cookie: "sv);
        out.append(cookie);
        out.append("\r\n"sv);
    }
    if (h.announce_close) {
        out.append("Connection: close\r\n"sv);
    } else {
        if (h.http10) out.append("Connection: keep-alive\r\n"sv);
        if (h.keep_alive_seconds != 0) {
            out.append("Keep-Alive: timeout="sv);
            append_number(out, h.keep_alive_seconds);
            out.append("\r\n"sv);
        }
    }
    out.append("\r\n"sv);
}

/// One connection: [TLS handshake], then read / answer / write until either side closes.
/// Every handler runs on the socket's executor (a strand), which also serialises close().
template <class Stream>
class http_session final : public session_base, public std::enable_shared_from_this<http_session<Stream>> {
public:
    template <class... StreamArgs>
    explicit http_session(std::shared_ptr<server_state> state, StreamArgs&&... stream_args)
        : state_(std::move(state))
        , opts_(state_->opts())
        , stream_(std::forward<StreamArgs>(stream_args)...)
        , watchdog_(stream_.get_executor())
        , delay_(stream_.get_executor())
    {
        buffer_.reserve(buffer_reserve);
        head_.reserve(256);
        head_options_.keep_alive_seconds = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(opts_.read_timeout).count());
    }
    http_session(http_session const&) = delete;
    http_session& operator=(http_session const&) = delete;
    ~http_session() { state_->remove_session(this); }

    /// Registers the session and begins it on its strand (or drops the socket when the server is closing).
    void start()
    {
        if (!state_->add_session(this->shared_from_this())) return;
        asio::post(stream_.get_executor(), bind(&http_session::begin));
    }

    void close() override { asio::post(stream_.get_executor(), bind(&http_session::shut)); }

private:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    tcp::socket& socket() noexcept { return beast::get_lowest_layer(stream_); }
    clock::duration linger() const noexcept { return std::min(opts_.read_timeout, max_linger); }
    template <class Member>
    auto bind(Member member)
    {
        return beast::bind_front_handler(member, this->shared_from_this());
    }

    /// Moves the deadline of the I/O phase that starts now. The watchdog only restarts when the deadline
    /// comes earlier than its expiry; otherwise it re-arms itself when it fires.
    void arm(clock::duration timeout)
    {
        deadline_ = clock::now() + timeout;
        if (watching_ && deadline_ >= watchdog_.expiry()) return;
        watching_ = true;
        watchdog_.expires_at(deadline_);
        watchdog_.async_wait([weak = this->weak_from_this()](error_code ec) {
            if (auto self = weak.lock(); self && ec != asio::error::operation_aborted) self->on_watchdog();
        });
    }

    void on_watchdog()
    {
        watching_ = false;
        if (closed_) return;
        if (clock::now() >= deadline_) return shut(); // the peer stalled: drop the connection
        arm(deadline_ - clock::now());
    }

    void begin()
    {
        if (closed_) return;
        error_code ignored;
        socket().set_option(tcp::no_delay(true), ignored);
        if constexpr (is_tls) {
            arm(opts_.read_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server, bind(&http_session::on_handshake));
        } else {
            read_request();
        }
    }

    void on_handshake(error_code ec)
    {
        if (ec || closed_) return refuse_handshake();
        if constexpr (is_tls) state_->count_handshake(::SSL_session_reused(stream_.native_handle()) == 1);
        read_request();
    }

    /// After a failed handshake (e.g. no or an untrusted client certificate) OpenSSL has sent its alert;
    /// a FIN and a drain instead of an abrupt close, so that the unread rest of the client's flight does
    /// not turn into a reset that could overtake the alert.
    void refuse_handshake()
    {
        if (closed_) return;
        arm(linger());
        error_code ignored;
        socket().shutdown(tcp::socket::shutdown_send, ignored);
        drain();
    }

    void read_request()
    {
        parser_.emplace();
        parser_->body_limit(opts_.max_body_bytes);
        arm(opts_.read_timeout);
        http::async_read(stream_, buffer_, *parser_, bind(&http_session::on_read));
    }

    void on_read(error_code ec, std::size_t /*bytes*/)
    {
        if (ec == http::error::body_limit)
            return reject(message(413, "Request body larger than the server's limit", "body too large"));
        if (ec && is_malformed(ec))
            return reject(message(400, "Malformed HTTP request: " + ec.message(), "malformed request"));
        if (ec || closed_) return shut(); // end of stream, reset, watchdog, stop(): drop the connection
        arrived_ = std::chrono::system_clock::now();
        if (opts_.latency.count() > 0) {
            arm(opts_.latency + opts_.read_timeout);
            delay_.expires_after(opts_.latency);
            delay_.async_wait(bind(&http_session::on_delay));
            return;
        }
        respond();
    }

    void on_delay(error_code ec)
    {
        if (ec || closed_) return shut();
        respond();
    }

    /// Decides the faults, asks the service (unless the answer is an injected failure), then writes.
    void respond()
    {
        auto const& req = parser_->get();
        bool const keep_alive = req.keep_alive();
        auto const plan = state_->roll_faults();
        if (plan.fail)
            answer_ = answer{opts_.fail_status, std::string{injected_body}, "injected fault"};
        else
            answer_ = handle_safely(state_->service(), view_of(req));
        if (opts_.gzip) negotiate_gzip(answer_, req); // before the faults: a truncation cuts the gzip bytes
        truncate_ = plan.truncate && answer_.body_size() != 0;
        ++answers_;
        bool const limit_reached = opts_.close_after != 0 && answers_ >= opts_.close_after;
        head_options_.announce_close = !keep_alive;
        head_options_.http10 = req.version() < 11;
        close_after_write_ = !keep_alive || truncate_ || limit_reached;
        write_answer();
    }

    /// Answers an unreadable request and closes.
    void reject(answer a)
    {
        arrived_ = std::chrono::system_clock::now();
        answer_ = std::move(a);
        truncate_ = false;
        head_options_.announce_close = true;
        close_after_write_ = true;
        write_answer();
    }

    void write_answer()
    {
        state_->count_answer(answer_.route);
        if (auto* log = state_->access_log()) {
            auto const& req = parser_->get();
            log->record(arrived_, req.method_string(), req.target(), answer_.status);
        }
        write_head(head_, answer_, head_options_);
        arm(opts_.read_timeout);
        if (!answer_.parts.empty()) return write_parts();
        auto const body_bytes = truncate_ ? answer_.body.size() / 2 : answer_.body.size();
        std::array<asio::const_buffer, 2> const buffers{asio::buffer(head_),
                                                        asio::buffer(answer_.body.data(), body_bytes)};
        asio::async_write(stream_, buffers, bind(&http_session::on_write));
    }

    /// An answer in pieces (the download's zip): one gathered write of the head and every piece, cut at half
    /// the body when truncating. The pieces stay alive in answer_ until the write completes.
    void write_parts()
    {
        auto left = truncate_ ? answer_.body_size() / 2 : answer_.body_size();
        gathered_.clear();
        gathered_.reserve(answer_.parts.size() + 2);
        gathered_.push_back(asio::buffer(head_));
        auto add = [&](std::string const& piece) {
            auto const n = std::min<std::size_t>(left, piece.size());
            if (n != 0) gathered_.push_back(asio::buffer(piece.data(), n));
            left -= n;
        };
        add(answer_.body);
        for (auto const& part : answer_.parts)
            add(*part);
        asio::async_write(stream_, gathered_, bind(&http_session::on_write));
    }

    void on_write(error_code ec, std::size_t /*bytes*/)
    {
        if (ec || closed_) return shut();
        if (close_after_write_) return close_gracefully();
        read_request();
    }

    /// Ends the connection after an answer: TLS close_notify, or TCP FIN and reading (then dropping) what
    /// the peer still sends, so that a close with unread input does not reset the answer away.
    void close_gracefully()
    {
        arm(linger());
        if constexpr (is_tls) {
            stream_.async_shutdown(bind(&http_session::on_shutdown));
        } else {
            error_code ignored;
            socket().shutdown(tcp::socket::shutdown_send, ignored);
            drain();
        }
    }

    void on_shutdown(error_code /*ec: stream_truncated or a timeout are normal here*/) { shut(); }

    void drain() { socket().async_read_some(buffer_.prepare(buffer_reserve), bind(&http_session::on_drain)); }

    void on_drain(error_code ec, std::size_t bytes)
    {
        drained_ += bytes;
        if (ec || closed_ || drained_ > max_drain_bytes) return shut();
        drain();
    }

    /// Ends the session, on the strand: pending operations end with operation_aborted; no new one starts.
    void shut()
    {
        closed_ = true;
        watchdog_.cancel();
        delay_.cancel();
        error_code ignored;
        socket().close(ignored);
    }

    std::shared_ptr<server_state> state_;
    options const& opts_;
    Stream stream_;
    asio::steady_timer watchdog_; ///< fires at the latest deadline; closes the connection once it has passed
    asio::steady_timer delay_;    ///< options::latency
    clock::time_point deadline_{};
    beast::flat_buffer buffer_;
    std::optional<request_parser> parser_;
    std::chrono::system_clock::time_point arrived_{}; ///< when the request being answered was read
    answer answer_;
    std::string head_;
    std::vector<asio::const_buffer> gathered_; ///< write_parts()'s buffers, reused
    head_options head_options_;
    std::size_t answers_{0};
    std::size_t drained_{0};
    bool watching_{false};
    bool truncate_{false};
    bool close_after_write_{false};
    bool closed_{false};
};

} // namespace

void start_session(std::shared_ptr<server_state> const& state, tcp::socket socket)
{
    if (auto* tls = state->tls())
        std::make_shared<http_session<tls_stream>>(state, std::move(socket), *tls)->start();
    else
        std::make_shared<http_session<plain_stream>>(state, std::move(socket))->start();
}

} // namespace igtcloud::mock::detail
