#pragma once

// The soak's bookkeeping: what each lane expects of the users it owns, per-operation counters, a latency
// histogram, and the process samples (RSS, open file descriptors). No I/O but /proc.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::soak {

/// The ten operations, in the order of DESIGN.md §2.
enum class op : std::uint8_t {
    get_me,
    get_user,
    get_users,
    get_user_storage,
    post_users,
    put_user,
    delete_user,
    post_resend_activation,
    post_reset_mfa,
    post_user_profile,
};
inline constexpr std::size_t op_count = 10;
inline constexpr std::array<std::string_view, op_count> op_names{
    "get_me",         "get_user",         "get_users",   "get_user_storage",
    "post_users",     "put_user",         "delete_user", "post_resend_activation",
    "post_reset_mfa", "post_user_profile"};

/// What a lane knows of one of its users.
struct owned_user {
    enum class presence : std::uint8_t { absent, present, unknown };
    std::string login_id{};
    presence state{presence::absent};
    std::string user_uuid{};            ///< when present (or unknown after a failed delete)
    std::optional<std::string> email{}; ///< when present; none: unknown (a failed PUT)
    unsigned version{};                 ///< bumps the email on each PUT
};

/// Latencies in power-of-two microsecond buckets (bucket i: [2^i, 2^(i+1)) us).
struct histogram {
    std::array<std::uint64_t, 40> buckets{};
    std::uint64_t count{};
    void add(std::chrono::microseconds d) noexcept;
    /// The upper bound of the bucket holding the q-quantile, in microseconds.
    std::uint64_t quantile_us(double q) const noexcept;
};

/// How one operation kind fared.
struct op_counters {
    std::uint64_t started{}, ended{}, ok{}, http_4xx{}, http_5xx{}, transport{}, protocol{}, other{};
    histogram latency{};
    std::map<std::string, std::uint64_t> errors{}; ///< "category:value message" -> count
};

/// One second's sample of the process.
struct sample {
    double at_s{};             ///< seconds since the start
    std::uint64_t rss_kib{};   ///< resident set size
    std::uint64_t open_fds{};  ///< entries of /proc/self/fd
    std::uint64_t ended_ops{}; ///< operations ended so far
};

/// RSS (KiB) and open descriptors of this process, from /proc.
sample sample_process();

/// Whether RSS and descriptors stayed flat after warm-up. `*_growth`: the last sample against the one at 20 %
/// of the run (the test); `*_window_growth`: the median of the last 10 % of the samples against the
/// median of those from 15 % to 25 %, which smooths the churn of connections closed after 3 answers.
struct flatness {
    std::uint64_t rss_kib_at_20pct{}, rss_kib_last{}, fds_at_20pct{}, fds_last{}, fds_max{};
    double rss_growth{}, fds_growth{}, rss_window_growth{}, fds_window_growth{};
    /// RSS: last within 5 % of the 20 % sample; descriptors: windowed medians within 5 %.
    bool flat{};
};
flatness assess(std::vector<sample> const& samples);

/// Prints one line per operation: counts and latency quantiles.
void print_table(std::array<op_counters, op_count> const& counters);

} // namespace igtcloud::soak
