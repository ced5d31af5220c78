#!/usr/bin/env bash
# SSH upload rate on loopback: the ssh probe's upload_mbps against OpenSSH's own client, both into one Debian sshd
# started here (root, a throw-away host key and user key, as the tests' sshd), both uploading into `cat > /dev/null`.
# Per run, interleaved: OpenSSH with each cipher, then the probe with each cipher (`cipher=` option).
#
# OpenSSH's rate is (bytes) / (time for that upload - time for an empty one): the empty upload's time is login,
# channel and process start, so what is left is the channel's flow, as the probe's upload_mbps (timed once the
# channel flows, docs/RESULTS.md). Prints Mbit/s per run, medians, and ours/OpenSSH per cipher.
#   usage: bench/ssh-upload-vs-openssh.sh [runs=5] [MiB=256] ["cipher cipher ..."]
# OURS="<command>" runs the probe with another command line than ./waddleperf (e.g. other JVM flags).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; mib="${2:-256}"
ciphers="${3:-aes128-gcm@openssh.com chacha20-poly1305@openssh.com}"
[ "$(id -u)" = 0 ] || { echo "sshd needs root here (privilege separation, root login)" >&2; exit 2; }
for c in /usr/sbin/sshd ssh ssh-keygen; do command -v "$c" >/dev/null || { echo "$c missing (apt-get install openssh-server openssh-client)" >&2; exit 2; }; done
work="$(mktemp -d)"
cleanup() { kill "${sshd_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./waddleperf --version >/dev/null   # builds the jar first if needed
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
cp "$work/user_key.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PrintMotd no
EOF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & sshd_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
head -c "$((mib << 20))" /dev/urandom >"$work/payload"
: >"$work/empty"

ssh_opts=(-q -i "$work/user_key" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes)
nanos() {  # nanoseconds for OpenSSH to log in and upload file $2 with cipher $1
  local t0 t1
  t0=$(date +%s%N)
  ssh "${ssh_opts[@]}" -c "$1" root@127.0.0.1 'cat > /dev/null' <"$2"
  t1=$(date +%s%N)
  echo "$(( t1 - t0 ))"
}
: >"$work/rows"
for run in $(seq "$runs"); do
  for c in $ciphers; do
    full=$(nanos "$c" "$work/payload"); empty=$(nanos "$c" "$work/empty")
    echo "openssh $c $run $(python3 -c "print(f'{$mib*1048576*8/(($full-$empty)/1e9)/1e6:.1f}')")" >>"$work/rows"
    ${OURS:-./waddleperf} test "ssh://root@127.0.0.1:$port" --opt "key_file=$work/user_key" --opt "cipher=$c" \
      --opt "upload_bytes=$((mib << 20))" --count 1 --json >"$work/ours.json" || true
    python3 - "$work/ours.json" "$c" "$run" >>"$work/rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["raw_results"]["cipher"] == sys.argv[2], r["raw_results"]["cipher"]
print(f"ours {sys.argv[2]} {sys.argv[3]} {r['upload_mbps']:.1f}")
PY
  done
done
python3 - "$work/rows" <<'PY'
import sys, statistics, collections
rates = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, cipher, run, mbps = line.split()
    rates[(who, cipher)].append(float(mbps))
for (who, cipher), xs in rates.items():
    print(f"{who:8} {cipher:32} Mbit/s per run: {' '.join(f'{x:.0f}' for x in xs)}  median {statistics.median(xs):.0f}")
for cipher in dict.fromkeys(c for _, c in rates):
    o, s = statistics.median(rates[("ours", cipher)]), statistics.median(rates[("openssh", cipher)])
    print(f"{cipher}: ours / OpenSSH = {o / s:.2f}")
PY
