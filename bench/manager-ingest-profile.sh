#!/usr/bin/env bash
# Where one batch's time goes on the manager's ingest path, in process on one thread
# (manager/src/test/java/io/waddleperf/manager/bench/IngestProfile.java): JSON parse, schema check, binding to the
# result model, re-serialising, the fast lane (check and bind in one), and the whole ingest with its transaction, as
# the mean per batch over warmed batches in the thread's CPU time (the whole ingest also in wall time).
# Runs on the embedded H2 and on the MariaDB at 127.0.0.1:3306 (root, no password; a database of its own, dropped
# afterwards).
#   usage: bench/manager-ingest-profile.sh [batches=200] [batch=500] [databases="h2 mariadb"]
set -euo pipefail
cd "$(dirname "$0")/.."
batches="${1:-200}"; batch="${2:-500}"; databases="${3:-h2 mariadb}"
. bench/lib/manager.sh
manager_bench_init
for db in $databases; do
  "$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
    io.waddleperf.manager.bench.IngestProfile "$db" "$batches" "$batch" 2>/dev/null
done
