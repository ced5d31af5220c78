#!/usr/bin/env bash
# Manager resident memory (VmRSS from /proc) idle and under ingest load: starts the released jar
# (`java -jar app/target/waddleperf.jar manager`, default JVM flags, embedded database) on a temporary data dir and
# loopback port, makes an admin, samples VmRSS once a second for S seconds idle, then for S seconds while U uploaders
# (curl, one batch at a time each, waiting for the 201) POST batches of B new results (unique ids, 10 devices x 5
# targets x 2 types, spread over the last day) to /api/v1/results; then S more seconds idle after the load.
# Prints min / median / max RSS of each phase, the results stored, and the load average. java_flags (e.g. -Xmx256m)
# go to the manager's JVM; without them it runs with the JVM's defaults (heap up to a quarter of the RAM).
# Build the jar first: ./mvnw -o -q package -DskipTests -pl app -am
#   usage: bench/manager-memory.sh [seconds=30] [uploaders=4] [batch=500] [java_flags=""] [jar=app/target/waddleperf.jar]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"; uploaders="${2:-4}"; batch="${3:-500}"; flags="${4:-}"; jar="${5:-app/target/waddleperf.jar}"
export JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* | head -1)}"
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -o -q package -DskipTests -pl app -am" >&2; exit 2; }
work=$(mktemp -d /tmp/wp-manager-memory.XXXXXX)
pid=""; loaders=()
cleanup() {
  for l in "${loaders[@]}"; do kill "$l" 2>/dev/null || true; done
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password="memory-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$password" | "$JAVA_HOME/bin/java" -jar "$jar" manager create-admin --username admin \
  --data-dir "$work/data" >"$work/create-admin.log" 2>&1 || { cat "$work/create-admin.log" >&2; exit 1; }
# shellcheck disable=SC2086 # the flags are words
"$JAVA_HOME/bin/java" $flags -jar "$jar" manager --bind 127.0.0.1 --port "$port" --data-dir "$work/data" \
  >"$work/manager.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 120); do
  curl -sf "$base/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/manager.log" >&2; exit 1; }
  sleep 0.5
done
token=$(curl -sf -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" \
  "$base/api/v1/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/')

# sample VmRSS (kB) once a second for $1 seconds into $2
sample() {
  : >"$2"
  for _ in $(seq "$1"); do
    awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" >>"$2"
    sleep 1
  done
}
report() {
  sort -n "$2" | awk -v phase="$1" '{v[NR]=$1} END {printf "%-28s RSS min %4.0f MiB  median %4.0f MiB  max %4.0f MiB (%d samples)\n",
    phase, v[1]/1024, v[int((NR+1)/2)]/1024, v[NR]/1024, NR}'
}
# one uploader: new results in batches until killed; counts stored results in $1
uploader() {
  local n=0 seed=$1
  while true; do
    python3 - "$batch" "$seed" "$n" >"$work/batch-$seed.json" <<'EOF'
import json, os, random, sys, time
batch, seed, round_ = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed * 1_000_003 + round_)
now = time.time()
out = []
for i in range(batch):
    t = now - rnd.random() * 86400
    ms = int(t * 1000)
    # UUIDv7: 48-bit milliseconds, version 7, variant 10, the rest random
    b = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    b[6] = 0x70 | (b[6] & 0x0F)
    b[8] = 0x80 | (b[8] & 0x3F)
    h = b.hex()
    tcp = rnd.random() < 0.5
    ok = rnd.randrange(50) != 0
    dev = rnd.randrange(10)
    target = ("tcp://192.0.2.%d:443" if tcp else "icmp://192.0.2.%d") % (1 + rnd.randrange(5))
    out.append({
        "id": f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}",
        "test_type": "tcp" if tcp else "icmp", "target": target,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6),
        "duration_ms": 40.0, "success": ok, "error": None if ok else "timeout: no answer",
        "tier": 1, "source": "agent",
        "device": {"serial": "SN-%d" % dev, "hostname": "agent-%d" % dev, "os": "linux"},
        "latency_ms": rnd.lognormvariate(2.5, 0.5) if ok else None,
        "packet_loss_percent": 0.0 if ok else 100.0,
    })
print(json.dumps(out))
EOF
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data-binary @"$work/batch-$seed.json" "$base/api/v1/results")
    [ "$code" = 201 ] || [ "$code" = 200 ] || { echo "upload answered $code" >&2; exit 1; }
    n=$((n + 1)); echo $((n * batch)) >"$work/stored-$seed"
  done
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; manager pid $pid, JVM flags: ${flags:-none}, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
sample "$seconds" "$work/idle"
report "idle after start" "$work/idle"
for u in $(seq "$uploaders"); do uploader "$u" & loaders+=($!); done
sample "$seconds" "$work/load"
load_during=$(cut -d' ' -f1-3 /proc/loadavg)
for l in "${loaders[@]}"; do kill "$l" 2>/dev/null || true; wait "$l" 2>/dev/null || true; done
loaders=()
stored=$(cat "$work"/stored-* 2>/dev/null | awk '{s+=$1} END {print s+0}')
report "under ingest ($uploaders x $batch)" "$work/load"
echo "results stored under load: $stored in ${seconds} s ($((stored / seconds))/s); load average at its end: $load_during"
sample "$seconds" "$work/after"
report "idle after the load" "$work/after"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
