#!/usr/bin/env bash
# Issue 17: peak RSS of `igtcloud-users sync FILE --plan --delete-absent --force` (ROUNDS times), then of one
# apply of the same (`sync FILE --delete-absent --force`, 64 in flight), for SIZES (default "10000 100000")
# users and rows, against igtcloud-mock-server --api 2023 --seed-users N (a process of its own). The file: every
# seeded user, 90 % as they are (unchanged), 5 % with a new istLevel (update), 5 % left out (delete), plus 5 %
# new users (create). Target: the peak RSS of the largest size within 10 % of the smallest's (memory flat in
# the number of users: the users and the index live in temporary files). Prints one JSON line per run
# (ROUNDS=N plan runs, default 3, the median kept; one apply) and writes bench/results/sync-latest.json.
# BUILD=DIR (default build/dev) holds built binaries; SKIP_BUILD=1 uses them as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
sizes=${SIZES:-"10000 100000"}
build=${BUILD:-build/dev}
work=$PWD/build/bench-work/sync
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake --build "$build" --target igtcloud-users igtcloud-mock-server
fi
rm -rf "$work" && mkdir -p "$work"
port=${PORT:-18197}
: >"$work/raw.jsonl"
for n in $sizes; do
  "$build/src/igtcloud-mock-server" --port $port --threads 1 --api 2023 --seed-users "$n" --seed 17 >"$work/mock.$n.log" 2>&1 &
  mock=$!
  trap 'kill $mock 2>/dev/null || true' EXIT
  for _ in $(seq 600); do grep -q listening "$work/mock.$n.log" && break; sleep 0.1; done
  python3 - "$n" "$work/users.$n.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("loginId,email,givenName,familyName,istLevel\n")
    for i in range(1, n + 1):
        login = f"user{i:05d}@example.org"
        if i % 20 == 0:
            continue                                    # absent: delete
        level = "3" if i % 20 == 1 else "2"             # 3: update
        f.write(f"{login},{login.upper()},,,{level}\n")
    for k in range(1, n // 20 + 1):
        f.write(f"new{k}@example.org,new{k}@example.org,New,User,1\n")  # create
PY
  for round in $(seq "$rounds"); do
    /usr/bin/time -f '%M %e %U %S' -o "$work/time.$n" \
      "$build/src/igtcloud-users" --url "http://127.0.0.1:$port/data" --jwt mock-token \
      sync "$work/users.$n.csv" --plan --delete-absent --force >"$work/plan.$n.jsonl" 2>"$work/err.$n.log"
    read -r rss elapsed user sys <"$work/time.$n"
    summary=$(tail -n 1 "$work/plan.$n.jsonl")
    echo "{\"mode\":\"plan\",\"users\":$n,\"round\":$round,\"peak_rss_kib\":$rss,\"seconds\":$elapsed,\"cpu_s\":$(python3 -c "print(round($user+$sys,2))"),\"summary\":$summary}" |
      tee -a "$work/raw.jsonl"
  done
  /usr/bin/time -f '%M %e %U %S' -o "$work/time.$n" \
    "$build/src/igtcloud-users" --url "http://127.0.0.1:$port/data" --jwt mock-token \
    sync "$work/users.$n.csv" --delete-absent --force --concurrency 64 >"$work/apply.$n.json" 2>"$work/apply-err.$n.log" || true
  read -r rss elapsed user sys <"$work/time.$n"
  echo "{\"mode\":\"apply\",\"users\":$n,\"round\":1,\"peak_rss_kib\":$rss,\"seconds\":$elapsed,\"cpu_s\":$(python3 -c "print(round($user+$sys,2))"),\"summary\":$(cat "$work/apply.$n.json")}" |
    tee -a "$work/raw.jsonl"
  kill $mock && wait $mock 2>/dev/null || true
done
mkdir -p bench/results
python3 - "$work/raw.jsonl" bench/results/sync-latest.json <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in runs:
    by.setdefault((r["mode"], r["users"]), []).append(r)
table = {k: {"mode": k[0], "users": k[1], "peak_rss_kib": statistics.median(r["peak_rss_kib"] for r in rs),
             "seconds": statistics.median(r["seconds"] for r in rs),
             "cpu_s": statistics.median(r["cpu_s"] for r in rs), "summary": rs[0]["summary"]} for k, rs in by.items()}
print(f"{'mode':6} {'users':>8} {'peak RSS MiB':>13} {'s':>7} {'cpu s':>7}  summary")
for k, t in sorted(table.items()):
    print(f"{t['mode']:6} {t['users']:8d} {t['peak_rss_kib']/1024:13.1f} {t['seconds']:7.2f} {t['cpu_s']:7.2f}  {json.dumps(t['summary'])}")
growth = {}
for mode in sorted({k[0] for k in table}):
    sizes = sorted(n for m, n in table if m == mode)
    growth[mode] = table[(mode, sizes[-1])]["peak_rss_kib"] / table[(mode, sizes[0])]["peak_rss_kib"] - 1
    print(f"{mode}: peak RSS growth {sizes[0]} -> {sizes[-1]}: {growth[mode]*100:+.1f} % (target: within 10 %)")
json.dump({"runs": runs, "median": list(table.values()), "rss_growth": growth}, open(sys.argv[2], "w"), indent=1)
PY
