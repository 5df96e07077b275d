#!/usr/bin/env bash
# Issue 15: a 300 MiB download's peak memory, side by side in one run (ROUNDS=N, default 3, rotating order):
#   ours-file       async_download_user_files(download_sink::file) into build/bench-work/download.zip
#   ours-callable   a callable sink hashing and dropping the bytes
#   beast-buffered  the reference: a plain Beast read of the whole body into memory
#   curl            curl -o FILE (its peak RSS from getrusage of the child)
# against igtcloud-mock-server --api 2023 --files-per-user 3 --file-bytes 104857600 (a process of its own:
# it holds the files in memory). Prints one JSON line per run and a median table; writes
# bench/results/download-latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
build=${BUILD:-build/bench-release}
work=$PWD/build/bench-work/download
bash scripts/install-deps.sh
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then # SKIP_BUILD=1 BUILD=build/ci: use binaries built already
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGTCLOUD_BUILD_TESTS=OFF \
    -DIGTCLOUD_BUILD_EXAMPLES=OFF -DIGTCLOUD_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target bench_download igtcloud-mock-server
fi
rm -rf "$work" && mkdir -p "$work"
port=18191
"$build/src/igtcloud-mock-server" --port $port --threads 1 --api 2023 --files-per-user 3 \
  --file-bytes 104857600 >"$work/mock.log" 2>&1 &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$work/mock.log" && break; sleep 0.1; done
contenders=(ours-file ours-callable beast-buffered curl)
: >"$work/raw.jsonl"
for round in $(seq "$rounds"); do
  n=${#contenders[@]}
  for i in $(seq 0 $((n - 1))); do
    c=${contenders[$(((i + round) % n))]}
    rm -f "$work/download.zip"
    case $c in
      ours-file) "$build/bench/bench_download" --port $port --mode file --out "$work/download.zip" ;;
      ours-callable) "$build/bench/bench_download" --port $port --mode callable ;;
      beast-buffered) "$build/bench/bench_download" --port $port --mode buffered ;;
      curl) python3 - "$port" "$work/download.zip" <<'PY'
import json, resource, subprocess, sys, time
port, out = sys.argv[1], sys.argv[2]
t = time.monotonic()
subprocess.run(["curl", "-sf", "-H", "X-JWT: mock-token", "-o", out,
                f"http://127.0.0.1:{port}/data/users/download-files"], check=True)
s = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
import os
b = os.path.getsize(out)
print(json.dumps({"contender": "curl", "bytes": b, "seconds": round(s, 3), "mib_per_s": round(b / 1048576 / s, 1),
                  "cpu_s": round(u.ru_utime + u.ru_stime, 3), "peak_rss_kib": u.ru_maxrss}))
PY
      ;;
    esac | tee -a "$work/raw.jsonl"
  done
done
mkdir -p bench/results
python3 - "$work/raw.jsonl" bench/results/download-latest.json <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in runs:
    by.setdefault(r["contender"], []).append(r)
table = {}
for c, rs in by.items():
    table[c] = {k: statistics.median(r[k] for r in rs) for k in ("bytes", "seconds", "mib_per_s", "cpu_s", "peak_rss_kib")}
ref = table.get("beast-buffered", {}).get("peak_rss_kib")
print(f"{'contender':16} {'MiB':>8} {'s':>7} {'MiB/s':>8} {'cpu s':>7} {'peak RSS MiB':>13} {'x buffered':>11}")
for c, t in table.items():
    ratio = t["peak_rss_kib"] / ref if ref else float("nan")
    print(f"{c:16} {t['bytes']/1048576:8.1f} {t['seconds']:7.2f} {t['mib_per_s']:8.1f} {t['cpu_s']:7.2f} "
          f"{t['peak_rss_kib']/1024:13.1f} {ratio:11.3f}")
json.dump({"runs": runs, "median": table}, open(sys.argv[2], "w"), indent=1)
PY
