#!/usr/bin/env bash
# Agent footprint: resident memory of `waddleperf agent` running tier 1 — ping (icmp, or udp echo where this user may
# not open ICMP sockets), http, dns and tcp against our test server on 127.0.0.1 — every 30 s for 10 minutes, under
# several JVM flag sets side by side in the same run; an idle JVM (a class whose main only sleeps) under the agent's
# flags as the floor any Java agent starts from; CPU time per tier-1 round; the tier-1 probes' own figures per flag
# set (so a flag that made probes slower shows); the native-memory breakdown (NMT) of the launcher's flag set; then
# the outbox's spool write and delivery rates to a local manager against that manager's own ingest rate
# (agent/src/test/java/io/waddleperf/agent/bench/OutboxBench.java).
#   usage: bench/agent-footprint.sh [seconds=600] [interval=30s] [results=20000] [batch=500]   (results=0: no outbox part)
# Memory is read from /proc every 5 s: VmRSS and RssAnon (/proc/<pid>/status) and Pss (/proc/<pid>/smaps_rollup:
# pages shared with other processes — libjvm.so, the JDK's class archive, mapped by every JVM on the machine — count
# in part). "steady" is the second half of the run; max is over the whole run, final the last sample.
# Variants (all on the jar ./waddleperf builds):
#   launcher_old  the launcher's flags before the footprint study: G1, default heap, an auto-created CDS archive
#   launcher      the flags ./waddleperf gives `agent` today (read from the launcher script), its own archive
#   heap24        launcher with a 24 MiB heap kept small (-Xms4m, free ratios 10-30 %)
#   headers16     launcher without compact object headers (-XX:-UseCompactObjectHeaders: 16-byte headers again)
#   arena2        launcher with MALLOC_ARENA_MAX=2 in the environment (glibc's malloc arenas)
#   noshare       launcher without any class-data sharing (-Xshare:off: no JDK archive either)
#   launcher_nmt  launcher plus -XX:NativeMemoryTracking=summary, its own archive; only for the breakdown (NMT costs
#                 about 2 MiB of its own)
#   idle_floor    the launcher's flags on a JVM that loads one class and sleeps (no archive of its own)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/servers.sh
seconds="${1:-600}"; interval="${2:-30s}"; results="${3:-20000}"; batch="${4:-500}"
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

# the agent's flags exactly as the launcher has them
eval "$(sed -n '/^agent_flags=(/,/)$/p' waddleperf)"
[ "${#agent_flags[@]}" -gt 0 ] || { echo "no agent_flags=(...) in ./waddleperf" >&2; exit 1; }
launcher="${agent_flags[*]}"

dns_port="$(free_port DGRAM)"
start_testserver --dns-port "$dns_port"
udp_port="$(sed -n 's/.*udp echo \([0-9]*\).*/\1/p' "$work/ts.log" | head -n 1)"
jar=app/target/waddleperf.jar

# ICMP echo needs root or a group in net.ipv4.ping_group_range; otherwise tier 1's ping is the udp echo
gid="$(id -g)"
read -r ping_lo ping_hi </proc/sys/net/ipv4/ping_group_range
if [ "$(id -u)" = 0 ] || { [ "$gid" -ge "$ping_lo" ] && [ "$gid" -le "$ping_hi" ]; }; then
  ping_probe='{name: ping, target: "icmp://{target_server}", options: {count: 4}}'
else
  ping_probe="{name: ping, target: \"udp://{target_server}:$udp_port\", options: {count: 4, interval: 20ms}}"
fi
echo "tier-1 ping: $ping_probe" >&2

declare -A flags=(
  [launcher_old]="-XX:SharedArchiveFile=$work/old.jsa -XX:+AutoCreateSharedArchive"
  [launcher]="$launcher -XX:SharedArchiveFile=$work/launcher.jsa -XX:+AutoCreateSharedArchive"
  [heap24]="$launcher -Xms4m -Xmx24m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:SharedArchiveFile=$work/heap24.jsa -XX:+AutoCreateSharedArchive"
  [headers16]="$launcher -XX:-UseCompactObjectHeaders -XX:SharedArchiveFile=$work/headers16.jsa -XX:+AutoCreateSharedArchive"
  [arena2]="$launcher -XX:SharedArchiveFile=$work/arena2.jsa -XX:+AutoCreateSharedArchive"
  [noshare]="$launcher -Xshare:off"
  [launcher_nmt]="$launcher -XX:NativeMemoryTracking=summary -XX:SharedArchiveFile=$work/nmt.jsa -XX:+AutoCreateSharedArchive"
  [idle_floor]="$launcher"
)
declare -A envs=([arena2]="MALLOC_ARENA_MAX=2")
variants=(launcher_old launcher heap24 headers16 arena2 noshare launcher_nmt)
archived=(launcher_old launcher heap24 headers16 arena2 launcher_nmt)

