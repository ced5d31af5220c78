#!/usr/bin/env bash
# Where the kernel runs the two ends of a loopback exchange (docs/BENCHMARKS.md §5, "where the two ends run"): the
# C references and the probes' JDK calls (bench/probe-overhead/SocketFloor.java) make the same udp echo or dns
# exchanges against the same servers while the kernel's scheduler and loopback events are recorded (tracefs:
# sched_wakeup, sched_switch, net_dev_queue on lo). Every packet on lo is recorded with the CPU of the thread that
# queued it, so each exchange is a pair: the request (the client's CPU) and the answer (the server's CPU). It prints
# per client the exchanges whose two ends ran on one CPU ("same") or on two ("cross"), the p50 of each group and of
# all (per-attempt figures: the C clients and the dns probe; the udp probe gives only its p50, shown as "all"), how
# often the sending thread was woken on another CPU than it had slept on, and the client's thread count.
# DEBUG=1 prints each run's exchanges as <request CPU><answer CPU> pairs; KEEP=1 keeps the traces.
#   usage: bench/probe-placement.sh [probe=dns|udp] [runs=5] [count=20] [clients="c java-c2 java-c1 probe"]
# clients: c (the C reference), java-c2 (SocketFloor, C2 after 20 000 warm-ups), java-c1 (SocketFloor under the
# one-shot flags, 1 warm-up), probe (`./waddleperf test ... --json`, the probe itself), base (the same through the
# launcher named by BASELINE, e.g. a checkout of an earlier commit).
# Needs root (tracefs is mounted at /sys/kernel/tracing if it is not already).
set -euo pipefail
cd "$(dirname "$0")/.."
probe="${1:-dns}"; runs="${2:-5}"; count="${3:-20}"; clients="${4:-c java-c2 java-c1 probe}"; interval_ms=10
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
tr=/sys/kernel/tracing
[ -e "$tr/trace" ] || mount -t tracefs nodev "$tr"
work="$(mktemp -d)"
cleanup() {
  echo 0 >"$tr/tracing_on" 2>/dev/null || true
  echo 0 >"$tr/events/enable" 2>/dev/null || true
  kill "${ts_pid:-}" "${dnsmasq_pid:-}" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
./waddleperf --version >/dev/null
"${java%/java}/javac" -d "$work/cls" -cp app/target/waddleperf.jar bench/probe-overhead/SocketFloor.java
for c in udp_echo dns_query; do gcc -O2 -Wall -o "$work/$c" "bench/probe-overhead/$c.c"; done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
case "$probe" in
  udp)
    port=$(free_port); http_port=$(free_port)
    ./waddleperf testserver --bind 127.0.0.1 --http-port "$http_port" --no-https --no-iperf3 --udp-echo-port "$port" \
      --data-dir "$work/data" >"$work/ts.log" 2>&1 & ts_pid=$!; server_pid=$ts_pid
    for _ in $(seq 100); do grep -q "listening on" "$work/ts.log" && break; sleep 0.2; done
    ref=("$work/udp_echo" 127.0.0.1 "$port" "$count" "$interval_ms") ;;
  dns)
    port=$(free_port)
    dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$port" --listen-address=127.0.0.1 --bind-interfaces \
      --no-resolv --no-hosts --address=/probe-overhead.test/192.0.2.1 --pid-file="$work/dnsmasq.pid" \
      >"$work/dnsmasq.log" 2>&1 & dnsmasq_pid=$!; server_pid=$dnsmasq_pid
    sleep 0.5
    ref=("$work/dns_query" 127.0.0.1 "$port" probe-overhead.test "$count" "$interval_ms") ;;
  *) echo "probe must be udp or dns" >&2; exit 2 ;;
esac
echo 0 >"$tr/tracing_on"
echo 16384 >"$tr/buffer_size_kb"
echo 1 >"$tr/options/record-tgid"
echo 0 >"$tr/events/enable"
for e in sched_wakeup sched_switch; do echo 1 >"$tr/events/sched/$e/enable"; done
echo 'name == "lo"' >"$tr/events/net/net_dev_queue/filter"
echo 1 >"$tr/events/net/net_dev_queue/enable"
for r in $(seq "$runs"); do
  for client in $clients; do
    case "$client" in
      c) cmd=("${ref[@]}") ;;
      java-c2) cmd=("$java" -XX:+UseSerialGC -cp "$work/cls:app/target/waddleperf.jar" SocketFloor "$probe" 127.0.0.1 \
                 "$port" "$count" "$interval_ms" 20000) ;;
      java-c1) cmd=("$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$work/cls:app/target/waddleperf.jar" SocketFloor \
                 "$probe" 127.0.0.1 "$port" "$count" "$interval_ms" 1) ;;
      probe|base) case "$probe" in
               udp) url="udp://127.0.0.1:$port"; extra=(--size 64) ;;
               dns) url="dns://127.0.0.1:$port/probe-overhead.test?type=A"; extra=() ;;
             esac
             launcher=./waddleperf; [ "$client" = base ] && launcher="${BASELINE:?base needs BASELINE=<another launcher>}"
             cmd=("$launcher" test "$url" "${extra[@]}" --count "$count" --interval "${interval_ms}ms" --json) ;;
      *) echo "unknown client $client" >&2; exit 2 ;;
    esac
    echo >"$tr/trace"
    echo 1 >"$tr/tracing_on"
    "${cmd[@]}" >"$work/$client-$r.out" </dev/null & cpid=$!
    wait "$cpid" || true
    if [ "$client" = probe ] || [ "$client" = base ]; then  # the probe's JSON result: one figure per attempt, as the other clients print
      python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for a in d["raw_results"].get("attempts", []):  # the dns probe lists its attempts; the udp probe does not
    v = a.get("time_ms")
    print("lost" if v is None else v)
