// The mock's --gzip: Accept-Encoding negotiation and gzip compression of answers, with zlib.
#include "mock/compression.hpp"

#include <boost/beast/core/string.hpp>

#include <cstring>
#include <iterator>
#include <limits>
#include <optional>

#define ZLIB_CONST // next_in points to const bytes
#include <zlib.h>

namespace igtcloud::mock::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::string_view_literals;

/// nginx's default gzip_comp_level: the mock must stay fast; JSON lists still shrink about 10 times or more.
constexpr int compression_level = Z_BEST_SPEED;

std::string_view trimmed(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// The part of `s` before `separator` (all of it when absent); `s` keeps what follows the separator.
std::string_view next_token(std::string_view& s, char separator) noexcept
{
    auto const at = s.find(separator);
    auto const token = s.substr(0, at);
    s = at == std::string_view::npos ? std::string_view{} : s.substr(at + 1);
    return token;
}

/// Whether a qvalue (RFC 9110 §12.4.2: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]) is above 0; false when
/// malformed.
bool positive_qvalue(std::string_view q) noexcept
{
    if (q.empty() || (q[0] != '0' && q[0] != '1')) return false;
    if (q.size() > 1 && (q[1] != '.' || q.size() > 5)) return false;
    bool nonzero = q[0] == '1';
    for (auto c : q.size() > 2 ? q.substr(2) : std::string_view{}) {
        if (c < '0' || c > '9' || (q[0] == '1' && c != '0')) return false;
        nonzero = nonzero || c != '0';
    }
    return nonzero;
}

/// The weight of one Accept-Encoding element's parameters: whether it is above 0 (no `q`: 1).
bool positive_weight(std::string_view parameters) noexcept
{
    while (!parameters.empty()) {
        auto param = trimmed(next_token(parameters, ';'));
        auto const name = trimmed(next_token(param, '='));
        if (beast::iequals(name, "q")) return positive_qvalue(trimmed(param));
    }
    return true;
}

/// A gzip stream per thread, kept across answers (deflateInit2 allocates about 256 KiB).
class deflater {
public:
    deflater() noexcept
    {
        ready_ =
            ::deflateInit2(&z_, compression_level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~deflater()
    {
        if (ready_) ::deflateEnd(&z_);
    }
    deflater(deflater const&) = delete;
    deflater& operator=(deflater const&) = delete;

    /// `in` as one gzip member in `out`; false when zlib failed (it could not start).
    bool compress(std::string_view in, std::string& out)
    {
        if (!ready_ || ::deflateReset(&z_) != Z_OK) return false;
        out.assign(::deflateBound(&z_, static_cast<uLong>(in.size())), '\0');
        z_.next_in = reinterpret_cast<Bytef const*>(in.data());
        z_.avail_in = static_cast<uInt>(in.size());
        z_.next_out = reinterpret_cast<Bytef*>(out.data());
        z_.avail_out = static_cast<uInt>(out.size());
        // The bound holds the whole stream, so one call ends it.
        if (::deflate(&z_, Z_FINISH) != Z_STREAM_END) return false;
        out.resize(out.size() - z_.avail_out);
        return true;
    }

private:
    z_stream z_{};
    bool ready_{false};
};

} // namespace

bool accepts_gzip(std::string_view accept_encoding) noexcept
{
    std::optional<bool> gzip;
    std::optional<bool> any;
    while (!accept_encoding.empty()) {
        auto element = trimmed(next_token(accept_encoding, ','));
        auto const coding = trimmed(next_token(element, ';'));
        if (coding.empty()) continue;
        if (beast::iequals(coding, "gzip") || beast::iequals(coding, "x-gzip")) {
            if (!gzip) gzip = positive_weight(element);
        } else if (coding == "*") {
            if (!any) any = positive_weight(element);
        }
    }
    return gzip ? *gzip : any.value_or(false);
}

bool compressible(answer const& a) noexcept
{
    return a.parts.empty() && a.body.size() >= gzip_min_bytes &&
           a.body.size() <= std::numeric_limits<uInt>::max() / 2 && // deflateBound() fits avail_out
           std::strcmp(a.content_type, "application/json") == 0;
}

void gzip_body(answer& a)
{
    thread_local deflater gz;
    std::string out;
    if (!gz.compress(a.body, out)) return;
    a.body = std::move(out);
    a.content_encoding = "gzip";
}

void negotiate_gzip(answer& a, http::request<http::string_body> const& req)
{
    if (!compressible(a)) return;
    a.vary_accept_encoding = true;
    auto const [first, last] = req.equal_range(http::field::accept_encoding);
    if (first == last) return;
    bool accepted = false;
    if (std::next(first) == last) {
        accepted = accepts_gzip(first->value());
    } else { // several fields: one list (RFC 9110 §5.3)
        std::string joined;
        for (auto it = first; it != last; ++it)
            joined.append(it->value()).append(", ");
        accepted = accepts_gzip(joined);
    }
    if (accepted) gzip_body(a);
}

void append_coding_fields(std::string& head, answer const& a)
{
    if (a.content_encoding != nullptr) {
        head.append("Content-Encoding: "sv);
        head.append(a.content_encoding);
        head.append("\r\n"sv);
    }
    if (a.vary_accept_encoding) head.append("Vary: Accept-Encoding\r\n"sv);
}

} // namespace igtcloud::mock::detail
