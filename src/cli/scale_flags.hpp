#pragma once

// igtcloud-users provision and sync: the flags of a run at scale (DESIGN.md §9), as values the library takes.
//
//   --rate R        -> checked_rate(R)     -> provision_options::rate        (finite, > 0)
//   --shard K/N     -> parse_shard("K/N")  -> provision_options::shard       (0 <= K < N)
//   --resume REPORT -> resume_report.hpp   -> provision_options::skip        (the report's done loginIds)
// A bad value throws usage_error (exit 2, before anything is sent).

#include <igtcloud/entities/provision.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::cli {

/// The three flags, as given (parsed and checked).
struct scale_arguments {
    std::optional<double> rate{};                ///< --rate R: requests per second for the whole run
    std::optional<entities::shard_spec> shard{}; ///< --shard K/N
    std::optional<std::string> resume{};         ///< --resume REPORT: a --report file of an earlier run
};

/// "K/N" (decimal, no signs or spaces) as a shard; throws usage_error "--shard: expected K/N with 0 <= K < N
/// (e.g. 0/4), got '...'" for anything else (0/0, 3/3, 1/, -1/2, a/b, 1/2/3, out of range).
entities::shard_spec parse_shard(std::string_view text);

/// `rate` when it is finite and > 0; else throws usage_error "--rate: expected a number of requests per
/// second > 0, got ...".
double checked_rate(double rate);

} // namespace igtcloud::cli
