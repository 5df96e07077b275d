// Header values checked before they reach the wire.
#include "entities/header_check.hpp"

#include <cstddef>
#include <string>
#include <utility>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {

api_result<void> check_header_value(std::string_view name, std::string_view value)
{
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto const c = static_cast<unsigned char>(value[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            std::string message = "header ";
            message += name;
            message += ": value contains a control character at offset ";
            message += std::to_string(i);
            return invalid(std::move(message));
        }
    }
    return {};
}

} // namespace igtcloud::entities::detail
