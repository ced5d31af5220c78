#!/usr/bin/env bash
# Our icmp, trace and mtr probes against stock ping, traceroute and mtr on the same namespace-lab path, interleaved
# (ours, stock, ours, stock …), through the CLI as a user runs it (./waddleperf: one-shot JVM, C1), reading our
# reports as the stock tools' (they print the same lines).
# Prints each run's figures and the whole command's wall time. Needs root, iproute2, nftables, ping, traceroute, mtr.
#
#   bench/lab-probes-vs-stock.sh [ROUNDS]        # default 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=${1:-3}
name=bench$$
lab="$here/scripts/lab.sh"
"$lab" up --name "$name" --routers 2 >/dev/null
trap '"$lab" down --name "$name" >/dev/null 2>&1 || true' EXIT
ns="wps-$name-client"
hops=$("$lab" status --name "$name" | sed -n 's/^hops from the client: //p' | head -n 1)
r1=${hops%% *}; server=${hops##* }
# An unreachable network: the client sends it to r1, which has no route and answers net unreachable.
unreach="${server%.*.*}.200.1"
ip -n "$ns" route replace "${unreach%.*}.0/24" via "$r1"
wp() { ip netns exec "$ns" "$here/waddleperf" test "$@"; }
in_ns() { ip netns exec "$ns" "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

wp --version >/dev/null # builds the jar and the one-shot archive outside the timed runs
echo "lab: client -> r1 $r1 -> r2 -> server $server; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for (( i = 1; i <= rounds; i++ )); do
  echo "== round $i"
  for target in "$r1" "$server"; do
    t=$(now); out=$(wp "icmp://$target" -c 20 -i 0.02); d=$(secs "$t" "$(now)")
    echo "icmp $target       ours: $(echo "$out" | grep '^rtt min' | head -n 1)  [$d s]"
    t=$(now); out=$(in_ns ping -n -q -c 20 -i 0.02 "$target"); d=$(secs "$t" "$(now)")
    echo "icmp $target       ping: $(echo "$out" | tail -n 1)  [$d s]"
  done
  t=$(now); out=$(wp "trace://$server" -o resolve=false); d=$(secs "$t" "$(now)")
  echo "trace ours (hop avg ms): $(echo "$out" | awk 'NR > 1 { s = 0; n = 0; for (f = 3; f <= NF; f++) if ($(f+1) == "ms") { s += $f; n++ } printf "%.3f ", s / n }') [$d s]"
  t=$(now); out=$(in_ns traceroute -n -I -q 3 "$server"); d=$(secs "$t" "$(now)")
  echo "trace traceroute -I:     $(echo "$out" | awk 'NR > 1 { s = 0; n = 0; for (f = 3; f <= NF; f++) if ($(f+1) == "ms") { s += $f; n++ } printf "%.3f ", s / n }') [$d s]"
  t=$(now); out=$(wp "mtr://$server" -c 10 -i 0.1 -o resolve=false); d=$(secs "$t" "$(now)")
  echo "mtr ours (hop avg ms):   $(echo "$out" | awk '/\|--/ { printf "%s ", $6 }') [$d s]"
  t=$(now); out=$(in_ns mtr -n -r -c 10 -i 0.1 "$server"); d=$(secs "$t" "$(now)")
  echo "mtr stock (hop avg ms):  $(echo "$out" | awk '/\|--/ { printf "%s ", $6 }') [$d s]"
  t=$(now); wp "icmp://$unreach" -c 3 >/dev/null || true; d=$(secs "$t" "$(now)")
  echo "icmp unreachable net, 3 requests: ours [$d s]"
  t=$(now); in_ns ping -n -q -c 3 "$unreach" >/dev/null || true; d=$(secs "$t" "$(now)")
  echo "icmp unreachable net, 3 requests: ping [$d s]"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
