// The mock's access log (see access_log.hpp).
#include "mock/access_log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>

namespace igtcloud::mock::detail {

access_log::access_log(std::string const& path) : file_(std::fopen(path.c_str(), "a"))
{
    if (file_ == nullptr)
        throw boost::system::system_error(boost::system::error_code(errno, boost::system::generic_category()),
                                          "igtcloud::mock: cannot open the access log " + path);
}

access_log::~access_log()
{
    std::fclose(file_);
}

void access_log::record(std::chrono::system_clock::time_point arrived, std::string_view method,
                        std::string_view target, unsigned status) noexcept
{
    try {
        auto const micros =
            std::chrono::duration_cast<std::chrono::microseconds>(arrived.time_since_epoch()).count();
        char time[48];
        std::snprintf(time, sizeof time, "%lld.%06lld", static_cast<long long>(micros / 1'000'000),
                      static_cast<long long>(micros % 1'000'000));
        auto const line = std::string(R"({"time":)") + time + R"(,"method":)" +
                          boost::json::serialize(boost::json::string(method)) + R"(,"target":)" +
                          boost::json::serialize(boost::json::string(target)) + R"(,"status":)" +
                          std::to_string(status) + "}\n";
        std::lock_guard lock{mutex_};
        std::fwrite(line.data(), 1, line.size(), file_);
        std::fflush(file_);
    } catch (...) { // out of memory: the line is lost
    }
}

} // namespace igtcloud::mock::detail
