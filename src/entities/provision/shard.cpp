// Shards of a provisioning input (provision_shard.hpp): FNV-1a 64-bit of the loginId, modulo the shard count.
#include <igtcloud/entities/provision_shard.hpp>

namespace igtcloud::entities {

std::uint64_t fnv1a_64(std::string_view bytes) noexcept
{
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (char const c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

bool in_shard(std::string_view login_id, shard_spec shard) noexcept
{
    return shard.count != 0 && shard.index < shard.count && fnv1a_64(login_id) % shard.count == shard.index;
}

} // namespace igtcloud::entities
