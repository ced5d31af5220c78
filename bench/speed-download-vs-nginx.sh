#!/usr/bin/env bash
# HTTP download and upload throughput on loopback: WaddlePerf's test server against nginx (Debian package nginx),
# both driven by the same client (curl) in the same run. Download: LibreSpeed's garbage endpoint
# (/garbage?ckSize=<MiB>, the same streaming code as /speedtest/download, whose size is capped at 100 MiB) against
# nginx serving a static file of the same size from a temp dir (sendfile on, page cache). Upload: our
# /speedtest/upload sink against an nginx location that reads and discards the whole body. 1 and 4 parallel
# streams; repetitions interleaved (ours, nginx, ours, nginx ...) so machine drift hits both alike. Prints each run,
# the medians and the ratio ours/nginx (goal >= 1.0). nginx runs in the foreground from a temp config on a free port
# (never the system service).
#   usage: bench/speed-download-vs-nginx.sh [size_mib=1024] [repetitions=3]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-1024}"; reps="${2:-3}"
. bench/lib/servers.sh
bench_init nginx curl python3

start_testserver
mkdir -p "$work/www"
head -c "${size_mib}M" /dev/urandom >"$work/www/blob.bin"
# The upload location reads the whole body and drops it: nginx discards the body of a request it answers without
# using it (ngx_http_discard_request_body), and the client sends all of it because "Expect: 100-continue" is off.
# The script checks that every upload byte was sent and answered with 200.
start_nginx "root $work/www; location = /upload { client_max_body_size 0; return 200 \"ok\\n\"; }"
cat "$work/www/blob.bin" >/dev/null   # into the page cache before the first nginx run

# run <label> <streams> <get|post> <url>: <streams> curls at once; prints "label streams bytes seconds"
run() {
  local label="$1" streams="$2" method="$3" url="$4" i start end pids=()
  start="$(date +%s%N)"
  for i in $(seq "$streams"); do
    if [ "$method" = get ]; then
      curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$url" >"$work/c-$i.out" & pids+=($!)
    else
      curl -s -o /dev/null -w '%{http_code} %{size_upload}\n' -H 'Expect:' -H 'Content-Type: application/octet-stream' \
        -X POST -T "$work/www/blob.bin" "$url" >"$work/c-$i.out" & pids+=($!)
    fi
  done
  wait "${pids[@]}"
  end="$(date +%s%N)"
  python3 - "$work" "$streams" "$label" "$start" "$end" "$size_mib" <<'PY'
import sys
work, streams, label, start, end, size_mib = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
total = 0
for i in range(1, streams + 1):
    code, n = open(f"{work}/c-{i}.out").read().split()
    if code != "200" or int(n) != size_mib << 20:
        sys.exit(f"{label}: stream {i} ended with status {code} after {n} bytes, not {size_mib << 20}")
    total += int(n)
print(label, streams, total, (end - start) / 1e9)
PY
}

ours_dl="http://127.0.0.1:$ours_port/garbage?ckSize=$size_mib"
nginx_dl="http://127.0.0.1:$nginx_port/blob.bin"
ours_ul="http://127.0.0.1:$ours_port/speedtest/upload"
nginx_ul="http://127.0.0.1:$nginx_port/upload"
for streams in 1 4; do   # one warm-up of each, not counted: JIT for ours, page cache for nginx
  run warm "$streams" get "$ours_dl" >/dev/null; run warm "$streams" post "$ours_ul" >/dev/null
done
: >"$work/runs.txt"
for rep in $(seq "$reps"); do
  for streams in 1 4; do
    run ours-download "$streams" get "$ours_dl" >>"$work/runs.txt"
    run nginx-download "$streams" get "$nginx_dl" >>"$work/runs.txt"
    run ours-upload "$streams" post "$ours_ul" >>"$work/runs.txt"
    run nginx-upload "$streams" post "$nginx_ul" >>"$work/runs.txt"
  done
done

python3 - "$work/runs.txt" "$size_mib" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
print(f"{'run':<15} {'streams':>7} {'bytes':>12} {'seconds':>8} {'Gbit/s':>7}")
for line in open(sys.argv[1]):
    label, streams, total, secs = line.split()
    gbps = int(total) * 8 / float(secs) / 1e9
    runs[(label, int(streams))].append(gbps)
    print(f"{label:<15} {streams:>7} {int(total):>12} {float(secs):>8.3f} {gbps:>7.2f}")
print(f"\nmedians ({sys.argv[2]} MiB per stream and request), Gbit/s:")
for direction in ("download", "upload"):
    for streams in (1, 4):
        ours = statistics.median(runs[(f"ours-{direction}", streams)])
        nginx = statistics.median(runs[(f"nginx-{direction}", streams)])
        print(f"{direction:<8} {streams} stream(s): ours {ours:6.2f}, nginx {nginx:6.2f}, ratio ours/nginx {ours / nginx:.2f}")
PY
