#!/usr/bin/env bash
# Mock server throughput against nginx serving the same bytes, side by side in one run.
#
#   bash bench/mock_vs_nginx.sh [build-dir] [seconds-per-run] [rounds]
#
# wrk (GET /data/users/{uuid}, same connections and threads for both) against:
#   - igtcloud-mock-server --threads 2, answering from its store (auth, routing, JSON per request);
#   - nginx-light (2 workers, its own config on 127.0.0.1) serving the very bytes the mock answers, from a file.
# Rounds alternate nginx/mock so drift on this shared machine hits both; the medians and their ratio are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release-bench}
seconds=${2:-10}
rounds=${3:-3}
connections=${CONNECTIONS:-64}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [ ! -x "$build/src/igtcloud-mock-server" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGTCLOUD_BUILD_TESTS=OFF \
    -DIGTCLOUD_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" --target igtcloud-mock-server >/dev/null
fi

work=$(mktemp -d)
cleanup() {
  [ -n "${mock_pid:-}" ] && kill "$mock_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$build/src/igtcloud-mock-server" --port 0 --threads 2 --seed-users 100 --seed 1 >"$work/mock.out" &
mock_pid=$!
for _ in $(seq 50); do grep -q '^listening on' "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
mock_port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/mock.out" | head -1)
uuid=$(curl -sf -H 'X-JWT: mock-token' "http://127.0.0.1:$mock_port/data/users" |
       grep -o '"userUUID":"[^"]*"' | sed -n '50s/.*:"\(.*\)"/\1/p')
mkdir -p "$work/root/data/users"
curl -sf -H 'X-JWT: mock-token' "http://127.0.0.1:$mock_port/data/users/$uuid" -o "$work/root/data/users/$uuid"
bytes=$(stat -c %s "$work/root/data/users/$uuid")
chmod -R a+rX "$work" # nginx workers run as www-data

nginx_port=$((mock_port + 1))
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/root;
    location /data/users/ { default_type application/json; }
  }
}
CONF
"$nginx_bin" -c "$work/nginx.conf" -p "$work"
sleep 0.3
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/data/users/$uuid" -o "$work/check" && break; sleep 0.1; done
cmp "$work/check" "$work/root/data/users/$uuid" || { cat "$work/nginx.err" >&2; exit 1; }

run() { # port -> requests/s
  wrk -t 1 -c "$connections" -d "${seconds}s" -H 'X-JWT: mock-token' "http://127.0.0.1:$1/data/users/$uuid" |
    awk '/Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: >"$work/nginx.rps"; : >"$work/mock.rps"
for r in $(seq "$rounds"); do
  run "$nginx_port" >>"$work/nginx.rps"
  run "$mock_port" >>"$work/mock.rps"
  echo "round $r: nginx $(tail -1 "$work/nginx.rps") req/s, mock $(tail -1 "$work/mock.rps") req/s" >&2
done
nginx_rps=$(median <"$work/nginx.rps")
mock_rps=$(median <"$work/mock.rps")
ratio=$(awk -v m="$mock_rps" -v n="$nginx_rps" 'BEGIN {printf "%.2f", m / n}')
echo "GET /data/users/{uuid} ($bytes-byte body), wrk -t1 -c$connections, ${seconds}s x $rounds rounds, medians:"
echo "  nginx  $nginx_rps req/s"
echo "  mock   $mock_rps req/s"
echo "  ratio  mock/nginx = $ratio (target >= 0.70)"
