// Counts every heap allocation of a benchmark client: malloc and its siblings are interposed here and
// forwarded to glibc's own, so C++ operator new (which calls malloc), libcurl and OpenSSL are all counted.
// Relaxed atomic increment: one instruction per allocation.
//
// IGTCLOUD_ALLOC_TRACE=FILE names the sites: while the measured window is open (trace_allocations(true) ..
// (false), which recorder::start/stop call), each allocation's call stack (12 frames, glibc's backtrace()) is
// counted in a fixed table (no allocation inside malloc); at the window's end FILE gets one block per
// distinct stack, `count` then `module offset` per frame, for bench/alloc_sites.sh to resolve with addr2line.
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <dlfcn.h>
#include <execinfo.h>

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

constexpr int trace_depth = 12;
constexpr std::size_t trace_slots = 4096;
struct stack_slot {
    void* frames[trace_depth];
    int depth;
    std::uint64_t hits;
};
stack_slot slots[trace_slots];
std::atomic<bool> tracing{false};
thread_local bool inside_trace = false;

void trace_stack() noexcept
{
    inside_trace = true; // backtrace() may allocate on its first call (it loads the unwinder)
    void* frames[trace_depth + 2];
    int const depth = backtrace(frames, trace_depth + 2) - 2; // without trace_stack and counted
    if (depth > 0) {
        std::uint64_t h = 1469598103934665603ull;
        for (int i = 0; i < depth; ++i)
            h = (h ^ reinterpret_cast<std::uintptr_t>(frames[i + 2])) * 1099511628211ull;
        for (std::size_t probe = 0; probe < trace_slots; ++probe) {
            auto& slot = slots[(h + probe) % trace_slots];
            if (slot.hits == 0) {
                std::memcpy(slot.frames, frames + 2, sizeof(void*) * depth);
                slot.depth = depth;
            } else if (slot.depth != depth ||
                       std::memcmp(slot.frames, frames + 2, sizeof(void*) * depth) != 0)
                continue;
            ++slot.hits;
            break;
        }
    }
    inside_trace = false;
}

void counted() noexcept
{
    count.fetch_add(1, std::memory_order_relaxed);
    if (tracing.load(std::memory_order_relaxed) && !inside_trace) trace_stack();
}

void write_traces(char const* path)
{
    std::FILE* out = std::fopen(path, "w");
    if (out == nullptr) return;
    for (auto const& slot : slots) {
        if (slot.hits == 0) continue;
        std::fprintf(out, "stack %llu\n", static_cast<unsigned long long>(slot.hits));
        for (int i = 0; i < slot.depth; ++i) {
            Dl_info info{};
            if (dladdr(slot.frames[i], &info) != 0 && info.dli_fname != nullptr)
                std::fprintf(out, "  %s %#lx\n", info.dli_fname,
                             static_cast<unsigned long>(static_cast<char*>(slot.frames[i]) -
                                                        static_cast<char*>(info.dli_fbase) - 1));
        }
    }
    std::fclose(out);
}
} // namespace

void trace_allocations(bool on)
{
    static char const* const path = std::getenv("IGTCLOUD_ALLOC_TRACE");
    if (path == nullptr) return;
    if (on) {
        void* warm[2];
        backtrace(warm, 2); // load the unwinder now, outside the window
        tracing.store(true, std::memory_order_relaxed);
    } else {
        tracing.store(false, std::memory_order_relaxed);
        write_traces(path);
    }
}

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
