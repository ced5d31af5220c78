#!/usr/bin/env bash
# Where the probes' overhead over C goes (docs/BENCHMARKS.md §5, "where the rest goes"): the tcp, udp and dns
# exchanges made with the probes' own JDK calls by bench/probe-overhead/SocketFloor.java, in fresh JVMs under given
# flags and with a given number of untimed loopback warm-ups, interleaved run by run with the C references on the
# same targets (the targets of bench/probe-overhead.sh). Each configuration is one line of a file:
#   label|probe|java flags|warm-ups|harness options
# e.g.  c1-w0|tcp|-XX:TieredStopAtLevel=1 -XX:+UseSerialGC|0|wd
#       c2-floor|tcp|-XX:+UseSerialGC|20000|wd
# Prints per configuration the median over runs of: p50, first attempt, the C reference's p50 in the same runs,
# the ratio, and the warm-up's wall time.
#   usage: bench/probe-overhead-floor.sh configs-file [runs=5] [count=20]
set -euo pipefail
cd "$(dirname "$0")/.."
configs="$1"; runs="${2:-5}"; count="${3:-20}"; interval_ms=10
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
work="$(mktemp -d)"
cleanup() {
  kill "${listener_pid:-}" "${ts_pid:-}" "${dnsmasq_pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
./waddleperf --version >/dev/null
"${java%/java}/javac" -d "$work/cls" -cp app/target/waddleperf.jar bench/probe-overhead/SocketFloor.java
for c in tcp_connect udp_echo dns_query; do gcc -O2 -Wall -o "$work/$c" "bench/probe-overhead/$c.c"; done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tcp_port=$(free_port); http_port=$(free_port); https_port=$(free_port); echo_port=$(free_port); dns_port=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()' "$tcp_port" & listener_pid=$!
./waddleperf testserver --bind 127.0.0.1 --http-port "$http_port" --https-port "$https_port" --no-iperf3 \
  --udp-echo-port "$echo_port" --data-dir "$work/data" >"$work/ts.log" 2>&1 & ts_pid=$!
dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$dns_port" --listen-address=127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --address=/probe-overhead.test/192.0.2.1 --pid-file="$work/dnsmasq.pid" \
  >"$work/dnsmasq.log" 2>&1 & dnsmasq_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/ts.log" && break; sleep 0.2; done

for r in $(seq "$runs"); do
  n=0
  while IFS='|' read -r label probe flags warm opts; do
    [ -z "$label" ] || [ "${label:0:1}" = "#" ] && continue
    n=$((n + 1))
    case "$probe" in
      tcp) port=$tcp_port; ref=("$work/tcp_connect" 127.0.0.1 "$tcp_port" "$count" "$interval_ms") ;;
      udp) port=$echo_port; ref=("$work/udp_echo" 127.0.0.1 "$echo_port" "$count" "$interval_ms") ;;
      dns) port=$dns_port; ref=("$work/dns_query" 127.0.0.1 "$dns_port" probe-overhead.test "$count" "$interval_ms") ;;
    esac
    # shellcheck disable=SC2086
    "$java" $flags -cp "$work/cls:app/target/waddleperf.jar" SocketFloor "$probe" 127.0.0.1 "$port" "$count" \
      "$interval_ms" "$warm" $opts >"$work/$n-ours-$r.txt" </dev/null || true
    "${ref[@]}" >"$work/$n-ref-$r.txt" </dev/null
    echo "$label" >"$work/$n.label"
  done <"$configs"
done
echo "$(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of $count attempts, ${interval_ms} ms apart"
python3 - "$work" "$runs" <<'PY'
import glob, os, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
def nums(path):
    return [float(l) for l in open(path) if l.strip() and l[0] != "#" and l.strip() != "lost"]
def warm(path):
    for l in open(path):
        if l.startswith("# warm-up"):
            return float(l.split()[4])
    return float("nan")
print(f"{'configuration':28} {'p50':>7} {'1st':>7} {'C p50':>7} {'diff':>7} {'ratio':>6} {'warm ms':>8}  per-run ratios")
n = 1
while os.path.exists(f"{work}/{n}.label"):
    label = open(f"{work}/{n}.label").read().strip()
    rows = []
    for r in range(1, runs + 1):
        o = nums(f"{work}/{n}-ours-{r}.txt"); c = nums(f"{work}/{n}-ref-{r}.txt")
        if o and c:
            rows.append((statistics.median(o), o[0], statistics.median(c), warm(f"{work}/{n}-ours-{r}.txt")))
    if rows:
        med = lambda i: statistics.median(x[i] for x in rows)
        ratios = ", ".join(f"{a / c:.2f}" for a, _, c, _ in rows)
        print(f"{label:28} {med(0):7.3f} {med(1):7.3f} {med(2):7.3f} {med(0) - med(2):7.3f} {med(0) / med(2):6.2f} {med(3):8.1f}  {ratios}")
    n += 1
PY
