// igtcloud-users: the values of --rate and --shard (see scale_flags.hpp).
#include "cli/scale_flags.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "cli/output.hpp"

namespace igtcloud::cli {
namespace {

/// A whole decimal number of digits only, or nullopt.
std::optional<std::uint64_t> number(std::string_view text)
{
    std::uint64_t value = 0;
    if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace

entities::shard_spec parse_shard(std::string_view text)
{
    auto const slash = text.find('/');
    auto const index = number(text.substr(0, slash));
    auto const count = slash == std::string_view::npos ? std::nullopt : number(text.substr(slash + 1));
    if (!index || !count || *index >= *count)
        throw usage_error{"--shard: expected K/N with 0 <= K < N (e.g. 0/4), got '" + std::string(text) +
                          "'"};
    return entities::shard_spec{*index, *count};
}

double checked_rate(double rate)
{
    if (std::isfinite(rate) && rate > 0) return rate;
    char value[64];
    std::snprintf(value, sizeof value, "%g", rate);
    throw usage_error{std::string("--rate: expected a number of requests per second > 0, got ") + value};
}

} // namespace igtcloud::cli
