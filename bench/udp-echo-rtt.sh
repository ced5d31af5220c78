#!/usr/bin/env bash
# UDP echo round-trip time on loopback: WaddlePerf's udp probe + test server against irtt client + server
# (Debian package irtt). Same packet rate, size and count for both; repetitions interleaved (A B A B ...)
# so machine drift hits both alike. Prints p50/p99 per run, medians, and the ratio ours/irtt.
# The two tools time a round trip differently (docs/BENCHMARKS.md): ours from just before the send call to the
# receive, on the client's monotonic clock, as ping does; irtt from just AFTER its send call returns, and it
# subtracts the server's processing time. On loopback the send call itself carries the datagram up to the server's
# socket and wakes the server, so irtt's figure leaves out most of the upstream path. The table therefore also shows
# irtt "raw" (receive - send stamp, server time not subtracted) and irtt's mean send-call time, the part of the
# path only ours includes.
#   usage: bench/udp-echo-rtt.sh [packets=1000] [interval=10ms] [repetitions=3]
set -euo pipefail
cd "$(dirname "$0")/.."
packets="${1:-1000}"; interval="${2:-10ms}"; reps="${3:-3}"
command -v irtt >/dev/null || { echo "irtt is not installed (apt-get install irtt)" >&2; exit 2; }
work="$(mktemp -d)"
cleanup() { kill "${ts_pid:-}" "${irtt_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./waddleperf --version >/dev/null   # builds the jar first if needed
echo_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
irtt_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./waddleperf testserver --bind 127.0.0.1 --http-port 0 --no-https --no-iperf3 --udp-echo-port "$echo_port" \
  --data-dir "$work/data" >"$work/ts.log" 2>&1 & ts_pid=$!
irtt server -b "127.0.0.1:$irtt_port" >"$work/irtt-server.log" 2>&1 & irtt_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/ts.log" && break; sleep 0.2; done
# A JIT warm-up for both responders before anything is measured (a test server runs for days; irtt's server is
# compiled ahead of time): bench/udp-echo-load.c sends WARMUP_SECONDS of 20,000 echo requests a second from 2,000
# loopback sources, within each server's per-source limit. WARMUP_SECONDS=0 leaves it out.
warmup="${WARMUP_SECONDS:-2}"
if [ "$warmup" -gt 0 ]; then
  gcc -O2 -Wall -pthread -o "$work/load" bench/udp-echo-load.c
  "$work/load" wpec 127.0.0.1 "$echo_port" 2000 20000 "$warmup" >/dev/null
  "$work/load" irtt 127.0.0.1 "$irtt_port" 2000 20000 "$warmup" >/dev/null
fi

duration_s=$(python3 -c "
import re,sys; v='$interval'; m=re.fullmatch(r'([0-9.]+)(ms|s)', v); n=float(m.group(1)); n=n/1000 if m.group(2)=='ms' else n
print(f'{n*$packets:.3f}s')")
for rep in $(seq "$reps"); do
  ./waddleperf test "udp://127.0.0.1:$echo_port" --count "$packets" --interval "$interval" --size 64 --json >"$work/ours-$rep.json" || true
  irtt client -Q -i "$interval" -d "$duration_s" -l 64 -o "$work/irtt-$rep.json" "127.0.0.1:$irtt_port" || true
done

python3 - "$work" "$reps" <<'PY'
import json, sys, statistics
work, reps = sys.argv[1], int(sys.argv[2])
def pct(xs, p):  # linear interpolation between closest ranks (R-7), as the probe computes it
    xs = sorted(xs); k = (len(xs) - 1) * p / 100; f = int(k); c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)
rows = []
for i in range(1, reps + 1):
    o = json.load(open(f"{work}/ours-{i}.json"))
    d = json.load(open(f"{work}/irtt-{i}.json"))
    trips = [r for r in d["round_trips"] if "rtt" in r.get("delay", {})]
    rt = [r["delay"]["rtt"] / 1e6 for r in trips]
    raw = [(r["timestamps"]["client"]["receive"]["monotonic"] - r["timestamps"]["client"]["send"]["monotonic"]) / 1e6
           for r in trips]
    rows.append((o["p50_latency_ms"], o["p99_latency_ms"], o["packets_received"], o["raw_results"]["server_processing_avg_ms"],
                 pct(rt, 50), pct(rt, 99), pct(raw, 50), pct(raw, 99), len(rt),
                 d["stats"]["send_call"]["mean"] / 1e6, d["stats"]["server_processing_time"]["mean"] / 1e6))
print(f"{'run':>3} {'ours p50':>9} {'ours p99':>9} {'recv':>5} {'srv avg':>8} | {'irtt p50':>9} {'irtt p99':>9} "
      f"{'raw p50':>8} {'raw p99':>8} {'recv':>5} {'send call':>9} {'srv avg':>8}")
for i, r in enumerate(rows, 1):
    print(f"{i:>3} {r[0]:9.3f} {r[1]:9.3f} {r[2]:5d} {r[3]:8.3f} | {r[4]:9.3f} {r[5]:9.3f} {r[6]:8.3f} {r[7]:8.3f} {r[8]:5d} "
          f"{r[9]:9.3f} {r[10]:8.3f}")
m = [statistics.median(c) for c in zip(*rows)]
print(f"median p50: ours {m[0]:.3f} ms, irtt {m[4]:.3f} ms (raw {m[6]:.3f}), ratio ours/irtt {m[0]/m[4]:.2f} (to raw {m[0]/m[6]:.2f})")
print(f"median p99: ours {m[1]:.3f} ms, irtt {m[5]:.3f} ms (raw {m[7]:.3f}), ratio ours/irtt {m[1]/m[5]:.2f} (to raw {m[1]/m[7]:.2f})")
print(f"irtt send call mean {m[9]:.3f} ms (inside ours, outside irtt's RTT); server processing mean: ours {m[3]:.3f}, irtt {m[10]:.3f} ms")
PY
