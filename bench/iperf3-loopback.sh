#!/usr/bin/env bash
# iperf3 on loopback: our client + server (`waddleperf iperf3 -c/-s`) against stock iperf3 client + server (Debian
# package iperf3), in the same run. TCP: 1 and 2 parallel streams, <seconds> each, repetitions interleaved (ours,
# iperf3, ours, iperf3 ...) so machine drift hits both alike; prints each run, medians, the ratio ours/iperf3 (goals:
# >= 1.0 for one stream, >= 1.3 for two) and CPU seconds per gigabit moved (client + server: the client's from
# /usr/bin/time, the server's from /proc/<pid>/stat before and after the run). UDP: the highest rate with 0 loss
# for 1400-byte datagrams, searched per implementation (doubling from 250 Mbit/s, then bisecting).
#   usage: bench/iperf3-loopback.sh [seconds=10] [repetitions=3] [udp_seconds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"; reps="${2:-3}"; udp_secs="${3:-3}"
for tool in iperf3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install iperf3 python3 time)" >&2; exit 2; }
done
work="$(mktemp -d)"
cleanup() {
  [ -n "${ours_pid:-}" ] && kill "$ours_pid" 2>/dev/null || true
  [ -n "${stock_pid:-}" ] && kill "$stock_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}
listening() { ss -Hltn "sport = :$1" | grep -q ":$1"; }
# CPU seconds (user + system) a running process has used so far
cpu_of() { python3 -c "import os,sys; f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$1"; }

./waddleperf --version >/dev/null   # builds the jar first if needed
ours_port="$(free_port)"; stock_port="$(free_port)"
./waddleperf iperf3 -s -B 127.0.0.1 -p "$ours_port" >"$work/ours-server.log" 2>&1 & ours_pid=$!
iperf3 -s -B 127.0.0.1 -p "$stock_port" >"$work/stock-server.log" 2>&1 & stock_pid=$!
for _ in $(seq 150); do listening "$ours_port" && listening "$stock_port" && break; sleep 0.2; done
listening "$ours_port" || { echo "our server did not start:" >&2; cat "$work/ours-server.log" >&2; exit 1; }

# client <ours|iperf3> <args...>: runs one client with -J, retrying while the server is still busy with the previous
# test; prints "client_cpu_seconds server_cpu_seconds" and leaves the JSON in $work/out.json
client() {
  local who="$1" port pid cmd; shift
  if [ "$who" = ours ]; then port="$ours_port"; pid="$ours_pid"; cmd=(./waddleperf iperf3)
  else port="$stock_port"; pid="$stock_pid"; cmd=(iperf3); fi
  for _ in $(seq 20); do
    local before; before="$(cpu_of "$pid")"
    if /usr/bin/time -f '%U %S' -o "$work/time.txt" "${cmd[@]}" -c 127.0.0.1 -p "$port" -J "$@" >"$work/out.json" 2>"$work/err.txt" \
        && ! grep -q '"error"' "$work/out.json"; then
      local after; after="$(cpu_of "$pid")"
      python3 -c "import sys; u,s=open(sys.argv[1]).read().split()[-2:]; print(float(u)+float(s), float(sys.argv[3])-float(sys.argv[2]))" \
        "$work/time.txt" "$before" "$after"
      return 0
    fi
    sleep 0.3
  done
  echo "$who client failed: $(cat "$work/out.json" "$work/err.txt")" >&2; exit 1
}

# TCP: one warm-up each (JIT for ours), then interleaved repetitions
client ours -t 2 >/dev/null; client iperf3 -t 2 >/dev/null
: >"$work/tcp.txt"
for rep in $(seq "$reps"); do
  for streams in 1 2; do
    for who in ours iperf3; do
      cpu="$(client "$who" -t "$secs" -P "$streams")"
      read -r bps bytes < <(python3 -c "import json,sys; e=json.load(open(sys.argv[1]))['end']['sum_received']; print(e['bits_per_second'], e['bytes'])" "$work/out.json")
      echo "$who $streams $bps $bytes $cpu" | tee -a "$work/tcp.txt"
    done
  done
done

# UDP: does <who> carry <rate> of 1400-byte datagrams with 0 loss? prints "lost_percent received_bps"
udp_at() {
  client "$1" -u -l 1400 -b "$2" -t "$udp_secs" >/dev/null
  python3 -c "import json,sys; e=json.load(open(sys.argv[1]))['end']; s=e['sum']; r=e.get('sum_received', s); print(s['lost_percent'], r['bits_per_second'])" "$work/out.json"
}
: >"$work/udp.txt"
for who in ours iperf3; do
  lo=0; hi=0; rate=250000000; best=0
  while :; do   # double until a rate loses packets (or 16 Gbit/s)
    read -r lost got < <(udp_at "$who" "$rate")
    echo "$who udp $rate lost=$lost% received=$got" | tee -a "$work/udp.txt"
    if [ "$(python3 -c "print(1 if float('$lost') == 0 else 0)")" = 1 ]; then lo="$rate"; best="$got"; else hi="$rate"; break; fi
    [ "$rate" -ge 16000000000 ] && break
    rate=$((rate * 2))
  done
  for _ in 1 2 3 4; do   # bisect between the last clean and the first lossy rate
    [ "$hi" -gt 0 ] || break
    rate=$(((lo + hi) / 2))
    read -r lost got < <(udp_at "$who" "$rate")
    echo "$who udp $rate lost=$lost% received=$got" | tee -a "$work/udp.txt"
    if [ "$(python3 -c "print(1 if float('$lost') == 0 else 0)")" = 1 ]; then lo="$rate"; best="$got"; else hi="$rate"; fi
  done
  echo "$who udp-best $lo $best" >>"$work/udp.txt"
done

python3 - "$work/tcp.txt" "$work/udp.txt" "$secs" <<'PY'
import sys, statistics, collections
gbps, cpu_per_gbit = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, streams, bps, nbytes, ccpu, scpu = line.split()
    key = (who, int(streams))
    gbps[key].append(float(bps) / 1e9)
    cpu_per_gbit[key].append((float(ccpu) + float(scpu)) / (int(nbytes) * 8 / 1e9))
print(f"\nTCP medians over {len(gbps[('ours', 1)])} runs of {sys.argv[3]} s (Gbit/s; CPU s per Gbit, client+server):")
for streams, goal in ((1, 1.0), (2, 1.3)):
    o, s = statistics.median(gbps[("ours", streams)]), statistics.median(gbps[("iperf3", streams)])
    oc, sc = statistics.median(cpu_per_gbit[("ours", streams)]), statistics.median(cpu_per_gbit[("iperf3", streams)])
    print(f"{streams} stream(s): ours {o:6.2f}, iperf3 {s:6.2f}, ratio {o / s:.2f} (goal >= {goal}); "
          f"CPU/Gbit ours {oc:.3f} s, iperf3 {sc:.3f} s")
for line in open(sys.argv[2]):
    f = line.split()
    if f[1] == "udp-best":
        print(f"UDP 1400 B, highest target with 0 loss: {f[0]} {int(f[2]) / 1e6:.0f} Mbit/s (received {float(f[3]) / 1e6:.0f} Mbit/s)")
PY
