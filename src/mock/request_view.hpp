#pragma once

// The network layer's parsed request as the service sees it (request_view): one pass over the fields. Shared
// by the mock's connections and the mock_service fuzz target.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mock/service.hpp"

namespace igtcloud::mock::detail {

/// Views into `req` (which must outlive them): the first Content-Type, X-JWT, X-CSRF-TOKEN and X-Fields.
request_view view_of(boost::beast::http::request<boost::beast::http::string_body> const& req) noexcept;

} // namespace igtcloud::mock::detail
