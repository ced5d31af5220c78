#!/usr/bin/env bash
# Per-phase timing overhead of the http and tls probes against curl, on loopback, against nginx (C, so the server
# adds as little and as steady a time as possible): plain HTTP/1.1, HTTPS (nginx negotiates h2 with ALPN), and the
# tls probe's handshake. Repetitions interleaved (ours, curl, ours, curl ...); each of our runs is a fresh one-shot
# JVM through the launcher, so attempt 1 is a cold JVM's first exchange. Prints medians per phase for attempt 1 and
# for attempts 2..N separately. curl's phases: connect = time_connect - time_namelookup, tls = time_appconnect -
# time_connect, ttfb = time_starttransfer, total = time_total; curl is given the server's own certificate
# (--cacert), so it does not load the system's whole CA bundle inside its handshake.
#   usage: bench/http-tls-overhead.sh [repetitions=7] [attempts per run=10]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-7}"; count="${2:-10}"
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }
work="$(mktemp -d)"
cleanup() { kill "${ngx_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./waddleperf --version >/dev/null   # builds the jar first if needed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); https_port=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
cat >"$work/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location = /health { default_type application/json; return 200 '{"status":"healthy"}'; }
  }
}
NGX
nginx -c "$work/nginx.conf" -e "$work/error.log" & ngx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$http_port/health" && break; sleep 0.1; done

python3 - "$reps" "$count" "$http_port" "$https_port" "$work/cert.pem" <<'PY'
import json, os, statistics, subprocess, sys
reps, count, http_port, https_port, cert = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
F = ("connect_ms", "tls_ms", "ttfb_ms", "total_time_ms")
cases = [("http", f"http://127.0.0.1:{http_port}/health", [], f"http://127.0.0.1:{http_port}/health"),
         ("https", f"https://127.0.0.1:{https_port}/health", ["--opt", "ca_file=" + cert], f"https://127.0.0.1:{https_port}/health"),
         ("tls", f"tls://127.0.0.1:{https_port}", ["--opt", "ca_file=" + cert], f"https://127.0.0.1:{https_port}/health")]
for name, url, extra, curl_url in cases:
    data, loads = {}, []
    add = lambda who, key, f, v: data.setdefault((who, key, f), []).append(v)
    for _ in range(reps):
        out = subprocess.run(["./waddleperf", "test", url, "--count", str(count), "--json"] + extra,
                             capture_output=True, text=True).stdout
        for a in json.loads(out)["raw_results"]["attempts"]:
            for f in F:
                if a.get(f) is not None: add("ours", "first" if a["attempt"] == 1 else "rest", f, a[f])
        for i in range(count):
            t = [float(x) * 1000 for x in subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "--cacert", cert, "-w",
                 "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}", curl_url],
                capture_output=True, text=True).stdout.split()]
            key = "first" if i == 0 else "rest"
            add("curl", key, "connect_ms", t[1] - t[0])
            if name != "http": add("curl", key, "tls_ms", t[2] - t[1])
            add("curl", key, "ttfb_ms", t[3]); add("curl", key, "total_time_ms", t[4])
        loads.append(os.getloadavg()[0])
    print(f"\n{name}: {url}, {reps} runs x {count} attempts, load {min(loads):.1f}-{max(loads):.1f}")
    print(f"{'attempts':8} {'phase':14} {'ours':>8} {'curl':>8} {'ours-curl':>9}")
    for key in ("first", "rest"):
        for f in F:
            o, c = data.get(("ours", key, f)), data.get(("curl", key, f))
            if o and c:
                mo, mc = statistics.median(o), statistics.median(c)
                print(f"{'1' if key == 'first' else '2..N':8} {f:14} {mo:8.3f} {mc:8.3f} {mo - mc:+9.3f}")
PY
