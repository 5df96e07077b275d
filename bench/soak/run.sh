#!/usr/bin/env bash
# The soak of issue 8: all ten operations, 256 in flight, against the embedded mock with faults on.
#   bash bench/soak/run.sh [--quick] [build-dir]      # 30 minutes; --quick: 2 minutes. Default build dir: build/soak
# Builds igtcloud_soak (Release) if needed, runs it, and writes bench/results/soak-latest.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=1800
build="$root/build/soak"
for arg in "$@"; do
    case "$arg" in
        --quick) seconds=120 ;;
        -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
        *) build="$arg" ;;
    esac
done
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGTCLOUD_BUILD_TESTS=OFF \
        -DIGTCLOUD_BUILD_EXAMPLES=OFF -DIGTCLOUD_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target igtcloud_soak -- -j1
mkdir -p "$root/bench/results"
ulimit -n 4096 2>/dev/null || true
exec "$build/bench/soak/igtcloud_soak" --seconds "$seconds" --json "$root/bench/results/soak-latest.json"
