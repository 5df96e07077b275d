#pragma once

// The mock's access log (options::access_log, igtcloud-mock-server --access-log PATH): one JSON line per
// answer, for tests that check what arrived when (e.g. a client's request rate):
//   {"time":1765157000.123456,"method":"POST","target":"/data/users","status":201}
// `time`: the request's arrival (read completely), Unix seconds with microseconds; `target` as the request
// line gave it. No header, body or token is logged. Lines are written whole (under a lock) and flushed.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace igtcloud::mock::detail {

class access_log {
public:
    /// Opens `path` for appending; throws boost::system::system_error naming it when it cannot.
    explicit access_log(std::string const& path);
    ~access_log();
    access_log(access_log const&) = delete;
    access_log& operator=(access_log const&) = delete;

    /// Writes one line. Thread-safe; a failed write is ignored (the log is a test aid).
    void record(std::chrono::system_clock::time_point arrived, std::string_view method,
                std::string_view target, unsigned status) noexcept;

private:
    std::mutex mutex_;
    std::FILE* file_;
};

} // namespace igtcloud::mock::detail
