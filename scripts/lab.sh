#!/usr/bin/env bash
# The WaddlePerf namespace lab for people: the same chain the tests build (testkit io.waddleperf.testkit.lab),
# client — r1 … rN — server, in network namespaces joined by veth links, never connected to the host's namespace.
# Needs root, iproute2 and nftables. Delay is not available here (this kernel has no tc netem; the tests use a Java
# relay, see docs/ACCURACY.md).
#
#   scripts/lab.sh up [--name NAME] [--routers N] [--mtu LINK=BYTES] [--rate LINK=RATE] [--loss LINK=PERCENT]
#                     [--black-hole ROUTER]
#   scripts/lab.sh status [--name NAME]
#   scripts/lab.sh down [--name NAME]
#
# Link k joins node k and k+1 (client is node 0): link 0 is client–r1, link N is rN–server. RATE is a tc rate
# (10mbit); PERCENT may have a fraction of 0.1 (2.5 drops 25 in 1000). --black-hole R makes router rR drop the
# ICMP frag-needed / packet-too-big messages it sends. Run a command inside a node with
#   ip netns exec wps-NAME-client ping 10.S.N.2
set -euo pipefail

usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}; [[ -n $cmd ]] || usage; shift
name=lab; routers=3
declare -A mtu=() rate=() loss=() hole=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --name) name=$2; shift 2 ;;
    --routers) routers=$2; shift 2 ;;
    --mtu) mtu[${2%%=*}]=${2#*=}; shift 2 ;;
    --rate) rate[${2%%=*}]=${2#*=}; shift 2 ;;
    --loss) loss[${2%%=*}]=${2#*=}; shift 2 ;;
    --black-hole) hole[$2]=1; shift 2 ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $name =~ ^[a-z0-9]{1,12}$ ]] || { echo "--name must be 1-12 of [a-z0-9]" >&2; exit 2; }
[[ $routers =~ ^[0-9]+$ && $routers -le 31 ]] || { echo "--routers must be 0..31" >&2; exit 2; }

prefix="wps-$name-"
# Second octet from the name, so labs with different names use different ranges.
octet=$(( 64 + $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 64 ))
label() { if (( $1 == 0 )); then echo client; elif (( $1 == routers + 1 )); then echo server; else echo "r$1"; fi; }
v4() { echo "10.$octet.$1.$2"; }              # link, side (1 left, 2 right)
v6() { printf 'fd77:%x:%x::%s' "$octet" "$1" "$2"; }
ns() { echo "$prefix$(label "$1")"; }

