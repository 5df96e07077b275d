#pragma once

// The shards of a provisioning input (DESIGN.md §9): N processes with --shard K/N, K = 0 .. N-1, each send
// the items whose loginId hashes to their K, and together cover the input exactly once. Used by
// provision_options::shard (provision.hpp).

#include <igtcloud/entities/config.hpp>

#include <cstdint>
#include <string_view>

namespace igtcloud::entities {

/// One of N parts of an input, for spreading a large file over N processes or machines (DESIGN.md §9): an
/// item belongs to the shard when fnv1a_64(its loginId) % count == index, so the N shards with index 0 .. N-1
/// cover any input exactly once. An item without a loginId (a bad row: the reader could not give a user, or a
/// user whose login_id is absent) has the loginId "" and so lands in shard fnv1a_64("") % count.
struct shard_spec {
    std::uint64_t index{};  ///< K, the shard this run takes: 0 .. count - 1
    std::uint64_t count{1}; ///< N, the number of shards: at least 1
};

/// The 64-bit FNV-1a hash of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3): the loginId's
/// UTF-8 bytes as given, no normalisation. fnv1a_64("") == 0xcbf29ce484222325, fnv1a_64("a") ==
/// 0xaf63dc4c8601ec8c.
IGTCLOUD_ENTITIES_DECL std::uint64_t fnv1a_64(std::string_view bytes) noexcept;

/// Whether `login_id` belongs to `shard`: fnv1a_64(login_id) % shard.count == shard.index. False for an
/// invalid spec (count 0, or index >= count).
IGTCLOUD_ENTITIES_DECL bool in_shard(std::string_view login_id, shard_spec shard) noexcept;

} // namespace igtcloud::entities
