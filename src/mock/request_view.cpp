// A parsed Beast request viewed as the mock service's request_view, in one pass over its fields.
#include "mock/request_view.hpp"

#include <boost/beast/core/string.hpp>

namespace igtcloud::mock::detail {

namespace beast = boost::beast;
namespace http = beast::http;

request_view view_of(http::request<http::string_body> const& req) noexcept
{
    request_view v;
    v.method = req.method_string();
    v.target = req.target();
    v.body = req.body();
    for (auto const& f : req) {
        if (f.name() == http::field::content_type) {
            if (v.content_type.empty()) v.content_type = f.value();
            continue;
        }
        if (f.name() != http::field::unknown) continue;
        auto const name = f.name_string();
        if (beast::iequals(name, "X-JWT")) {
            if (v.jwt.empty()) v.jwt = f.value();
        } else if (beast::iequals(name, "X-CSRF-TOKEN")) {
            if (v.csrf_token.empty()) v.csrf_token = f.value();
        } else if (beast::iequals(name, "X-Fields") && !v.has_fields) {
            v.fields = f.value();
            v.has_fields = true;
        }
    }
    return v;
}

} // namespace igtcloud::mock::detail
