#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs the tests three ways:
#   ci   - RelWithDebInfo, warnings as errors: every test; then the Doxygen reference (`docs`, no warning)
#   asan - Debug with AddressSanitizer + UndefinedBehaviorSanitizer: every test (skip: IGTCLOUD_SKIP_ASAN=1)
#   tsan - ThreadSanitizer: the integration suites that run operations concurrently, across threads and
#          under faults (skip: IGTCLOUD_SKIP_TSAN=1)
#   fuzz - clang 14 + libFuzzer with ASan + UBSan: every fuzz target for 20 s (skip: IGTCLOUD_SKIP_FUZZ=1)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
presets=(ci)
[ "${IGTCLOUD_SKIP_ASAN:-0}" = 1 ] || presets+=(asan)
for preset in "${presets[@]}"; do
  echo "== preset $preset"
  cmake --preset "$preset"
  cmake --build --preset "$preset"
  if [ "$preset" = ci ]; then
    echo "== docs (Doxygen: fails on an undocumented public entity)"
    cmake --build --preset ci --target docs
  fi
  ctest --preset "$preset"
done
if [ "${IGTCLOUD_SKIP_TSAN:-0}" != 1 ]; then
  echo "== preset tsan (concurrency suites)"
  cmake --preset tsan
  cmake --build --preset tsan --target igtcloud_concurrency_tests
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    build/tsan/test/igtcloud_concurrency_tests --report_level=short \
    --run_test=session_pool,session_pool_load,session_lifecycle,session_resilience,session_proxy,session_fail_count,session_renew_at,auth,provision
fi
if [ "${IGTCLOUD_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== preset fuzz (every target, 20 s each)"
  bash scripts/fuzz.sh 20
fi
