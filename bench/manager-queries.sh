#!/usr/bin/env bash
# Manager dashboard and statistics request latency over a large store, against the same summary computed from the raw
# rows in the same run (manager/src/test/java/io/waddleperf/manager/bench/QueryBench.java): loads N results (default
# 1 000 000, 200 devices x 5 targets x 2 types over the last 8 days) through the manager's store path (results and
# rollups in one transaction per batch), then times one request at a time over HTTP: the 7-day per-target summary from
# rollups and from raw rows (exact=true), recent results, the 7-day per-device list and a 7-day chart. Runs on the
# embedded H2 (a file in a temporary folder) and on the MariaDB at 127.0.0.1:3306 (root, no password; a database of
# its own, dropped afterwards). Loading 1M results takes minutes.
#   usage: bench/manager-queries.sh [results=1000000] [requests=50] [databases="mariadb h2"]
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-1000000}"; requests="${2:-50}"; databases="${3:-mariadb h2}"
. bench/lib/manager.sh
manager_bench_init
for db in $databases; do
  "$JAVA_HOME/bin/java" -Xmx3g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
    io.waddleperf.manager.bench.QueryBench "$db" "$results" "$requests" 2>/dev/null
done