start_agent() { # name
  local name="$1" dir="$work/$1"
  mkdir -p "$dir"
  cat >"$dir/autoperf.yml" <<YAML
target_server: 127.0.0.1
data_dir: $dir/data
autoperf:
  interval: $interval
  jitter_percent: 0
  tier1:
    probes:
      - $ping_probe
      - {name: http, target: "http://{target_server}:$ours_port/health"}
      - {name: dns, target: "dns://{target_server}:$dns_port/www.waddleperf.test"}
      - {name: tcp, target: "tcp://{target_server}:$ours_port"}
    thresholds: {ping_latency: 1s, packet_loss: 50, http_response: 5s, dns_timeout: 2s}
sinks:
  file: {enabled: true}
status: {bind: 127.0.0.1, port: 0}
YAML
  # shellcheck disable=SC2086
  env ${envs[$name]:-} "$java" ${flags[$name]} -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" agent --config "$dir/autoperf.yml" \
    >"$dir/agent.log" 2>&1 &
  pids+=($!)
  echo "$!" >"$dir/pid"
}

# a first short run of each archive variant makes its archive, so the measured run maps it as a launcher would
for v in "${archived[@]}"; do start_agent "$v"; done
sleep 20
for v in "${archived[@]}"; do kill "$(cat "$work/$v/pid")"; done
for v in "${archived[@]}"; do wait "$(cat "$work/$v/pid")" 2>/dev/null || true; done   # each writes its archive at exit
for v in "${archived[@]}"; do rm -rf "${work:?}/$v"; done
pids=()
for v in "${variants[@]}"; do start_agent "$v"; done
mkdir -p "$work/idle_floor"
printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(Long.MAX_VALUE); } }\n' \
  >"$work/idle_floor/Idle.java"
"$JAVA_HOME/bin/javac" -d "$work/idle_floor" "$work/idle_floor/Idle.java"
# shellcheck disable=SC2086
"$java" ${flags[idle_floor]} -cp "$work/idle_floor" Idle & pids+=($!); echo "$!" >"$work/idle_floor/pid"
variants+=(idle_floor)
sleep 5
for v in "${variants[@]}"; do
  kill -0 "$(cat "$work/$v/pid")" 2>/dev/null || { echo "$v died:" >&2; cat "$work/$v/agent.log" >&2; exit 1; }
done

rounds_now() { # name: result lines so far (four per tier-1 round)
  local f="$work/$1/data/results.jsonl"
  if [ -f "$f" ]; then echo $(( $(wc -l <"$f") )); else echo 0; fi
}
clk="$(getconf CLK_TCK)"
half=$((seconds / 2))
start=$(date +%s)
declare -A cpu0 runs0
while :; do
  now=$(( $(date +%s) - start ))
  [ "$now" -ge "$seconds" ] && break
  for v in "${variants[@]}"; do
    pid="$(cat "$work/$v/pid")"
    echo "$now $(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {print r, a}' "/proc/$pid/status") \
$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")" >>"$work/$v/mem"
    if [ "$now" -ge "$half" ] && [ -z "${cpu0[$v]:-}" ]; then
      cpu0[$v]="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
      runs0[$v]="$(rounds_now "$v")"
    fi
  done
  sleep 5
done