up() {
  if ip netns list | grep -q "^$prefix"; then echo "lab '$name' is already up (scripts/lab.sh down --name $name)" >&2; exit 1; fi
  trap 'echo "set-up failed; removing the partial lab" >&2; down' ERR
  local last=$(( routers + 1 )) p k
  for (( p = 0; p <= last; p++ )); do
    ip netns add "$(ns $p)"
    # Before the links exist: no duplicate address detection, or first packets wait about a second (RFC 4862).
    ip netns exec "$(ns $p)" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  done
  for (( k = 0; k <= routers; k++ )); do
    ip link add "to-$(label $((k + 1)))" netns "$(ns $k)" type veth peer name "to-$(label $k)" netns "$(ns $((k + 1)))"
  done
  for (( p = 0; p <= last; p++ )); do
    local n; n=$(ns $p)
    ip netns exec "$n" sysctl -q -w "net.ipv4.ping_group_range=0 2147483647"
    ip -n "$n" link set dev lo up
    if (( p > 0 && p < last )); then
      # Routers forward and answer every probe: no ICMP error rate limiting (it would look like loss).
      ip netns exec "$n" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 \
        net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_errors_use_inbound_ifaddr=1
    fi
    local post="" out=""
    for k in $(( p - 1 )) $p; do
      (( k >= 0 && k <= routers )) || continue
      local side dev; if (( k == p - 1 )); then side=2; dev="to-$(label $((p - 1)))"; else side=1; dev="to-$(label $((p + 1)))"; fi
      ip -n "$n" link set dev "$dev" mtu "${mtu[$k]:-1500}"
      ip -n "$n" addr add "$(v4 $k $side)/24" dev "$dev"
      ip -n "$n" addr add "$(v6 $k $side)/64" dev "$dev" nodad
      ip -n "$n" link set dev "$dev" up
      if [[ -n ${rate[$k]:-} ]]; then
        tc -n "$n" qdisc add dev "$dev" root tbf rate "${rate[$k]}" burst 32kb latency 50ms
      fi
      if [[ -n ${loss[$k]:-} ]]; then
        local permille; permille=$(awk -v p="${loss[$k]}" 'BEGIN { printf "%d", p * 10 + 0.5 }')
        post+="    oifname \"$dev\" numgen random mod 1000 < $permille counter drop"$'\n'
      fi
    done
    if (( p > 0 && p < last )) && [[ -n ${hole[$p]:-} ]]; then
      out+="    icmp type destination-unreachable icmp code frag-needed counter drop"$'\n'
      out+="    icmpv6 type packet-too-big counter drop"$'\n'
    fi
    if [[ -n $post$out ]]; then
      ip netns exec "$n" nft -f - <<NFT
table inet waddle_lab {
  chain lab_post {
    type filter hook postrouting priority 0; policy accept;
$post  }
  chain lab_out {
    type filter hook output priority 0; policy accept;
$out  }
}
NFT
    fi
    if (( p == 0 )); then
      ip -n "$n" route add default via "$(v4 0 2)"; ip -n "$n" route add ::/0 via "$(v6 0 2)"
    elif (( p == last )); then
      ip -n "$n" route add default via "$(v4 $routers 1)"; ip -n "$n" route add ::/0 via "$(v6 $routers 1)"
    else
      for (( k = 0; k <= routers; k++ )); do
        if (( k < p - 1 )); then
          ip -n "$n" route add "10.$octet.$k.0/24" via "$(v4 $((p - 1)) 1)"
          ip -n "$n" route add "$(v6 $k '')/64" via "$(v6 $((p - 1)) 1)"
        elif (( k > p )); then
          ip -n "$n" route add "10.$octet.$k.0/24" via "$(v4 $p 2)"
          ip -n "$n" route add "$(v6 $k '')/64" via "$(v6 $p 2)"
        fi
      done
    fi
  done
  trap - ERR
  # Carrier changes reach the kernel's linkwatch up to a second late, and IPv6 does not use a link before.
  local tries=0
  while links_not_up; do
    (( ++tries < 250 )) || { echo "links did not come up" >&2; down; exit 1; }
    sleep 0.02
  done
  status
}

links_not_up() {
  local p
  for (( p = 0; p <= routers + 1; p++ )); do
    ip -n "$(ns $p)" -o link show | grep ' to-' | grep -qv 'state UP' && return 0
  done
  return 1
}

status() {
  local count; count=$(ip netns list | awk '{print $1}' | grep -c "^${prefix}r[0-9]" || true)
  if ! ip netns list | grep -q "^${prefix}client"; then echo "lab '$name' is down"; return 0; fi
  routers=$count
  local p n hops=""
  for (( p = 0; p <= routers + 1; p++ )); do
    n=$(ns $p)
    echo "== $(label $p)  (ip netns exec $n …)"
    ip -n "$n" -brief addr show | awk '$1 != "lo" { $2 = ""; print "   " $0 }'
    ip -n "$n" -o link show | awk '/ to-/ { sub(/@.*/, "", $2); print "   " $2 " mtu " $5 }'
    tc -n "$n" qdisc show | grep tbf | sed 's/^/   /' || true
    ip netns exec "$n" nft list ruleset 2>/dev/null | grep -E 'numgen|icmp' | sed 's/^\s*/   nft: /' || true
    (( p == 0 )) || hops+=" $(v4 $((p - 1)) 2)"
  done
  echo "hops from the client:$hops"
}

down() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep "^$prefix" || true); do
    ip netns delete "$n" && echo "deleted $n"
  done
}

case $cmd in
  up) up ;;
  down) down ;;
  status) status ;;
  *) usage ;;
esac
