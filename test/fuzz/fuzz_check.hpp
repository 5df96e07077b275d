#pragma once

// The fuzz targets' oracle: a failed check is a finding, reported with the line that made it, then abort()
// so libFuzzer keeps the input.

#include <cstdio>
#include <cstdlib>

namespace igtcloud::fuzz {

inline void check(bool condition, char const* file = __builtin_FILE(), unsigned line = __builtin_LINE())
{
    if (condition) return;
    std::fprintf(stderr, "check failed: %s:%u\n", file, line);
    std::abort();
}

} // namespace igtcloud::fuzz
