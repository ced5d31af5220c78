# Shared by the bench scripts that compare our test server with nginx (Debian package nginx): starting both on
# 127.0.0.1 from a temp dir, never the system service. Source it from a script that has cd'd to the repository root,
# then call bench_init.

# bench_init TOOL...: checks the tools are installed, makes the temp dir "work", and stops the servers and removes
# it when the script exits
bench_init() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $*)" >&2; exit 2; }
  done
  work="$(mktemp -d)"
  trap 'stop_servers; rm -rf "$work"' EXIT
}

# free_port STREAM|DGRAM: a port free on 127.0.0.1 right now
free_port() {
  python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_$1); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}

# start_testserver [extra flags...]: our test server (HTTP only, no auth, no iperf3); sets ours_port and ts_pid
start_testserver() {
  ./waddleperf --version >/dev/null   # builds the jar first if needed
  ./waddleperf testserver --bind 127.0.0.1 --http-port 0 --no-https --no-auth --no-iperf3 \
    --udp-echo-port "$(free_port DGRAM)" --data-dir "$work/data" "$@" >"$work/ts.log" 2>&1 & ts_pid=$!
  for _ in $(seq 300); do grep -qs "listening on [^:]*: http " "$work/ts.log" && break; sleep 0.2; done
  ours_port="$(sed -n 's/.*listening on [^:]*: http \([0-9]*\).*/\1/p' "$work/ts.log" | head -n 1)"
  [ -n "$ours_port" ] || { echo "test server did not start:" >&2; cat "$work/ts.log" >&2; exit 1; }
}

# start_nginx SERVER_BLOCK_LINES: nginx 1.22 in the foreground from a temp config, one server on a free port of
# 127.0.0.1 with the given directives (root, locations); access log off, keep-alive connections never closed by a
# request count. Sets nginx_port and nginx_pid; waits until it answers.
start_nginx() {
  mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
  nginx_port="$(free_port STREAM)"
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
user root;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  types { application/octet-stream bin; }
  server {
    listen 127.0.0.1:$nginx_port;
    $1
  }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" & nginx_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && return 0; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$work/nginx/logs/error.log" >&2; exit 1
}

# build_c NAME: compiles bench/c/NAME.c into $work/NAME
build_c() {
  gcc -O2 -Wall -o "$work/$1" "bench/c/$1.c" -lpthread
}

stop_servers() {
  [ -n "${ts_pid:-}" ] && kill "$ts_pid" 2>/dev/null || true
  [ -n "${nginx_pid:-}" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
