// The public codec of the models, compiled once: one instantiation line per model.
#include <igtcloud/entities/models.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <exception>

#include "entities/json_decoder.hpp"

namespace igtcloud::entities::detail {

template <class T>
void codec<T>::to_json(boost::json::value& out, T const& v)
{
    write(out, v);
}

template <class T>
T codec<T>::from_json(boost::json::value const& v)
{
    auto r = read_document<T>(v);
    if (!r) throw api_exception(std::move(r.error()));
    return std::move(*r);
}

template <class T>
api_result<T> codec<T>::decode(std::string_view text) noexcept
try {
    return decode_document<T>(text);
} catch (std::exception const&) {
    return api_error{make_error_code(error::invalid_response), 0, "cannot decode: out of memory"};
}

template <class T>
std::string codec<T>::encode(T const& v)
{
    unsigned char buffer[4096];
    boost::json::monotonic_resource resource(buffer, sizeof buffer);
    boost::json::value out(&resource);
    write(out, v);
    return boost::json::serialize(out);
}

template struct codec<api_message>;
template struct codec<user_create>;
template struct codec<user_activation_create>;
template struct codec<coding>;
template struct codec<details>;
template struct codec<issue>;
template struct codec<user_activation>;
template struct codec<credentials>;
template struct codec<storage_config>;
template struct codec<storage>;
template struct codec<contact>;
template struct codec<organization_role>;
template struct codec<profile>;
template struct codec<user_settings>;
template struct codec<account_status>;
template struct codec<user_info>;
template struct codec<std::vector<user_info>>;
template struct codec<user_file>;
template struct codec<std::vector<user_file>>;

} // namespace igtcloud::entities::detail