printf '\n| variant | flags | VmRSS steady median | VmRSS max | VmRSS final | RssAnon final | Pss final | CPU ms per tier-1 round | rounds measured |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
for v in "${variants[@]}"; do
  pid="$(cat "$work/$v/pid")"
  cpu1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  rounds=$(( ($(rounds_now "$v") - runs0[$v]) / 4 ))
  median="$(awk -v h="$half" '$1 >= h {print $2}' "$work/$v/mem" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1024}')"
  maxr="$(sort -k2 -n "$work/$v/mem" | tail -n 1 | awk '{printf "%.1f", $2/1024}')"
  read -r fr fa fp < <(tail -n 1 "$work/$v/mem" | awk '{printf "%.1f %.1f %.1f\n", $2/1024, $3/1024, $4/1024}')
  cpu_ms="$(awk -v c="$((cpu1 - cpu0[$v]))" -v r="$rounds" -v t="$clk" 'BEGIN {if (r > 0) printf "%.1f", c * 1000 / t / r; else print "-"}')"
  [ "$v" = idle_floor ] && { cpu_ms="-"; rounds="-"; }
  printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$v" "$(echo "${flags[$v]}" | sed "s#$work/##g")" \
    "$median" "$maxr" "$fr" "$fa" "$fp" "$cpu_ms" "$rounds"
done

# the probes' own figures per flag set, second half of the run: a JIT flag that slowed the probes shows here
echo
python3 - "$work" "$half" launcher_old launcher headers16 noshare <<'PY'
import json, statistics, sys, datetime
work, half, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
fields = {"icmp": "latency_ms", "udp": "latency_ms", "tcp": "connect_ms", "http": "total_time_ms", "dns": "dns_ms"}
rows = {}
for n in names:
    res = [json.loads(l) for l in open(f"{work}/{n}/data/results.jsonl")]
    t0 = min(r["started_at"] for r in res)
    t0 = datetime.datetime.fromisoformat(t0.replace("Z", "+00:00"))
    for r in res:
        t = datetime.datetime.fromisoformat(r["started_at"].replace("Z", "+00:00"))
        v = r.get(fields.get(r["test_type"], "latency_ms"))
        if (t - t0).total_seconds() >= half and r["success"] and v is not None:
            rows.setdefault(r["test_type"], {}).setdefault(n, []).append(v)
print("| probe (field, ms) | " + " | ".join(f"{n} median" for n in names) + " |")
print("|---|" + "---:|" * len(names))
for tt in sorted(rows):
    print(f"| {tt} ({fields.get(tt, 'latency_ms')}) | "
          + " | ".join(f"{statistics.median(rows[tt][n]):.3f} (n={len(rows[tt][n])})" if n in rows[tt] else "-" for n in names) + " |")
PY

# where the launcher's memory is: NMT categories of launcher_nmt (committed), its heap and class counts
nmt_pid="$(cat "$work/launcher_nmt/pid")"
echo
echo "launcher_nmt: $(awk '/^VmRSS|^RssAnon|^RssFile/ {printf "%s %.1f MiB  ", $1, $2/1024}' "/proc/$nmt_pid/status")"
"$JAVA_HOME/bin/jcmd" "$nmt_pid" VM.native_memory summary scale=KB | awk '/^-/ && /committed=/ {
  line=$0; sub(/^- */, "", line); name=line; sub(/ *\(.*/, "", name)
  match(line, /committed=[0-9]+/); c=substr(line, RSTART+10, RLENGTH-10) + 0
  if (c >= 512) printf "  %-24s %7.1f MiB committed\n", name, c/1024 }'
"$JAVA_HOME/bin/jcmd" "$nmt_pid" PerfCounter.print | grep -E 'java.cls.loadedClasses|java.cls.sharedLoadedClasses|sun.cls.appClassLoadCount' || true
"$JAVA_HOME/bin/jcmd" "$nmt_pid" GC.heap_info | sed -n '2,8p'
echo "launcher_nmt live heap after a full GC: $("$JAVA_HOME/bin/jcmd" "$nmt_pid" GC.class_histogram | awk '/^Total/ {printf "%.1f MiB in %d objects", $3/1048576, $2}')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
stop_servers
pids=(); ts_pid=""

# outbox rates against a local manager, and the manager's own rate as the baseline (results=0 leaves them out)
[ "$results" -gt 0 ] || exit 0
./mvnw -B -ntp -q -o -pl agent -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath >&2
cp="agent/target/test-classes:agent/target/classes:$(cat agent/target/bench.classpath)"
echo
"$java" -Xmx1g -cp "$cp" -Dlogback.configurationFile=agent/src/test/resources/logback-test.xml \
  io.waddleperf.agent.bench.OutboxBench "$results" "$batch" "$work/outbox-bench" 2>/dev/null
