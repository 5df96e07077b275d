#pragma once

// Reproducible, lock-free randomness for the mock: the n-th draw of a stream is splitmix64(seed, n), so a
// fixed --seed gives the same ids and the same fault dice to one sequential client, on any thread.

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>

namespace igtcloud::mock::detail {

/// splitmix64 of (seed + n * golden gamma): a well-mixed 64-bit value for the n-th draw.
constexpr std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t n) noexcept
{
    std::uint64_t z = seed + (n + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A thread-safe stream of draws.
class random_stream {
public:
    explicit random_stream(std::optional<std::uint64_t> seed)
        : seed_(seed ? *seed : std::random_device{}() * 0x100000001ull ^ std::random_device{}())
    {}
    std::uint64_t next() noexcept { return splitmix64(seed_, n_.fetch_add(1, std::memory_order_relaxed)); }
    /// A draw in [0, 1).
    double next_unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t seed_;
    std::atomic<std::uint64_t> n_{0};
};

} // namespace igtcloud::mock::detail
