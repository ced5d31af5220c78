#!/usr/bin/env bash
# The manager at scale (manager/src/test/java/io/waddleperf/manager/bench/ScaleBench.java, docs/BENCHMARKS.md):
# fills a database with a year of realistic results (default 10 000 000: 12 OUs, 2 400 enrolled agents, ~3 000
# targets, tcp/icmp/http/dns/udp/speedtest/iperf3 and mtr escalations, AutoPerf tiers 1/2/3 and none, diurnal latency,
# outages and failures; see ScaleData.java) with 4 writer threads — phase "load": through the manager's own store path
# (results and a rollup delta per batch, the folder folding them: the realistic ingest path, bound by the folder);
# phase "bulk" instead: the same results rows and the rollup rows folding would leave, computed in memory and inserted
# in batches (store/BulkFill.java; ScaleBulkLoadTest checks both give the same rows) — then times dashboard and statistics requests over HTTP (7 and 30 days, per target, per device, per
# type, charts, device list, recent results; p50/p95 against 200 ms), then runs the retention deleting the results
# older than 320 days (over a million at 10 M) in batches of retention.batch_size while 8 uploaders POST results,
# and prints upload latency and rate before, during and after the deletion. Last, the bench database is dropped (also
# when a phase failed). load_seconds and delete_seconds (0: no limit) bound the load and the deletion on a host with a
# time box; a load stopped early holds whole years of fewer devices (a bulk fill: the oldest weeks of all) and says so.
# MariaDB: the database wp_scale_bench on 127.0.0.1:3306 (root, no password); H2: a file under $TMPDIR.
# 10 M results take about an hour through the store path on 2 cores ("load"), 13-40 minutes in bulk (13 on a quiet
# host before the per-target rollups, 16 with them at load 4-5, 38 at load 7-20; docs/BENCHMARKS.md 18).
#   usage: bench/manager-scale.sh [results=10000000] [databases="mariadb"] [phases=load|bulk,query,retention,drop]
#          [requests=40] [load_seconds=0] [delete_seconds=0]
#   e.g. the queries again on a loaded store: bench/manager-scale.sh 10000000 mariadb query
#        a store filled in bulk: bench/manager-scale.sh 10000000 mariadb bulk,query,retention,drop
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-10000000}"; databases="${2:-mariadb}"; phases="${3:-load,query,retention,drop}"; requests="${4:-40}"
load_seconds="${5:-0}"; delete_seconds="${6:-0}"
. bench/lib/manager.sh
manager_bench_init
for db in $databases; do
  "$JAVA_HOME/bin/java" -Xmx3g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
    io.waddleperf.manager.bench.ScaleBench "$db" "$results" "$phases" "$requests" 4 "$load_seconds" "$delete_seconds" 2>&1 | grep --line-buffered -v '^\s*at \| INFO \|DEBUG'
done
