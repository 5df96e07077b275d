#!/usr/bin/env bash
# The README's first command: installs what is missing, builds igtcloud-users, and provisions the 1,000 users
# of examples/data/users.csv into the embedded mock server (--mock): a progress bar on a terminal (plain
# lines otherwise), the summary as JSON on stdout and as a sentence on stderr, one report line per user.
#
# --mock starts the Users service inside the igtcloud-users process, so it lives exactly as long as that one
# command: a later `igtcloud-users --mock list` would show a fresh, empty service, not these users. What this
# demo shows of the provisioned users is therefore the run's own record, the report (loginId, outcome, HTTP
# status and the userUUID the service gave each user). To keep users across commands, run
# build/dev/src/igtcloud-mock-server and point --url at it (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target igtcloud-users

users=build/dev/src/igtcloud-users
report=build/demo-report.jsonl
echo
echo "\$ igtcloud-users --mock provision examples/data/users.csv --report $report"
"$users" --mock provision examples/data/users.csv --report "$report"

echo
echo "\$ head -n 5 $report      # one JSON line per user, in completion order"
head -n 5 "$report"
echo
echo "outcomes in the report: $(grep -c '"outcome":"created"' "$report" || true) created," \
     "$(grep -c '"outcome":"existing"' "$report" || true) existing," \
     "$(grep -c '"outcome":"failed"' "$report" || true) failed, of $(wc -l <"$report") lines"
echo
echo "# one more command; another process, so another (fresh) mock service"
echo "\$ igtcloud-users --mock create --login-id ada --email ada@example.org --name Ada --family-name Lovelace"
"$users" --mock create --login-id ada --email ada@example.org --name Ada --family-name Lovelace
