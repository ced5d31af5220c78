#!/usr/bin/env bash
# Runs LibreSpeed's own, unchanged web client (speedtest.js + speedtest_worker.js from a checkout of
# github.com/librespeed/speedtest) in headless Chromium against `waddleperf testserver`, then our speedtest probe
# against the same server, and prints what each reported plus what the server logged. docs/ACCURACY.md
# ("LibreSpeed's web client against this server") has the figures of a run and what they mean.
#
#   git clone https://github.com/librespeed/speedtest /tmp/librespeed   # anywhere outside this repository
#   scripts/librespeed-check/run.sh /tmp/librespeed [work dir]
#
# Needs: node + npm (playwright-core is installed into the work dir), Chromium (CHROMIUM=/usr/bin/chromium by
# default), python3 (static file server, free ports), JDK 25 for ./waddleperf. Everything runs on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
librespeed="${1:?usage: run.sh <librespeed checkout> [work dir]}"
work="${2:-$(mktemp -d "${TMPDIR:-/tmp}/librespeed-check.XXXXXX")}"
for f in speedtest.js speedtest_worker.js; do
  [ -f "$librespeed/$f" ] || { echo "no $f in $librespeed" >&2; exit 2; }
done

mkdir -p "$work/site" "$work/data"
cp "$librespeed/speedtest.js" "$librespeed/speedtest_worker.js" "$here/driver.html" "$work/site/"
cp "$here/drive.mjs" "$work/"
if [ ! -d "$work/node_modules/playwright-core" ]; then
  (cd "$work" && npm install --no-save --silent playwright-core >/dev/null)
fi
if git -C "$librespeed" rev-parse HEAD >/dev/null 2>&1; then
  echo "LibreSpeed: $(git -C "$librespeed" describe --tags --always) ($(git -C "$librespeed" rev-parse HEAD))"
fi

read -r http_port page_port udp_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/api-key"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
}
trap cleanup EXIT
# own process groups, so the launcher's JVM goes with it
WADDLEPERF_LOG_LEVEL=DEBUG setsid "$repo/waddleperf" testserver --bind 127.0.0.1 --http-port "$http_port" \
  --no-https --no-iperf3 --udp-echo-port "$udp_port" --data-dir "$work/data" --api-key-file "$work/api-key" \
  >"$work/server.out" 2>"$work/server.log" &
pids+=($!)
setsid python3 -m http.server "$page_port" --bind 127.0.0.1 --directory "$work/site" >"$work/static.log" 2>&1 &
pids+=($!)
server="http://127.0.0.1:$http_port/"
for _ in $(seq 120); do
  curl -sf -o /dev/null "${server}backend/empty.php" && break
  sleep 1
done
curl -sf -o /dev/null "${server}backend/empty.php" || { echo "test server did not start; see $work/server.log" >&2; exit 1; }
page="http://127.0.0.1:$page_port"

show_probe() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("  success=%s download=%.1f Mbit/s upload=%.1f Mbit/s latency avg=%.2f min=%.2f ms jitter=%.2f ms %s" % (
    d["success"], d.get("download_mbps") or 0, d.get("upload_mbps") or 0, d.get("latency_ms") or 0,
    d.get("min_latency_ms") or 0, d.get("jitter_ms") or 0, d.get("error") or ""))' "$1"
}

# LibreSpeed: single-server settings (no cors= parameter) with its default /backend/*.php paths, then the
# multiple-points-of-test mode (server selection ping, cors=true) with speedtest-go's bare paths
echo "== LibreSpeed, single server, backend/*.php"
node "$work/drive.mjs" "$page" "$server" single backend-php "$work/librespeed-single.json"
echo "== our probe, LibreSpeed layout under /backend (5 download streams, as LibreSpeed uses in Chromium)"
"$repo/waddleperf" test "speedtest://127.0.0.1:$http_port?librespeed=true&path=/backend&download_streams=5" --json \
  >"$work/probe-librespeed.json"
show_probe "$work/probe-librespeed.json"
echo "== LibreSpeed, multiple points of test, bare paths"
node "$work/drive.mjs" "$page" "$server" multi bare "$work/librespeed-multi.json"
echo "== our probe, our own layout"
"$repo/waddleperf" test "speedtest://127.0.0.1:$http_port?download_streams=5" --json >"$work/probe-waddleperf.json"
show_probe "$work/probe-waddleperf.json"
echo "== LibreSpeed with garbagePhp_chunkSize=2048 (above its documented maximum), download only"
node "$work/drive.mjs" "$page" "$server" single backend-php "$work/librespeed-cksize2048.json" \
  '{"garbagePhp_chunkSize":2048,"test_order":"D"}'

echo "== requests the server logged (method path status)"
grep -E 'WebServer - (GET|POST|OPTIONS) ' "$work/server.log" | awk '{print $5, $6, $7}' | sort | uniq -c
echo "work dir: $work"
