#!/usr/bin/env bash
# The README's test command: installs what is missing, then builds and runs every test twice:
#   ci   - RelWithDebInfo, warnings as errors
#   asan - Debug with AddressSanitizer + UndefinedBehaviorSanitizer (skip with IGTCLOUD_SKIP_ASAN=1)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
presets=(ci)
[ "${IGTCLOUD_SKIP_ASAN:-0}" = 1 ] || presets+=(asan)
for preset in "${presets[@]}"; do
  echo "== preset $preset"
  cmake --preset "$preset"
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
