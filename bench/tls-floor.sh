#!/usr/bin/env bash
# The tls probe's handshake against OpenSSL's on this machine (docs/BENCHMARKS.md §6). One nginx on loopback (C, so
# the server's share is small and the same for every client) with four ports: an EC P-256 and an RSA 2048
# certificate, each offered with TLS 1.3 only and with TLS 1.2 only. Per case the clients run interleaved, one
# after the other in every round (c, jsse-c2, ..., c, jsse-c2, ...), so drift and the other load hit all alike:
#   c              bench/tls-floor/tls_handshake.c: a fresh SSL_CTX + SSL per attempt set up untimed, connect, then
#                  SSL_connect timed alone (the reference; a new process per round, its first attempt included)
#   c-sys          the same trusting the system's default paths (SSL_CTX_set_default_verify_paths) as well as the CA
#                  file, as the probes do by default (ca_file adds to the system's anchors); the like-for-like reference
#   jsse-c2        bench/tls-floor/TlsHandshakeLoop.java, the same steps with a fresh SSLContext per attempt, after
#                  $warm untimed handshakes, default JIT (C2): the best a JVM's own TLS does here
#   jsse-c1        the same under the one-shot launcher's JIT flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
#   probe-openssl  `./waddleperf test tls://localhost:PORT --count N --opt tls_library=openssl` (a cold one-shot
#                  JVM; tls_ms per attempt, the first included)
#   probe-jsse     the same with tls_library=jsse (the JDK's TLS, after its untimed warm-up)
#   http-openssl   `./waddleperf test https://localhost:PORT/ --count N --opt tls_library=openssl`: the http probe's
#                  tls_ms (first handshake byte written to last handshake byte read or written, on the wire)
#   http-jsse      the same with tls_library=jsse
#   curl           curl -w: time_appconnect - time_connect (a new process per request: its first handshake each time)
# Every client verifies the chain (the certificate is its own CA, given as a CA file) and the host name.
# Prints per case and client the median tls_ms over all attempts, p10/p90, the median of attempt 1 over rounds, and
# the median over rounds of (client's round median - the reference's round median); the reference is c, or the client
# REF names.
#   usage: [CLIENTS="c probe-openssl ..."] [REF=c-sys] bench/tls-floor.sh [rounds=5] [count=20] [warm=3000]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"; count="${2:-20}"; warm="${3:-3000}"
clients="${CLIENTS:-c jsse-c2 jsse-c1 probe-openssl probe-jsse curl}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
for tool in gcc nginx openssl python3 curl; do command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }; done
[ -f /usr/include/openssl/ssl.h ] || { echo "libssl-dev is not installed" >&2; exit 2; }
work="$(mktemp -d)"
cleanup() { kill "${ngx_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./waddleperf --version >/dev/null
gcc -O2 -Wall -o "$work/tls_handshake" bench/tls-floor/tls_handshake.c -lssl -lcrypto
"$JAVA_HOME/bin/javac" -d "$work/classes" bench/tls-floor/TlsHandshakeLoop.java
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A port
servers=""
for key in ec rsa; do
  if [ $key = ec ]; then newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else newkey=(-newkey rsa:2048); fi
  openssl req -x509 "${newkey[@]}" -nodes -keyout "$work/$key-key.pem" -out "$work/$key.pem" \
    -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
  for version in 1.3 1.2; do
    port[$key-$version]=$(free_port)
    servers+="  server { listen 127.0.0.1:${port[$key-$version]} ssl; ssl_protocols TLSv$version;
    ssl_certificate $work/$key.pem; ssl_certificate_key $work/$key-key.pem; return 204; }
"
  done
done
cat >"$work/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
$servers}
NGX
nginx -c "$work/nginx.conf" -e "$work/error.log" & ngx_pid=$!
for _ in $(seq 50); do "$work/tls_handshake" 127.0.0.1 "${port[ec-1.3]}" 1 - - 0 >/dev/null 2>&1 && break; sleep 0.1; done

