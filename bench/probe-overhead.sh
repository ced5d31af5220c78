#!/usr/bin/env bash
# Timing overhead of each loopback probe against a reference made in C or by a stock tool, in one interleaved run
# (ours, reference, ours, reference, ...) so machine drift hits both alike. Every "ours" is a cold one-shot
# `./waddleperf test ... --count N --json` (a fresh JVM, first attempt included in its p50). The script starts its own
# targets on loopback: a TCP listener (python3), the project's test server (/health, HTTPS, UDP echo) and dnsmasq
# answering one static A record, and compiles its C references (bench/probe-overhead/*.c) with gcc.
#   probe  ours                                 reference
#   tcp    p50 connect time                     tcp_connect.c: connect(2) loop, socket made and closed outside the call
#   udp    p50 echo RTT (64 B)                  udp_echo.c: same echo request, send + recv on a connected socket
#   dns    p50 query time (A, EDNS 1232)        dns_query.c: same query, send + recv; `dig +stats` shown too (1 ms resolution)
#   http   p50 total time of GET /health        curl -w time_total (a fresh curl per request, so a fresh connection)
#   tls    p50 connect + handshake              curl -k -w time_appconnect (TCP connect + TLS handshake)
# Prints per run and the medians over runs: ours p50, reference p50, difference and ratio.
#   usage: bench/probe-overhead.sh [runs=5] [count=20]
# With BASELINE=/path/to/another/waddleperf (e.g. a copy of the launcher next to an older build's app/target/*.jar
# and *.aot), that launcher's tcp, udp and dns runs are interleaved too and shown as "before", for a before/after
# comparison in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; count="${2:-20}"; interval_ms=10
for tool in gcc python3 dnsmasq dig curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done
work="$(mktemp -d)"
cleanup() {
  kill "${listener_pid:-}" "${ts_pid:-}" "${dnsmasq_pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./waddleperf --version >/dev/null   # builds the jar (and the one-shot archive) first if needed
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
grep -q "listening on" "$work/ts.log" || { echo "test server did not start:" >&2; cat "$work/ts.log" >&2; exit 1; }

ours() {  # probe target [options...] -> the JSON result
  ./waddleperf test "$@" --count "$count" --interval "${interval_ms}ms" --json 2>/dev/null || true
}
before() {  # probe name, target [options...] -> the baseline launcher's JSON result in before-<name>-<run>.json
  local name="$1"; shift
  [ -n "${BASELINE:-}" ] || return 0
  "$BASELINE" test "$@" --count "$count" --interval "${interval_ms}ms" --json >"$work/$name-before-$r.json" 2>/dev/null || true
}
curl_times() {  # field url -> one line per request, ms
  for _ in $(seq "$count"); do
    curl -sk -o /dev/null -w "%{$1}\n" "$2" | awk '{printf "%.4f\n", $1 * 1000}'
    sleep 0.01
  done
}
for r in $(seq "$runs"); do
  ours "tcp://127.0.0.1:$tcp_port" >"$work/tcp-ours-$r.json"
  before tcp "tcp://127.0.0.1:$tcp_port"
  "$work/tcp_connect" 127.0.0.1 "$tcp_port" "$count" "$interval_ms" >"$work/tcp-ref-$r.txt"
  ours "udp://127.0.0.1:$echo_port" --size 64 >"$work/udp-ours-$r.json"
  before udp "udp://127.0.0.1:$echo_port" --size 64
  "$work/udp_echo" 127.0.0.1 "$echo_port" "$count" "$interval_ms" >"$work/udp-ref-$r.txt"
  ours "dns://127.0.0.1:$dns_port/probe-overhead.test?type=A" >"$work/dns-ours-$r.json"
  before dns "dns://127.0.0.1:$dns_port/probe-overhead.test?type=A"
  "$work/dns_query" 127.0.0.1 "$dns_port" probe-overhead.test "$count" "$interval_ms" >"$work/dns-ref-$r.txt"
  for _ in $(seq "$count"); do
    dig +stats +tries=1 +time=1 -p "$dns_port" @127.0.0.1 probe-overhead.test A | sed -n 's/.*Query time: \([0-9]*\) msec.*/\1/p'
  done >"$work/dns-dig-$r.txt"
  ours "http://127.0.0.1:$http_port/health" >"$work/http-ours-$r.json"
  curl_times time_total "http://127.0.0.1:$http_port/health" >"$work/http-ref-$r.txt"
  ours "tls://127.0.0.1:$https_port" --opt verify=false >"$work/tls-ours-$r.json"
  curl_times time_appconnect "https://127.0.0.1:$https_port/health" >"$work/tls-ref-$r.txt"
done

echo "$(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of $count attempts, ${interval_ms} ms apart"
python3 - "$work" "$runs" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
def p50(xs):
    return statistics.median(xs) if xs else float("nan")
def ref(path):
    return [float(l) for l in open(path) if l.strip() and l.strip() != "lost"]
def ours(path):
    try:
        d = json.load(open(path))
    except ValueError:
        return float("nan"), float("nan"), "no result"
    first = None
    attempts = d.get("raw_results", {}).get("attempts") or []
    if attempts:
        a = attempts[0]
        first = a.get("connect_ms", a.get("time_ms", a.get("total_time_ms", a.get("latency_ms"))))
    return d.get("p50_latency_ms", float("nan")), first, d.get("error")
print(f"{'probe':5} {'run':>3} {'ours p50':>9} {'1st':>8} {'ref p50':>9} {'diff':>8} {'ratio':>6}  reference")
summary = {}
names = {"tcp": "C connect loop", "udp": "C echo client", "dns": "C query loop", "http": "curl time_total",
         "tls": "curl time_appconnect"}
for probe in ["tcp", "udp", "dns", "http", "tls"]:
    for r in range(1, runs + 1):
        o, first, err = ours(f"{work}/{probe}-ours-{r}.json")
        ref_p50 = p50(ref(f"{work}/{probe}-ref-{r}.txt"))
        extra = ""
        if probe == "dns":
            extra = f" (dig +stats p50 {p50(ref(f'{work}/dns-dig-{r}.txt')):.0f} ms)"
        if err:
            extra += f" ours failed: {err}"
        first_text = f"{first:8.3f}" if isinstance(first, (int, float)) else f"{'-':>8}"
        print(f"{probe:5} {r:3d} {o:9.3f} {first_text} {ref_p50:9.3f} {o - ref_p50:8.3f} {o / ref_p50:6.2f}  {names[probe]}{extra}")
        summary.setdefault(probe, []).append((o, ref_p50))
import os
if os.path.exists(f"{work}/tcp-before-1.json"):
    print("before (BASELINE launcher), interleaved in the same runs:")
    for probe in ["tcp", "udp", "dns"]:
        rows = []
        for r in range(1, runs + 1):
            b, _, _ = ours(f"{work}/{probe}-before-{r}.json")
            o, _, _ = ours(f"{work}/{probe}-ours-{r}.json")
            c = p50(ref(f"{work}/{probe}-ref-{r}.txt"))
            rows.append((b, o, c))
        b = p50([x[0] for x in rows]); o = p50([x[1] for x in rows]); c = p50([x[2] for x in rows])
        per = ", ".join(f"{x[0] / x[2]:.2f}/{x[1] / x[2]:.2f}" for x in rows)
        print(f"  {probe:5} before {b:7.3f} ms ({b / c:4.2f}x)  after {o:7.3f} ms ({o / c:4.2f}x)  reference {c:7.3f} ms"
              f"  after-before {o - b:7.3f} ms  per-run before/after ratios: {per}")
print("medians over runs:")
for probe, rows in summary.items():
    o = p50([a for a, _ in rows]); f = p50([b for _, b in rows])
    print(f"  {probe:5} ours {o:8.3f} ms  reference {f:8.3f} ms  difference {o - f:7.3f} ms  ratio {o / f:5.2f}")
PY