print("# p50", d.get("p50_latency_ms"))' "$work/$client-$r.out" >"$work/$client-$r.txt" && mv "$work/$client-$r.txt" "$work/$client-$r.out"
    fi
    echo 0 >"$tr/tracing_on"
    cp "$tr/trace" "$work/$client-$r.trace"
    echo "$cpid" >"$work/$client-$r.pid"
  done
done
echo "$(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg); $probe, $runs runs of $count exchanges, ${interval_ms} ms apart; $(nproc) CPUs"
python3 - "$work" "$runs" "$server_pid" "$clients" "$count" <<'PY'
import math, re, statistics, sys
work, runs, server, clients, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(), int(sys.argv[5])
import os; DEBUG = os.environ.get("DEBUG")
line_re = re.compile(r'^\s*(.+?)-(\d+)\s+\(\s*(\S+)\)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+): (.*)$')
def events(path):
    for line in open(path, errors='replace'):
        m = line_re.match(line)
        if m:
            comm, pid, tgid, cpu, ts, ev, rest = m.groups()
            yield int(pid), tgid, int(cpu), float(ts), ev, dict(kv.split('=', 1) for kv in re.findall(r'(\w+=\S+)', rest))
print(f"{'client':8} {'exchanges':>9} {'same CPU':>8} {'cross':>6} {'p50 same':>9} {'p50 cross':>9} {'p50 all':>8} "
      f"{'woke elsewhere':>14} {'threads':>7}")
for client in clients:
    same, cross, moved, woke_total, all_rtt, nthreads, run_p50s = [], [], 0, 0, [], [], []
    for r in range(1, runs + 1):
        base = f"{work}/{client}-{r}"
        out = open(base + ".out").read().splitlines()
        rtts = [float(x) for x in out if re.match(r'^[\d.]+$', x.strip())]
        run_p50s += [float(x.split()[2]) for x in out if x.startswith("# p50 ") and x.split()[2] != "None"]
        pid = open(base + ".pid").read().strip()
        evs = list(events(base + ".trace"))
        nthreads.append(len({p for p, tgid, *_ in evs if tgid == pid}))
        # Each packet on lo is queued by the thread that sent it, on the CPU it ran on: a request from the client,
        # then the server's answer. A pair is an exchange; "same" when both were sent from one CPU.
        last_cpu, request, pairs, senders = {}, None, [], set()
        for p, tgid, cpu, ts, ev, f in evs:
            if ev == 'net_dev_queue':
                if tgid == pid:
                    request = cpu
                    senders.add(str(p))
                elif tgid == server and request is not None:
                    pairs.append((request, cpu))
                    request = None
            elif ev == 'sched_switch':
                if f.get('prev_pid') in senders:
                    last_cpu[f['prev_pid']] = cpu
            elif ev == 'sched_wakeup' and f.get('pid') in senders:
                # the sending thread woken (by the answer or by its sleep's end) on another CPU than it slept on
                woke_total += 1
                if f['pid'] in last_cpu and last_cpu[f['pid']] != int(f['target_cpu']):
                    moved += 1
        # the timed exchanges are the last ones (a JVM's warm-ups talk to loopback channels of its own)
        pairs = pairs[-(len(rtts) or count):]
        if DEBUG: print(client, r, " ".join(f"{a}{b}" for a, b in pairs), file=sys.stderr)
        for k, (req_cpu, ans_cpu) in enumerate(pairs):
            rtt = rtts[len(rtts) - len(pairs) + k] if rtts else float("nan")
            (same if req_cpu == ans_cpu else cross).append(rtt)
        all_rtt += rtts
    n = len(same) + len(cross)
    med = lambda xs: f"{statistics.median(xs):.3f}" if xs and not any(math.isnan(x) for x in xs) else "-"
    if not all_rtt and run_p50s:  # no per-attempt figures: the median of the runs' own p50s
        all_rtt = run_p50s
    print(f"{client:8} {n:>9} {len(same):>8} {len(cross):>6} {med(same):>9} {med(cross):>9} {med(all_rtt):>8} "
          f"{moved:>5} of {woke_total:<5} {statistics.median(nthreads):>7}")
PY
