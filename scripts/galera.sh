#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback for people, built as the tests build theirs
# (testkit io.waddleperf.testkit.GaleraCluster): node k listens for SQL on 127.0.0.1:(BASE+k), for group
# communication on BASE+10+k, incremental state transfer on BASE+20+k and rsync state transfer on BASE+30+k; data,
# configuration, sockets and logs live under DIR. Needs mariadb-server, galera-4 and rsync (Debian packages).
#
#   scripts/galera.sh up     [--dir DIR] [--base-port BASE]   bootstrap node 1, join 2 and 3, wait until synced
#   scripts/galera.sh status [--dir DIR]                      wsrep_cluster_size and state of each node
#   scripts/galera.sh kill N [--dir DIR]                      kill -9 of node N
#   scripts/galera.sh start N [--dir DIR]                     node N joins the running cluster again
#   scripts/galera.sh down   [--dir DIR]                      clean shutdown of every node
#   scripts/galera.sh bootstrap [--dir DIR]                   whole-cluster start from the most advanced node
#   scripts/galera.sh purge  [--dir DIR]                      kill everything and delete DIR
#
# DIR defaults to /tmp/wp-galera, BASE to 13300. The manager reaches the cluster with
#   db.url: jdbc:mariadb:sequential://127.0.0.1:13301,127.0.0.1:13302,127.0.0.1:13303/waddleperf
#   db.user: waddleperf, db.password: waddleperf (made by `up`)
# Root (and so the nodes, as the mysql user) is reachable on each node's socket: mariadb -uroot -S DIR/nodeN/mysqld.sock
set -euo pipefail

usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}; [[ -n $cmd ]] || usage; shift
node=""
if [[ $cmd == kill || $cmd == start ]]; then node=${1:-}; [[ $node =~ ^[123]$ ]] || usage; shift; fi
dir=/tmp/wp-galera; base=13300
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ -f $dir/base-port ]] && base=$(cat "$dir/base-port")

for c in mariadbd mariadb-install-db mariadb rsync wsrep_sst_rsync; do
  command -v "$c" >/dev/null || PATH=$PATH:/usr/sbin command -v "$c" >/dev/null \
    || { echo "galera.sh: $c is not installed (apt-get install mariadb-server mariadb-client rsync)" >&2; exit 1; }
done
[[ -f /usr/lib/galera/libgalera_smm.so ]] || { echo "galera.sh: galera-4 is not installed (apt-get install galera-4)" >&2; exit 1; }
export PATH=$PATH:/usr/sbin

# as root the nodes run as mysql: the rsync state transfer then runs its daemon as nobody, which cannot write root's files
user_opt=(); [[ $(id -u) == 0 ]] && user_opt=(--user=mysql)

sql() { mariadb --no-defaults -uroot --socket="$dir/node$1/mysqld.sock" --batch --skip-column-names -e "$2"; }
state() { sql "$1" "SHOW GLOBAL STATUS WHERE variable_name IN ('wsrep_cluster_size','wsrep_local_state_comment')" 2>/dev/null \
  | awk '{printf "%s=%s ", $1, $2}'; }
