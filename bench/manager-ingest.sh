#!/usr/bin/env bash
# Manager ingest rate over HTTP against a raw JDBC batch-insert baseline into the same table, in the same run
# (manager/src/test/java/io/waddleperf/manager/bench/IngestBench.java): N uploaders each POST a batch of B results to
# /api/v1/results and wait for the answer (sent after commit), for S seconds after a warm-up; then N threads insert
# batches of B rows with plain JDBC, one transaction per batch. Runs on the embedded H2 and on the MariaDB at
# 127.0.0.1:3306 (root, no password; a database of its own, dropped afterwards). With alert_rules > 0 the API run is
# repeated, in the same run, on a manager with that many alert rules on the batches' targets (evaluated after each
# commit), and the rate is given against the run without rules.
# The uploaders send a body made once per uploader with fresh ids written into it, so the client side costs little;
# the JVM's CPU per 1000 results is printed as a whole and split by thread (uploaders, GC, JIT, folder, handlers).
# BENCH_CLASSES_FIRST=<dir> puts a directory of compiled manager classes ahead of the build's (bench/lib/manager.sh).
#   usage: bench/manager-ingest.sh [seconds=20] [uploaders=8] [batch=500] [databases="h2 mariadb"] [alert_rules=0]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"; uploaders="${2:-8}"; batch="${3:-500}"; databases="${4:-h2 mariadb}"; rules="${5:-0}"
. bench/lib/manager.sh
manager_bench_init
for db in $databases; do
  "$JAVA_HOME/bin/java" -Xmx6g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
    io.waddleperf.manager.bench.IngestBench "$db" "$seconds" "$uploaders" "$batch" "$rules" 2>/dev/null
done
