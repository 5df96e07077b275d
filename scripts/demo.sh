#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the main job.
# Until batch provisioning exists (issue 6) the main job is examples/parse_user.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target parse_user
./build/dev/examples/parse_user
