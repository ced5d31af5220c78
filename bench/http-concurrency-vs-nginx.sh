#!/usr/bin/env bash
# The HTTP side's ceiling: N concurrent speed-test clients (bench/c/http-load.c, one kept-alive connection each) for
# a fixed time against our test server and against nginx serving a static file (Debian package nginx), N = 1, 2, 4,
# ... up to max_n, ours and nginx interleaved at each N. Download: our /garbage?ckSize=100 (100 MiB per request,
# the same streaming code as /speedtest/download) against a 100 MiB random file from nginx (sendfile, page cache).
# Upload: 64 MiB POSTs to our /speedtest/upload against an nginx location that reads and discards the body. Our
# per-client stream and byte limits are raised for the run, since every client here is 127.0.0.1. Prints aggregate
# and per-client Gbit/s (min, median, max) for each N, and the ratio ours/nginx of the aggregates.
#   usage: bench/http-concurrency-vs-nginx.sh [seconds=4] [max_n=64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-4}"; max_n="${2:-64}"
. bench/lib/servers.sh
bench_init nginx curl python3 gcc

build_c http-load
start_testserver --set speed.per_client_streams=1024 --set speed.global_streams=2048 \
  --set speed.per_client_bytes=1099511627776
mkdir -p "$work/www"
head -c 100M /dev/urandom >"$work/www/blob.bin"
cat "$work/www/blob.bin" >/dev/null   # into the page cache
start_nginx "root $work/www; location = /upload { client_max_body_size 0; return 200 \"ok\\n\"; }"

ours_dl="127.0.0.1:$ours_port/garbage?ckSize=100"; nginx_dl="127.0.0.1:$nginx_port/blob.bin"
ours_ul="127.0.0.1:$ours_port/speedtest/upload"; nginx_ul="127.0.0.1:$nginx_port/upload"
"$work/http-load" download 2 2 "$ours_dl" >/dev/null; "$work/http-load" upload 2 2 "$ours_ul" >/dev/null   # JIT warm-up
: >"$work/runs.txt"
n=1
while [ "$n" -le "$max_n" ]; do
  echo "N=$n, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for direction in download upload; do
    for server in ours nginx; do
      url_var="${server}_${direction:0:1}l"
      echo "$direction $server $("$work/http-load" "$direction" "$n" "$seconds" "${!url_var}")" >>"$work/runs.txt"
    done
  done
  n=$((n * 2))
done

python3 - "$work/runs.txt" <<'PY'
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    direction, server, n, total, low, med, high = line.split()
    rows[(direction, int(n))][server] = (float(total), float(low), float(med), float(high))
print(f"{'direction':<9} {'N':>4} | {'ours agg':>8} {'per-client min/med/max':>22} | {'nginx agg':>9} {'per-client min/med/max':>22} | ratio")
for (direction, n), r in sorted(rows.items()):
    o, g = r["ours"], r["nginx"]
    print(f"{direction:<9} {n:>4} | {o[0]:8.2f} {o[1]:6.2f} {o[2]:6.2f} {o[3]:8.2f} | {g[0]:9.2f} {g[1]:6.2f} {g[2]:6.2f} {g[3]:8.2f} | {o[0] / g[0]:.2f}")
PY
