#pragma once

// The on-disk hash index of a sync (internal): loginId hash -> record offset and the line that matched it.
//
//   slots of 24 bytes {fnv1a-64 of the loginId, record offset + 1 (0: empty), line (0: not matched)} in a
//   temp_file, open addressing with linear probing, a power-of-two capacity kept at least twice the size
//   (doubled by rehashing into a new file). Read and written slot by slot with pread/pwrite: memory O(1)
//   for any number of users. Hashes collide; the caller verifies the key from the record (find's is_key).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "entities/sync/spill_file.hpp"

namespace igtcloud::entities::detail {

/// FNV-1a, 64 bits, of `text`'s bytes.
std::uint64_t fnv1a64(std::string_view text) noexcept;

class login_index {
public:
    struct slot {
        std::uint64_t hash{};
        std::uint64_t record{}; ///< the record's offset + 1; 0: an empty slot
        std::uint64_t line{};   ///< the source line that matched the key; 0: none yet
    };

    /// An empty index with `initial_slots` (rounded up to a power of two, at least 2) in a file under `dir`.
    explicit login_index(std::string dir, std::uint64_t initial_slots = 1024);

    /// The number of the slot with `hash` whose record offset `is_key(offset)` accepts, or nullopt.
    template <class IsKey>
    std::optional<std::uint64_t> find(std::uint64_t hash, IsKey&& is_key) const
    {
        for (auto n = hash & (capacity_ - 1);; n = (n + 1) & (capacity_ - 1)) {
            auto const s = at(n);
            if (s.record == 0) return std::nullopt;
            if (s.hash == hash && is_key(s.record - 1)) return n;
        }
    }
    /// Adds a key (not looked for: find() first). Grows the file when it is half full.
    void insert(std::uint64_t hash, std::uint64_t record_offset, std::uint64_t line);
    slot at(std::uint64_t n) const;
    void set_line(std::uint64_t n, std::uint64_t line);

    std::uint64_t size() const noexcept { return size_; }
    std::uint64_t capacity() const noexcept { return capacity_; }

    /// Calls `f(slot const&)` for every occupied slot, in slot order (read in 64 KiB chunks).
    template <class F>
    void for_each(F&& f) const
    {
        slot chunk[chunk_slots];
        for (std::uint64_t first = 0; first < capacity_; first += chunk_slots) {
            auto const count = std::min<std::uint64_t>(chunk_slots, capacity_ - first);
            file_.read_at(first * sizeof(slot), chunk, static_cast<std::size_t>(count) * sizeof(slot));
            for (std::uint64_t i = 0; i < count; ++i)
                if (chunk[i].record != 0) f(chunk[i]);
        }
    }

private:
    static constexpr std::uint64_t chunk_slots = 64 * 1024 / sizeof(slot);
    void place(slot const& s); ///< into the first empty slot of its probe sequence
    void grow();

    std::string dir_;
    temp_file file_;
    std::uint64_t capacity_{};
    std::uint64_t size_{};
};

} // namespace igtcloud::entities::detail
