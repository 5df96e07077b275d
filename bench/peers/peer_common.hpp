#pragma once

// What the three peer clients share: the header values our client sends, and when an answer counts as ok.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "measure.hpp"

namespace igtcloud::bench::peers {

/// The User-Agent of our client (entities::session_options::user_agent's default).
inline constexpr std::string_view user_agent = "igtcloud-cpp/0.1";

/// The Host header our client sends: host, with ":port" unless the port is 80.
std::string host_header(bench_args const& args);

/// The status of a successful answer: 201 for POST /users, 200 for a GET.
unsigned expected_status(bench_args const& args) noexcept;

/// Whether a successful answer is a JSON array (GET /data/users) rather than one user.
bool expects_array(bench_args const& args) noexcept;

/// A decoded answer is ok when it is an object having "loginId", or an array when `array_ok`.
bool decoded_ok(boost::json::value const& doc, bool array_ok) noexcept;

} // namespace igtcloud::bench::peers
