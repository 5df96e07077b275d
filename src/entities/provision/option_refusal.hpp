#pragma once

// The one check of a run's scale options (DESIGN.md §9), shared by the provisioning engine and sync: a rate
// that is not finite and > 0, or a shard whose index is not below its count, is refused before anything is
// read or sent (error::invalid_argument, status 0).

#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/provision_shard.hpp>

#include <optional>
#include <string_view>

namespace igtcloud::entities::detail {

/// Why `rate` and `shard` cannot run, if they cannot; `owner` names the options in the message
/// ("provision_options", "sync_options"): "<owner>::rate must be a finite number > 0 (got -1)",
/// "<owner>::shard: count must be at least 1", "<owner>::shard: index 3 is not below count 3".
std::optional<api_error> refusal(std::string_view owner, std::optional<double> rate,
                                 std::optional<shard_spec> const& shard);

} // namespace igtcloud::entities::detail