# the launcher records the pid at once (mariadbd writes its own pid file only after start-up)
pid_of() { cat "$dir/node$1/launched.pid" 2>/dev/null; }
running() { local p; p=$(pid_of "$1") && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

wait_synced() { # node, timeout seconds
  for _ in $(seq 1 $(($2 * 5))); do
    running "$1" || { echo "galera.sh: node $1 exited; see $dir/node$1/error.log" >&2; tail -20 "$dir/node$1/error.log" >&2; exit 1; }
    [[ $(sql "$1" "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2 || true) == Synced ]] && return 0
    sleep 0.2
  done
  echo "galera.sh: node $1 not synced within $2 s; see $dir/node$1/error.log" >&2; exit 1
}

configure() {
  mkdir -p "$dir"; echo "$base" > "$dir/base-port"
  local address="gcomm://127.0.0.1:$((base + 11)),127.0.0.1:$((base + 12)),127.0.0.1:$((base + 13))"
  for k in 1 2 3; do
    mkdir -p "$dir/node$k/data"
    cat > "$dir/node$k/my.cnf" <<CNF
[mariadbd]
datadir=$dir/node$k/data
socket=$dir/node$k/mysqld.sock
pid-file=$dir/node$k/mariadbd.pid
log-error=$dir/node$k/error.log
port=$((base + k))
bind-address=127.0.0.1
skip-name-resolve
innodb_buffer_pool_size=128M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=wp_galera
wsrep_cluster_address=$address
wsrep_node_name=node$k
wsrep_node_address=127.0.0.1:$((base + 10 + k))
wsrep_node_incoming_address=127.0.0.1:$((base + k))
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$((base + 10 + k));ist.recv_addr=127.0.0.1:$((base + 20 + k));gcache.size=256M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((base + 30 + k))
CNF
  done
  [[ $(id -u) == 0 ]] && chown -R mysql:mysql "$dir"
  return 0
}

launch() { # node, extra args
  local k=$1; shift
  nohup mariadbd --defaults-file="$dir/node$k/my.cnf" "${user_opt[@]}" "$@" >>"$dir/node$k/stdout.log" 2>&1 &
  echo $! > "$dir/node$k/launched.pid"
}

case $cmd in
  up)
    running 1 && { echo "galera.sh: already up in $dir" >&2; exit 1; }
    configure
    mariadb-install-db --defaults-file="$dir/node1/my.cnf" "${user_opt[@]}" --skip-test-db \
      --auth-root-authentication-method=socket >/dev/null
    launch 1 --wsrep-new-cluster; wait_synced 1 60
    sql 1 "DROP USER IF EXISTS ''@'localhost', ''@'$(hostname)';
      CREATE DATABASE IF NOT EXISTS waddleperf CHARACTER SET utf8mb4;
      CREATE USER IF NOT EXISTS 'waddleperf'@'127.0.0.1' IDENTIFIED BY 'waddleperf';
      GRANT ALL ON waddleperf.* TO 'waddleperf'@'127.0.0.1';"
    for k in 2 3; do launch $k; wait_synced $k 120; done
    "$0" status --dir "$dir" ;;
  status)
    for k in 1 2 3; do
      if running $k; then echo "node$k 127.0.0.1:$((base + k)) $(state $k)"; else echo "node$k 127.0.0.1:$((base + k)) down"; fi
    done ;;
  kill)
    running "$node" && kill -9 "$(pid_of "$node")"; rm -f "$dir/node$node/launched.pid"
    echo "node$node killed" ;;
  start)
    running "$node" && { echo "galera.sh: node $node already runs" >&2; exit 1; }
    launch "$node"; wait_synced "$node" 120; "$0" status --dir "$dir" ;;
  down)
    for k in 1 2 3; do
      if running $k; then pid=$(pid_of $k); kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; fi
    done
    grep -H -E 'seqno|safe_to_bootstrap' "$dir"/node*/data/grastate.dat ;;
  bootstrap)
    # the node marked safe_to_bootstrap, else the highest seqno (recovered from InnoDB when the file says -1)
    best=""; best_seqno=-2
    for k in 1 2 3; do
      running $k && { echo "galera.sh: node $k still runs; run down first" >&2; exit 1; }
      g=$dir/node$k/data/grastate.dat
      if grep -q '^safe_to_bootstrap: 1' "$g"; then best=$k; break; fi
      seqno=$(awk '/^seqno:/ {print $2}' "$g")
      if [[ $seqno == -1 ]]; then
        mariadbd --defaults-file="$dir/node$k/my.cnf" "${user_opt[@]}" --wsrep-recover --log-error="$dir/node$k/recover.log"
        seqno=$(grep -o 'Recovered position: [0-9a-f-]*:[0-9-]*' "$dir/node$k/recover.log" | tail -1 | sed 's/.*://')
      fi
      if (( seqno > best_seqno )); then best=$k; best_seqno=$seqno; fi
    done
    echo "bootstrapping from node$best"
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$dir/node$best/data/grastate.dat"
    launch "$best" --wsrep-new-cluster; wait_synced "$best" 60
    for k in 1 2 3; do [[ $k == "$best" ]] || { launch $k; wait_synced $k 120; }; done
    "$0" status --dir "$dir" ;;
  purge)
    for k in 1 2 3; do
      running $k && kill -9 "$(pid_of $k)"
      # a state transfer's rsync daemon outlives a killed node; it records its pid in the node's data folder
      [[ -f $dir/node$k/data/rsync_sst.pid ]] && kill -9 "$(cat "$dir/node$k/data/rsync_sst.pid")" 2>/dev/null
    done
    rm -rf "$dir" ;;
  *) usage ;;
esac
