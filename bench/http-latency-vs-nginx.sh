#!/usr/bin/env bash
# HTTP request latency on loopback: WaddlePerf's test server against nginx answering `return 200` (Debian package
# nginx), measured by the same small C client (bench/c/http-latency.c) in the same run. Targets: nginx, our /empty
# (LibreSpeed's ping), /speedtest/ping and /health. Two modes: a fresh TCP connection per request (connect, request,
# whole response) and one kept-alive connection per target. Requests go to the targets in blocks of 200, round after
# round, so drift hits all alike. Before measuring, our server gets a JIT warm-up (20000 kept-alive and 3000 fresh
# requests to each endpoint): a server runs for days, and its first few thousand requests are several times slower
# while the JIT compiles (docs/BENCHMARKS.md §8). Prints every run's p50/p99 and the medians over the runs with the
# ratio ours/nginx (goal <= 1.5).
#   usage: bench/http-latency-vs-nginx.sh [requests_per_target=2000] [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000}"; runs="${2:-3}"
. bench/lib/servers.sh
bench_init nginx curl python3 gcc

build_c http-latency
start_testserver
start_nginx "location / { return 200; }"
targets=(nginx="127.0.0.1:$nginx_port/" empty="127.0.0.1:$ours_port/empty"
  ping="127.0.0.1:$ours_port/speedtest/ping" health="127.0.0.1:$ours_port/health")
echo "warming up (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
"$work/http-latency" keepalive 20000 0 2000 "${targets[@]}" >/dev/null
"$work/http-latency" fresh 3000 0 500 "${targets[@]}" >/dev/null
: >"$work/runs.txt"
for run in $(seq "$runs"); do
  for mode in fresh keepalive; do
    echo "run $run $mode, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    "$work/http-latency" "$mode" "$count" 200 200 "${targets[@]}" | sed "s/^/$mode /" >>"$work/runs.txt"
  done
done

python3 - "$work/runs.txt" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
print(f"{'mode':<10} {'target':<7} {'n':>5} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}")
for line in open(sys.argv[1]):
    mode, label, n, p50, p90, p99, low, mean = line.split()
    rows[(mode, label)].append((float(p50), float(p99)))
    print(f"{mode:<10} {label:<7} {n:>5} {float(p50):7.3f} {float(p90):7.3f} {float(p99):7.3f}")
print("\nmedians over runs, ms (ratio ours/nginx):")
for mode in ("fresh", "keepalive"):
    ref50 = statistics.median(p for p, _ in rows[(mode, "nginx")])
    ref99 = statistics.median(p for _, p in rows[(mode, "nginx")])
    print(f"{mode:<10} nginx   p50 {ref50:.3f}  p99 {ref99:.3f}")
    for label in ("empty", "ping", "health"):
        p50 = statistics.median(p for p, _ in rows[(mode, label)])
        p99 = statistics.median(p for _, p in rows[(mode, label)])
        print(f"{mode:<10} {label:<7} p50 {p50:.3f} ({p50 / ref50:.2f})  p99 {p99:.3f} ({p99 / ref99:.2f})")
PY
