#!/usr/bin/env bash
# Agent footprint: steady-state resident memory (VmRSS from /proc) of `waddleperf agent` running tier 1 (udp, http,
# dns, tcp against our test server on 127.0.0.1) every 10 s, under several JVM flag sets side by side in the same run;
# CPU time (utime+stime from /proc) per tier-1 round; then the outbox's spool write and delivery rates to a local
# manager against that manager's own ingest rate (agent/src/test/java/io/waddleperf/agent/bench/OutboxBench.java).
#   usage: bench/agent-footprint.sh [seconds=600] [results=20000] [batch=500]
# RSS is sampled every 5 s; "steady" is the second half of the run. Variants (all on the jar ./waddleperf builds):
#   launcher_old  the launcher's flags before this study: G1, default heap, an auto-created CDS archive
#   serial        -XX:+UseSerialGC
#   serial_heap   -XX:+UseSerialGC -Xms8m -Xmx48m -XX:MaxMetaspaceSize=96m -Xss512k
#   serial_lean   serial_heap + -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m (C1 only: a small code cache)
#   lean_cds      serial_lean + an auto-created CDS archive of its own
#   tight_cds     lean_cds with a 24 MiB heap kept small (-Xms4m, free ratios 10-20 %), a 16 MiB code cache, one
#                 compiler thread
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/servers.sh
seconds="${1:-600}"; results="${2:-20000}"; batch="${3:-500}"
export JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}"
java="$JAVA_HOME/bin/java"
bench_init curl python3
pids=()
stop_servers() {
  local p
  for p in "${pids[@]}" ${ts_pid:-}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2

dns_port="$(free_port DGRAM)"
start_testserver --dns-port "$dns_port"
udp_port="$(sed -n 's/.*udp echo \([0-9]*\).*/\1/p' "$work/ts.log" | head -n 1)"
[ -n "$udp_port" ] || udp_port="$(grep -o 'udp-echo[^0-9]*[0-9]*' "$work/ts.log" | grep -o '[0-9]*$' | head -n 1)"
jar=app/target/waddleperf.jar

declare -A flags=(
  [launcher_old]="-XX:SharedArchiveFile=$work/old.jsa -XX:+AutoCreateSharedArchive"
  [serial]="-XX:+UseSerialGC"
  [serial_heap]="-XX:+UseSerialGC -Xms8m -Xmx48m -XX:MaxMetaspaceSize=96m -Xss512k"
  [serial_lean]="-XX:+UseSerialGC -Xms8m -Xmx48m -XX:MaxMetaspaceSize=96m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m"
  [lean_cds]="-XX:+UseSerialGC -Xms8m -Xmx48m -XX:MaxMetaspaceSize=96m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m -XX:SharedArchiveFile=$work/lean.jsa -XX:+AutoCreateSharedArchive"
  [tight_cds]="-XX:+UseSerialGC -Xms4m -Xmx24m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:MaxMetaspaceSize=96m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -XX:CICompilerCount=1 -XX:SharedArchiveFile=$work/tight.jsa -XX:+AutoCreateSharedArchive"
)
variants=(launcher_old serial serial_heap serial_lean lean_cds tight_cds)

start_agent() { # name
  local name="$1" dir="$work/$1"
  mkdir -p "$dir"
  cat >"$dir/autoperf.yml" <<YAML
target_server: 127.0.0.1
data_dir: $dir/data
autoperf:
  interval: 10s
  jitter_percent: 0
  tier1:
    probes:
      - {name: udp, target: "udp://{target_server}:$udp_port", options: {count: 10, interval: 20ms}}
      - {name: http, target: "http://{target_server}:$ours_port/health"}
      - {name: dns, target: "dns://{target_server}:$dns_port/www.waddleperf.test"}
      - {name: tcp, target: "tcp://{target_server}:$ours_port"}
    thresholds: {ping_latency: 1s, packet_loss: 50, http_response: 5s, dns_timeout: 2s}
sinks:
  file: {enabled: true}
status: {bind: 127.0.0.1, port: 0}
YAML
  # shellcheck disable=SC2086
  "$java" ${flags[$name]} -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" agent --config "$dir/autoperf.yml" \
    >"$dir/agent.log" 2>&1 &
  pids+=($!)
  echo "$!" >"$dir/pid"
}

# a first short run of each archive variant makes its archive, so the measured run maps it as a launcher would
for v in launcher_old lean_cds tight_cds; do
  start_agent "$v"; sleep 8; kill "$(cat "$work/$v/pid")"; wait "$(cat "$work/$v/pid")" 2>/dev/null || true
  rm -rf "$work/$v/data"
done
pids=()
for v in "${variants[@]}"; do start_agent "$v"; done
sleep 5
for v in "${variants[@]}"; do
  kill -0 "$(cat "$work/$v/pid")" 2>/dev/null || { echo "agent $v died:" >&2; cat "$work/$v/agent.log" >&2; exit 1; }
done

clk="$(getconf CLK_TCK)"
half=$((seconds / 2))
start=$(date +%s)
declare -A cpu0 runs0
while :; do
  now=$(( $(date +%s) - start ))
  [ "$now" -ge "$seconds" ] && break
  for v in "${variants[@]}"; do
    pid="$(cat "$work/$v/pid")"
    rss="$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
    echo "$now $rss" >>"$work/$v/rss"
    if [ "$now" -ge "$half" ] && [ -z "${cpu0[$v]:-}" ]; then
      cpu0[$v]="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
      runs0[$v]="$(wc -l <"$work/$v/data/results.jsonl")"
    fi
  done
  sleep 5
done

printf '\n| variant | flags | RSS steady median (MiB) | RSS steady max (MiB) | RSS whole-run max (MiB) | CPU ms per tier-1 round | rounds measured |\n'
printf '|---|---|---:|---:|---:|---:|---:|\n'
for v in "${variants[@]}"; do
  pid="$(cat "$work/$v/pid")"
  cpu1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  lines="$(wc -l <"$work/$v/data/results.jsonl")"
  rounds=$(( (lines - runs0[$v]) / 4 ))
  stats="$(awk -v h="$half" '$1 >= h {print $2}' "$work/$v/rss" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f", a[int((NR+1)/2)]/1024, a[NR]/1024}')"
  whole="$(sort -k2 -n "$work/$v/rss" | tail -n 1 | awk '{printf "%.1f", $2/1024}')"
  cpu_ms="$(awk -v c="$((cpu1 - cpu0[$v]))" -v r="$rounds" -v t="$clk" 'BEGIN {if (r > 0) printf "%.1f", c * 1000 / t / r; else print "-"}')"
  printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$v" "$(echo "${flags[$v]}" | sed "s#$work/##g")" \
    ${stats} "$whole" "$cpu_ms" "$rounds"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
stop_servers
pids=(); ts_pid=""

# outbox rates against a local manager, and the manager's own rate as the baseline
./mvnw -B -ntp -q -o -pl agent -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >&2
cp="agent/target/test-classes:agent/target/classes:$(cat agent/target/bench.classpath)"
echo
"$java" -Xmx1g -cp "$cp" -Dlogback.configurationFile=agent/src/test/resources/logback-test.xml \
  io.waddleperf.agent.bench.OutboxBench "$results" "$batch" "$work/outbox-bench" 2>/dev/null
