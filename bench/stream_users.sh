#!/usr/bin/env bash
# Issue 16: a 100,000-user list (USERS=N) through the streaming decode, side by side in one run (ROUNDS=N,
# default 3, rotating order):
#   ours-foreach     async_for_each_user: one user at a time, dropped
#   ours-get_users   async_get_users: decoded as it arrives into one vector
#   buffered-decode  the reference (async_get_users before issue 16): the whole body read into a string, then
#                    the library's whole-document decode into the vector
# against igtcloud-mock-server --seed-users N (a process of its own). Prints one JSON line per run and a median
# table (CPU per user, peak RSS); then, with CALLGRIND=1 (default), instructions per user under valgrind
# --tool=callgrind from two shorter lists (the machine is noisy: instructions repeat, CPU seconds do not). Writes
# bench/results/stream-users-latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
users=${USERS:-100000}
build=${BUILD:-build/bench-release}
work=$PWD/build/bench-work/stream-users
if [ "${SKIP_BUILD:-0}" != 1 ]; then # SKIP_BUILD=1 BUILD=build/ci: use binaries built already
  bash scripts/install-deps.sh
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGTCLOUD_BUILD_TESTS=OFF \
    -DIGTCLOUD_BUILD_EXAMPLES=OFF -DIGTCLOUD_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target bench_stream_users igtcloud-mock-server
fi
rm -rf "$work" && mkdir -p "$work"
port=${PORT:-18193}
"$build/src/igtcloud-mock-server" --port $port --threads 1 --seed-users "$users" --seed 16 >"$work/mock.log" 2>&1 &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q listening "$work/mock.log" && break; sleep 0.1; done
contenders=(foreach get_users buffered)
: >"$work/raw.jsonl"
for round in $(seq "$rounds"); do
  n=${#contenders[@]}
  for i in $(seq 0 $((n - 1))); do
    c=${contenders[$(((i + round) % n))]}
    "$build/bench/bench_stream_users" --port $port --mode "$c" | tee -a "$work/raw.jsonl"
  done
done
: >"$work/callgrind.jsonl"
if [ "${CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
  # Under callgrind the client reads ~50x slower than the mock's 10 s write timeout allows for the big list:
  # two smaller lists instead, (I(large) - I(small)) / (large - small) users (start-up cancels out).
  small=${CG_SMALL:-1000} large=${CG_LARGE:-4000}
  for size in $small $large; do
    p=$((port + (size == small ? 1 : 2)))
    "$build/src/igtcloud-mock-server" --port $p --threads 1 --seed-users "$size" --seed 16 >"$work/mock.$size.log" 2>&1 &
    echo $! >>"$work/mock.pids"
    for _ in $(seq 600); do grep -q listening "$work/mock.$size.log" && break; sleep 0.1; done
  done
  trap 'kill $mock $(cat "$work/mock.pids") 2>/dev/null || true' EXIT
  for c in "${contenders[@]}"; do
    for size in $small $large; do
      p=$((port + (size == small ? 1 : 2)))
      valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$c.$size" \
        "$build/bench/bench_stream_users" --port $p --mode "$c" >/dev/null 2>"$work/callgrind.$c.$size.log"
    done
    a=$(grep -m1 '^summary:' "$work/callgrind.$c.$small" | awk '{print $2}')
    b=$(grep -m1 '^summary:' "$work/callgrind.$c.$large" | awk '{print $2}')
    echo "{\"mode\":\"$c\",\"instructions_small\":$a,\"instructions_large\":$b,\"users\":$((large - small))}" |
      tee -a "$work/callgrind.jsonl"
  done
fi
mkdir -p bench/results
python3 - "$work/raw.jsonl" "$work/callgrind.jsonl" bench/results/stream-users-latest.json <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
grind = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
by = {}
for r in runs:
    by.setdefault(r["contender"], []).append(r)
table = {c: {k: statistics.median(r[k] for r in rs) for k in ("users", "seconds", "cpu_s", "cpu_us_per_user", "peak_rss_kib")}
         for c, rs in by.items()}
ref = table.get("buffered-decode", {})
print(f"{'contender':16} {'users':>7} {'s':>6} {'cpu us/user':>12} {'x buffered':>10} {'peak RSS MiB':>13}")
for c, t in table.items():
    ratio = t["cpu_us_per_user"] / ref["cpu_us_per_user"] if ref else float("nan")
    print(f"{c:16} {t['users']:7.0f} {t['seconds']:6.2f} {t['cpu_us_per_user']:12.2f} {ratio:10.3f} {t['peak_rss_kib']/1024:13.1f}")
if grind:
    for g in grind:
        g["per_user"] = (g["instructions_large"] - g["instructions_small"]) / g["users"]
    base = next((g["per_user"] for g in grind if g["mode"] == "buffered"), None)
    print(f"{'callgrind':16} {'instructions/user':>18} {'x buffered':>10}")
    for g in grind:
        print(f"{g['mode']:16} {g['per_user']:18.0f} {g['per_user'] / base if base else float('nan'):10.3f}")
json.dump({"runs": runs, "median": table, "callgrind": grind}, open(sys.argv[3], "w"), indent=1)
PY
