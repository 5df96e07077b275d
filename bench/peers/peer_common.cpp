#include "peer_common.hpp"

namespace igtcloud::bench::peers {

std::string host_header(bench_args const& args)
{
    if (args.port == 80) return args.host;
    return args.host + ":" + std::to_string(args.port);
}

unsigned expected_status(bench_args const& args) noexcept
{
    return args.method == "POST" ? 201 : 200;
}

bool expects_array(bench_args const& args) noexcept
{
    if (args.method != "GET") return false;
    auto const path = std::string_view(args.target).substr(0, args.target.find('?'));
    return path.ends_with("/users");
}

bool decoded_ok(boost::json::value const& doc, bool array_ok) noexcept
{
    if (auto const* object = doc.if_object()) return object->contains("loginId");
    return array_ok && doc.is_array();
}

} // namespace igtcloud::bench::peers
