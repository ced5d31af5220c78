#!/usr/bin/env bash
# Time until the manager's web UI is drawn over many stored results, against the same views over 1,000 results in the
# same run (manager/src/test/java/io/waddleperf/manager/bench/UiBench.java): fills a database with N results spread
# over D days (through the manager's store path, which also writes the rollups the statistics are read from; about
# 1,000 results/s on a busy 2-core machine), logs in with Debian's Chromium (headless) and reads the page's
# performance.now() when the dashboard's latency chart and the 30-day statistics view's latency chart have been drawn;
# median of R loads.
# Needs /usr/bin/chromium. On the embedded H2 by default; "mariadb" uses the MariaDB at 127.0.0.1:3306 (root, no
# password; a database of its own, dropped afterwards).
#   usage: bench/manager-ui.sh [rows=1000000] [days=30] [repeats=5] [database=h2]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"; days="${2:-30}"; repeats="${3:-5}"; database="${4:-h2}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
. bench/lib/manager.sh
manager_bench_init
"$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" -Dlogback.configurationFile=manager/src/test/resources/logback-test.xml \
  io.waddleperf.manager.bench.UiBench "$database" "$rows" "$days" "$repeats"
