#!/usr/bin/env bash
# UDP echo server ceiling on loopback: our test server's echo responder against irtt's server (Debian package irtt),
# loaded by bench/udp-echo-load.c (compiled here with gcc) with one client per <per_client> datagrams/s, each on its
# own socket and 127.1.x.y source address: 10,000 clients at 100,000 datagrams/s. For each total rate the two servers
# run in turn (which one goes first alternates per repetition), <seconds> each. Prints per run: loss, RTT p50/p99,
# the server's CPU (user + system from /proc/<pid>/stat around the run, irtt's session opens included), receive
# buffer drops on the server's socket and on the generator's, the generator's own CPU and its worst lag behind
# schedule, and the 1-minute load average. Then per server: the highest rate every repetition carried with 0 loss
# (and every lower one), and CPU per 10,000 datagrams/s (% of one core).
#   usage: bench/udp-echo-load.sh [seconds=5] [repetitions=2] [rates="10000 20000 40000 60000 80000 100000"] [per_client=10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-5}"; reps="${2:-2}"; rates="${3:-10000 20000 40000 60000 80000 100000}"; per_client="${4:-10}"
for tool in irtt gcc python3 ss; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install irtt gcc python3 iproute2)" >&2; exit 2; }
done
work="$(mktemp -d)"
cleanup() { kill "${ts_pid:-}" "${irtt_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
gcc -O2 -Wall -pthread -o "$work/load" bench/udp-echo-load.c

./waddleperf --version >/dev/null   # builds the jar first if needed
udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_port="$(udp_port)"; irtt_port="$(udp_port)"
./waddleperf testserver --bind 127.0.0.1 --http-port 0 --no-https --no-iperf3 --udp-echo-port "$echo_port" \
  --data-dir "$work/data" >"$work/ts.log" 2>&1 & ts_pid=$!
# irtt logs a line per session; -i 0: no minimum interval (its default 10 ms would also allow 10/s per client)
irtt server -b "127.0.0.1:$irtt_port" -i 0 >"$work/irtt-server.log" 2>&1 & irtt_pid=$!
for _ in $(seq 150); do grep -q "listening on" "$work/ts.log" && break; sleep 0.2; done
grep -q "listening on" "$work/ts.log" || { echo "our test server did not start:" >&2; cat "$work/ts.log" >&2; exit 1; }
cpu_of() { python3 -c "import os,sys; f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$1"; }
echo "server receive buffers (ss skmem rb, bytes): ours $(ss -Huamn "sport = :$echo_port" | grep -o 'rb[0-9]*' | head -1)," \
  "irtt $(ss -Huamn "sport = :$irtt_port" | grep -o 'rb[0-9]*' | head -1)"

# run <ours|irtt> <rate>: one load run; appends "who rate server_cpu_s load1 <generator's key=value line>"
run() {
  local who="$1" rate="$2" pid port proto
  if [ "$who" = ours ]; then pid="$ts_pid"; port="$echo_port"; proto=wpec; else pid="$irtt_pid"; port="$irtt_port"; proto=irtt; fi
  local clients=$((rate / per_client)); [ "$clients" -ge 1 ] || clients=1
  local before after line
  before="$(cpu_of "$pid")"
  line="$("$work/load" "$proto" 127.0.0.1 "$port" "$clients" "$rate" "$secs")"
  after="$(cpu_of "$pid")"
  echo "$who $rate $(python3 -c "print(round($after - $before, 2))") $(cut -d' ' -f1 /proc/loadavg) $line" | tee -a "$work/runs.txt"
}

: >"$work/runs.txt"
run ours 10000 >/dev/null; run irtt 10000 >/dev/null   # warm-up (JIT for ours), not counted
: >"$work/runs.txt"
for rep in $(seq "$reps"); do
  for rate in $rates; do
    if [ $((rep % 2)) = 1 ]; then run ours "$rate"; run irtt "$rate"; else run irtt "$rate"; run ours "$rate"; fi
  done
done

python3 - "$work/runs.txt" "$secs" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, rate, cpu, load1, *kv = line.split()
    d = dict(x.split("=", 1) for x in kv)
    runs[(who, int(rate))].append((float(cpu), float(load1), d))
secs = float(sys.argv[2])
print(f"\n{'server':<6} {'rate/s':>7} {'clients':>7} {'lost (per run)':>16} {'p50 ms':>7} {'p99 ms':>7} "
      f"{'CPU %/10k/s':>11} {'srv drops':>9} {'gen drops':>9} {'gen CPU s':>9} {'load':>5}")
for who in ("ours", "irtt"):
    ceiling, broken = 0, False
    for rate in sorted(r for w, r in runs if w == who):
        rs = runs[(who, rate)]
        lost = [int(d["lost"]) for _, _, d in rs]
        med = lambda f: statistics.median(f(r) for r in rs)
        cpu_per_10k = med(lambda r: r[0] / secs / (rate / 10000) * 100)
        print(f"{who:<6} {rate:>7} {rs[0][2]['clients']:>7} {','.join(map(str, lost)):>16} "
              f"{med(lambda r: float(r[2]['p50_ms'])):7.3f} {med(lambda r: float(r[2]['p99_ms'])):7.3f} "
              f"{cpu_per_10k:11.1f} {','.join(r[2]['server_socket_drops'] for r in rs):>9} "
              f"{','.join(r[2]['gen_socket_drops'] for r in rs):>9} {med(lambda r: float(r[2]['gen_cpu_s'])):9.2f} "
              f"{med(lambda r: r[1]):5.1f}")
        if not broken and all(x == 0 for x in lost):
            ceiling = rate
        else:
            broken = True
    print(f"{who}: highest rate with 0 loss in every run (and at every lower rate): {ceiling}/s")
PY
