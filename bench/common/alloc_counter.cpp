// Counts every heap allocation of a benchmark client: malloc and its siblings are interposed here and
// forwarded to glibc's own, so C++ operator new (which calls malloc), libcurl and OpenSSL are all counted.
// Relaxed atomic increment: one instruction per allocation.
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace igtcloud::bench {
namespace {
std::atomic<std::uint64_t> count{0};
void counted() noexcept
{
    count.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

std::uint64_t allocations() noexcept
{
    return count.load(std::memory_order_relaxed);
}
} // namespace igtcloud::bench

extern "C" {
void* malloc(std::size_t size)
{
    igtcloud::bench::counted();
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size)
{
    igtcloud::bench::counted();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size)
{
    if (p == nullptr) igtcloud::bench::counted(); // a resize is not a new allocation
    return __libc_realloc(p, size);
}
void* memalign(std::size_t alignment, std::size_t size)
{
    igtcloud::bench::counted();
    return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size)
{
    igtcloud::bench::counted();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size)
{
    igtcloud::bench::counted();
    void* p = __libc_memalign(alignment, size);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
void free(void* p)
{
    __libc_free(p);
}
}