run() {  # client key version port round
  local out="$work/$2-$3-$1-$5"
  case $1 in
    c) "$work/tls_handshake" 127.0.0.1 "$4" "$count" "$work/$2.pem" "$3" >"$out.txt" ;;
    c-sys) "$work/tls_handshake" 127.0.0.1 "$4" "$count" "$work/$2.pem" "$3" 10 system >"$out.txt" ;;
    jsse-c2) "$JAVA_HOME/bin/java" -cp "$work/classes" TlsHandshakeLoop 127.0.0.1 "$4" "$warm" "$count" "$work/$2.pem" "$3" >"$out.txt" ;;
    jsse-c1) "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$work/classes" TlsHandshakeLoop \
               127.0.0.1 "$4" "$warm" "$count" "$work/$2.pem" "$3" >"$out.txt" ;;
    probe-*) ./waddleperf test "tls://localhost:$4" --count "$count" --interval 10ms --opt "ca_file=$work/$2.pem" \
               --opt "tls_library=${1#probe-}" --json >"$out.json" 2>/dev/null || true ;;
    http-*) ./waddleperf test "https://localhost:$4/" --count "$count" --interval 10ms --opt "ca_file=$work/$2.pem" \
               --opt "tls_library=${1#http-}" --opt protocol=http1 --json >"$out.json" 2>/dev/null || true ;;
    curl) for _ in $(seq "$count"); do
            curl -s -o /dev/null --cacert "$work/$2.pem" -w '%{time_connect} %{time_appconnect}\n' "https://localhost:$4/" |
              awk '{printf "%.4f %.4f curl -\n", $1 * 1000, ($2 - $1) * 1000}'
            sleep 0.01
          done >"$out.txt" ;;
  esac
}
for key in ec rsa; do
  for version in 1.3 1.2; do
    for r in $(seq "$rounds"); do
      for client in $clients; do run "$client" "$key" "$version" "${port[$key-$version]}" "$r"; done
      cut -d' ' -f1 /proc/loadavg >>"$work/load.txt"
    done
  done
done

echo "$(date -u +%FT%TZ) $rounds rounds x $count attempts per client, jsse warm-up $warm handshakes;" \
  "load $(sort -n "$work/load.txt" | head -1)-$(sort -n "$work/load.txt" | tail -1); $(openssl version)"
python3 - "$work" "$rounds" "$clients" <<'PY'
import json, os, statistics, sys
work, rounds, clients = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
ref = os.environ.get("REF", "c")
def read(path):
    if not os.path.exists(path):
        path = path[:-4] + ".json"
    if path.endswith(".json"):
        try:
            d = json.load(open(path))
        except (OSError, ValueError):
            return [], "-"
        a = d.get("raw_results", {}).get("attempts") or []
        return [x["tls_ms"] for x in a if x.get("tls_ms") is not None], \
            f'{d.get("tls_version")} {d.get("raw_results", {}).get("tls_library")}' if a else d.get("error")
    rows = [l.split() for l in open(path) if l.strip() and not l.startswith("failed")]
    return [float(r[1]) for r in rows], (rows[0][2] + " " + rows[0][3]) if rows else "-"
print(f"{'case':8} {'client':13} {'p50':>7} {'p10':>7} {'p90':>7} {'1st':>7} {'- ' + ref + ' (round medians)':>26}  negotiated")
for key in ("ec", "rsa"):
    for version in ("1.3", "1.2"):
        base = [read(f"{work}/{key}-{version}-{ref}-{r}.txt")[0] for r in range(1, rounds + 1)]
        base = [statistics.median(v) if v else float("nan") for v in base]
        for client in clients:
            per = [read(f"{work}/{key}-{version}-{client}-{r}.txt") for r in range(1, rounds + 1)]
            allv = sorted(v for vs, _ in per for v in vs)
            if not allv:
                print(f"{key + ' ' + version:8} {client:13} no result: {per[0][1]}"); continue
            q = statistics.quantiles(allv, n=10) if len(allv) > 1 else [allv[0]] * 9
            first = statistics.median([vs[0] for vs, _ in per if vs])
            diffs = [statistics.median(vs) - c for (vs, _), c in zip(per, base) if vs]
            d = "" if client == ref or ref not in clients else \
                f"{statistics.median(diffs):+.3f} ({min(diffs):+.3f}..{max(diffs):+.3f})"
            print(f"{key + ' ' + version:8} {client:13} {statistics.median(allv):7.3f} {q[0]:7.3f} {q[8]:7.3f} {first:7.3f} {d:>26}  {per[0][1]}")
PY
