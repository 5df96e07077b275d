// The on-disk hash index of a sync: see login_index.hpp.
#include "entities/sync/login_index.hpp"

#include <bit>
#include <cstddef>
#include <utility>

namespace igtcloud::entities::detail {

std::uint64_t fnv1a64(std::string_view text) noexcept
{
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

login_index::login_index(std::string dir, std::uint64_t initial_slots)
    : dir_(std::move(dir))
    , file_(dir_)
    , capacity_(std::bit_ceil(std::max<std::uint64_t>(initial_slots, 2)))
{
    file_.resize(capacity_ * sizeof(slot));
}

login_index::slot login_index::at(std::uint64_t n) const
{
    slot s;
    file_.read_at(n * sizeof(slot), &s, sizeof s);
    return s;
}

void login_index::set_line(std::uint64_t n, std::uint64_t line)
{
    file_.write_at(n * sizeof(slot) + offsetof(slot, line), &line, sizeof line);
}

void login_index::place(slot const& s)
{
    auto n = s.hash & (capacity_ - 1);
    while (at(n).record != 0)
        n = (n + 1) & (capacity_ - 1);
    file_.write_at(n * sizeof(slot), &s, sizeof s);
}

void login_index::insert(std::uint64_t hash, std::uint64_t record_offset, std::uint64_t line)
{
    if ((size_ + 1) * 2 > capacity_) grow();
    place(slot{hash, record_offset + 1, line});
    ++size_;
}

void login_index::grow()
{
    temp_file old = std::exchange(file_, temp_file(dir_));
    auto const old_capacity = std::exchange(capacity_, capacity_ * 2);
    file_.resize(capacity_ * sizeof(slot));
    slot chunk[chunk_slots];
    for (std::uint64_t first = 0; first < old_capacity; first += chunk_slots) {
        auto const count = std::min<std::uint64_t>(chunk_slots, old_capacity - first);
        old.read_at(first * sizeof(slot), chunk, static_cast<std::size_t>(count) * sizeof(slot));
        for (std::uint64_t i = 0; i < count; ++i)
            if (chunk[i].record != 0) place(chunk[i]);
    }
}

} // namespace igtcloud::entities::detail
