#!/usr/bin/env bash
# Manager ingest rate on a three-node MariaDB Galera cluster against a single MariaDB, in the same run
# (manager/src/test/java/io/waddleperf/manager/bench/GaleraIngestBench.java): N uploaders each POST a batch of B
# results to /api/v1/results and wait for the answer (sent after commit), for S seconds after a warm-up; first into a
# fresh database on the MariaDB at 127.0.0.1:3306 (root, no password), then into a cluster the run starts on loopback
# ports (testkit GaleraCluster; needs mariadb-server, galera-4 and rsync) with the manager on the failover URL.
#   usage: bench/manager-galera.sh [seconds=20] [uploaders=8] [batch=500]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"; uploaders="${2:-8}"; batch="${3:-500}"
. bench/lib/manager.sh
manager_bench_init
cp="testkit/target/classes:$cp"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
  io.waddleperf.manager.bench.GaleraIngestBench "$seconds" "$uploaders" "$batch" 2>/dev/null
