#!/usr/bin/env bash
# Builds WaddlePerf's container images from packaging/container/Dockerfile with Podman and starts each one for real,
# without a container engine daemon and without pulling from a registry (CI machines have neither):
#
#   scripts/images.sh bases   stand-ins for the two base images, made from Debian's archive and this machine's JDK
#   scripts/images.sh build   podman build of the three targets (testserver, manager, agent) from the unmodified
#                             Dockerfile, after `./mvnw -DskipTests package` made app/target/waddleperf.jar
#   scripts/images.sh smoke   each built image's root mounted and its ENTRYPOINT + CMD run in it under chroot as the
#                             image's user with the image's environment: /health must answer 200 over loopback, the
#                             process must not run as root, the image's own HEALTHCHECK must pass, it must stop on
#                             SIGTERM, and the Java runtime must hold every module jdeps finds in the jar
#   scripts/images.sh all     the three in order
#
# Needs root, podman, debootstrap, chroot, unshare, ss (free ports), curl and a JDK 25 (JAVA_HOME or /usr/lib/jvm).
# The stand-ins: debian:bookworm-slim is `debootstrap --variant=minbase bookworm` imported as that name;
# eclipse-temurin:25-jdk is it plus the local Temurin 25 JDK in /opt/java/openjdk. A machine that can pull the real
# ones does not need `bases` (it keeps images of those names that already exist).
#
# WADDLEPERF_IMAGE_CACHE (default /var/cache/waddleperf-images) keeps the debootstrap root as a tarball named by the
# day, so CI runs on the same day skip debootstrap; older tarballs are removed. WADDLEPERF_IMAGE_TAG (default test)
# tags the built images localhost/waddleperf-<target>:<tag>.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKERFILE="$ROOT/packaging/container/Dockerfile"
JAR="$ROOT/app/target/waddleperf.jar"
TARGETS=(testserver manager agent)
TAG="${WADDLEPERF_IMAGE_TAG:-test}"
CACHE="${WADDLEPERF_IMAGE_CACHE:-/var/cache/waddleperf-images}"
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
TEMURIN_IMAGE=docker.io/library/eclipse-temurin:25-jdk
MIRROR="${WADDLEPERF_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# How long one program may take to answer /health after it was started (a loaded 2-core CI machine is slow).
START_SECONDS="${WADDLEPERF_IMAGE_START_SECONDS:-120}"

say() { printf 'images.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

need() {
  [ "$(id -u)" = 0 ] || die "needs root (podman build with chroot isolation, mounts, chroot)"
  for c in podman debootstrap chroot unshare ss mount umount; do
    command -v "$c" >/dev/null || die "needs $c on PATH (apt-get install podman debootstrap)"
  done
}

jdk_home() {
  local h="${JAVA_HOME:-}"
  if [ -z "$h" ] || [ ! -x "$h/bin/jlink" ] || ! "$h/bin/java" -version 2>&1 | grep -q 'version "25'; then
    h="$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1 || true)"
  fi
  [ -n "$h" ] && [ -x "$h/bin/jlink" ] || die "no JDK 25 found (set JAVA_HOME or install Temurin 25 in /usr/lib/jvm)"
  printf '%s' "$h"
}

image() { printf 'localhost/waddleperf-%s:%s' "$1" "$TAG"; }

# --- bases --------------------------------------------------------------------------------------------------------

debian_tarball() {
  local day tarball work
  day="$(date -u +%Y%m%d)"
  tarball="$CACHE/debian-bookworm-minbase-$day.tar"
  mkdir -p "$CACHE"
  if [ ! -s "$tarball" ]; then
    work="$(mktemp -d "$CACHE/debootstrap.XXXXXX")"
    say "debootstrap --variant=minbase bookworm from $MIRROR (cached as $tarball)"
    if ! debootstrap --variant=minbase bookworm "$work/root" "$MIRROR" >"$work/log" 2>&1; then
      tail -n 20 "$work/log" >&2
      rm -rf "$work"
      die "debootstrap failed (log above)"
    fi
    # What the slim image leaves out: package lists, downloaded packages, documentation.
    rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"*.bin "$work/root/var/cache/apt/archives/"*.deb \
      "$work/root/usr/share/doc/"* "$work/root/usr/share/man/"* "$work/root/usr/share/info/"*
    tar --numeric-owner --xattrs -C "$work/root" -cf "$work/root.tar" .
    mv "$work/root.tar" "$tarball"
    rm -rf "$work"
    find "$CACHE" -maxdepth 1 -name 'debian-bookworm-minbase-*.tar' ! -name "${tarball##*/}" -delete
  fi
  printf '%s' "$tarball"
}

bases() {
  need
  local tarball day jdk ctx
  if ! podman image exists "$DEBIAN_IMAGE"; then
    tarball="$(debian_tarball)"
    say "importing $tarball as $DEBIAN_IMAGE"
    podman import --quiet --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$tarball" "$DEBIAN_IMAGE" >/dev/null
  fi
  if ! podman image exists "$TEMURIN_IMAGE"; then
    jdk="$(jdk_home)"
    ctx="$(mktemp -d)"
    say "making $TEMURIN_IMAGE from $DEBIAN_IMAGE and $jdk"
    # Dereferenced: a Debian-packaged JDK links its cacerts and more into /etc, which the image does not have.
    cp -rL "$jdk" "$ctx/openjdk"
    cat >"$ctx/Containerfile" <<EOF
FROM $DEBIAN_IMAGE
COPY openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
    podman build --isolation chroot --pull=never --quiet -t "$TEMURIN_IMAGE" "$ctx" >/dev/null || {
      rm -rf "$ctx"; die "building the stand-in $TEMURIN_IMAGE failed"; }
    rm -rf "$ctx"
  fi
}

# --- build --------------------------------------------------------------------------------------------------------

build() {
  need
  [ -s "$JAR" ] || die "$JAR is missing: run ./mvnw -DskipTests package first"
  local version t
  version="$(cd "$(mktemp -d)" && "$(jdk_home)/bin/jar" xf "$JAR" META-INF/MANIFEST.MF \
    && sed -n 's/^Implementation-Version: *//p' META-INF/MANIFEST.MF | tr -d '\r'; rm -rf "$PWD")"
  for t in "${TARGETS[@]}"; do
    say "podman build --target $t -> $(image "$t")"
    # --format docker keeps HEALTHCHECK, which the OCI image format has no field for.
    podman build --isolation chroot --pull=never --format docker --layers \
      --build-arg "VERSION=${version:-dev}" \
      --build-arg "REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
      -f "$DOCKERFILE" --target "$t" -t "$(image "$t")" "$ROOT" >&2
  done
}

# --- smoke --------------------------------------------------------------------------------------------------------

free_port() { # $1: tcp or udp. A random high port nothing on this machine uses (ss, from iproute2).
  local used p
  used="$(ss -Hln"${1:0:1}" | awk '{n = split($4, a, ":"); print a[n]}')"
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    grep -qx "$p" <<<"$used" || { printf '%s\n' "$p"; return 0; }
  done
  die "found no free $1 port"
}

inspect_lines() { # $1 image, $2 go template range over a list: one element a line
  podman image inspect --format "{{range $2}}{{println .}}{{end}}" "$1" | sed '/^$/d'
}

# Runs argv (after the first six arguments) in the image root $1 as user $2 with the image's environment (file $3)
# plus overrides (file $4), with host folder $5 bound over the image's data folder $6 (none when empty): in a mount
# namespace of its own (proc, dev, a writable /tmp and the data folder mounted into the root only there), so nothing
# stays mounted on the host once it ends, however it ends. The process keeps the caller's PID (unshare, sh, chroot and env all exec).
in_image() {
  local mnt="$1" user="$2" envfile="$3" overrides="$4" data="$5" image_data="$6"
  shift 6
  local -a envs=()
  mapfile -t envs < <(cat "$envfile" "$overrides")
  exec unshare --mount --propagation private -- /bin/sh -c '
    set -e
    mnt="$1"; data="$2"; image_data="$3"; shift 3
    mount -t proc proc "$mnt/proc"
    mount --bind /dev "$mnt/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$mnt/tmp"
    [ -z "$data" ] || mount --bind "$data" "$mnt$image_data"
    exec "$@"' sh "$mnt" "$data" "$image_data" \
    chroot --userspec="$user" "$mnt" /usr/bin/env -i "${envs[@]}" "$@"
}

# Sends SIGTERM to child $1, SIGKILL if it still runs $2 seconds later; returns its exit status. Polls /proc rather
# than `kill -0`, which also succeeds on a child that has ended but is not yet reaped.
stop_program() {
  local i state rc=0
  kill "$1" 2>/dev/null || true
  for i in $(seq 1 $(($2 * 5))); do
    state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
    [ -n "$state" ] && [ "$state" != Z ] || break
    sleep 0.2
  done
  [ -z "$state" ] || [ "$state" = Z ] || kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || rc=$?
  return "$rc"
}

smoke_one() { # $1 target
  local t="$1" img mnt="" user work pid="" status http ok=0 code body i rc
  img="$(image "$t")"
  podman image exists "$img" || die "$img is not built: run scripts/images.sh build"
  work="$(mktemp -d)"
  cleanup_one() {
    [ -z "$pid" ] || stop_program "$pid" 20 || true
    pid=""
    [ -z "$mnt" ] || podman image unmount "$img" >/dev/null 2>&1 || true
    mnt=""
    rm -rf "$work"
  }
  fail_one() { say "$t: $*"; cleanup_one; trap stop_jdeps EXIT; }
  trap 'cleanup_one; stop_jdeps' EXIT
  user="$(podman image inspect --format '{{.Config.User}}' "$img")"
  case "$user" in ""|0|root|0:*|root:*) die "$img runs as root (USER '$user')";; esac
  local -a argv health
  mapfile -t argv < <(inspect_lines "$img" .Config.Entrypoint; inspect_lines "$img" .Config.Cmd)
  mapfile -t health < <(inspect_lines "$img" .Config.Healthcheck.Test)
  [ "${health[0]:-}" = CMD ] || die "$img has no exec-form HEALTHCHECK (got '${health[*]:-none}')"
  inspect_lines "$img" .Config.Env >"$work/env"
  local data_var data_dir
  data_var="WADDLEPERF_$(printf '%s' "$t" | tr a-z A-Z)_DATA_DIR"
  data_dir="$(sed -n "s/^$data_var=//p" "$work/env")"
  [ -n "$data_dir" ] || die "$img sets no $data_var"

  # Free loopback ports for everything it listens on (the host's network: no network namespace here).
  http="$(free_port tcp)"
  case "$t" in
    testserver) printf '%s\n' WADDLEPERF_TESTSERVER_BIND=127.0.0.1 "WADDLEPERF_TESTSERVER_HTTP_PORT=$http" \
        "WADDLEPERF_TESTSERVER_HTTPS_PORT=$(free_port tcp)" "WADDLEPERF_TESTSERVER_UDP_ECHO_PORT=$(free_port udp)" \
        "WADDLEPERF_TESTSERVER_IPERF3__PORT=$(free_port tcp)" ;;
    manager) printf '%s\n' WADDLEPERF_MANAGER_BIND=127.0.0.1 "WADDLEPERF_MANAGER_PORT=$http" ;;
    agent) printf '%s\n' WADDLEPERF_AGENT_TARGET_SERVER=127.0.0.1 WADDLEPERF_AGENT_AUTOPERF__ENABLED=false \
        WADDLEPERF_AGENT_STATUS__BIND=127.0.0.1 "WADDLEPERF_AGENT_STATUS__PORT=$http" ;;
  esac >"$work/overrides"

  mnt="$(podman image mount "$img")"
  # The data folder: a fresh one owned by the image's user, bound over the image's (the image root is read-only).
  mkdir -p "$work/data"
  chown "$user" "$work/data"
  chmod 0750 "$work/data"
  say "$t: starting '${argv[*]}' as $user in $mnt (HTTP on 127.0.0.1:$http)"
  (trap - EXIT TERM INT HUP; in_image "$mnt" "$user" "$work/env" "$work/overrides" "$work/data" "$data_dir" \
    "${argv[@]}") >"$work/log" 2>&1 &
  pid=$!
  for i in $(seq 1 "$((START_SECONDS * 2))"); do
    kill -0 "$pid" 2>/dev/null || break
    if code="$(curl -s -o "$work/body" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$http/health")" \
        && [ "$code" = 200 ]; then
      ok=1; break
    fi
    sleep 0.5
  done
  if [ "$ok" != 1 ]; then
    if kill -0 "$pid" 2>/dev/null; then
      say "$t: /health did not answer 200 within ${START_SECONDS}s (last: ${code:-no answer}); its output:"
    else
      say "$t: the program ended before /health answered 200; its output:"
    fi
    cat "$work/log" >&2
    cleanup_one; trap stop_jdeps EXIT
    return 1
  fi
  body="$(cat "$work/body")"
  grep -q '"status":"healthy"' <<<"$body" || { fail_one "/health says $body"; return 1; }
  status="$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")"
  local comm; comm="$(cat "/proc/$pid/comm")"
  [ "$comm" = java ] || { fail_one "process $pid is '$comm', not java"; return 1; }
  # Real, effective, saved and file-system uid: all the image's user, none root.
  for u in $status; do
    [ "$u" != 0 ] || { fail_one "java runs as root (Uid: $status)"; return 1; }
    [ "$u" = "${user%%:*}" ] || { fail_one "java runs as uid $u, not the image's user $user"; return 1; }
  done
  local effcaps u_pid="$pid"; effcaps="$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")"
  [ "$effcaps" = 0000000000000000 ] || { fail_one "java holds capabilities $effcaps"; return 1; }

  # The image's own HEALTHCHECK, run the way the engine would: inside the container, as its user, its environment.
  if ! (in_image "$mnt" "$user" "$work/env" "$work/overrides" "$work/data" "$data_dir" "${health[@]:1}") \
      >"$work/health.log" 2>&1; then
    say "$t: the image's HEALTHCHECK (${health[*]:1}) failed:"; cat "$work/health.log" >&2
    cleanup_one; trap stop_jdeps EXIT
    return 1
  fi
  # The graceful stop an engine asks for: SIGTERM to the container's process, which the launcher made java itself.
  rc=0
  stop_program "$pid" 30 || rc=$?
  pid=""
  if [ "$rc" != 0 ] && [ "$rc" != 143 ]; then
    say "$t: java ended with status $rc on SIGTERM (137: still running 30 s later); its output:"
    tail -n 30 "$work/log" >&2
    fail_one "did not stop cleanly"
    return 1
  fi
  say "$t: /health 200 ($body), java pid $u_pid runs as uid $u with no capabilities, HEALTHCHECK passes," \
    "stops on SIGTERM"
  cleanup_one
  trap stop_jdeps EXIT
}

# The Java runtime in the images holds every module jdeps finds in the jar ($1: a file with jdeps' answer).
modules() {
  local need have img mnt missing="" m env
  need="$(tr ',' ' ' <"$1")"
  [ -n "$need" ] || die "jdeps found no modules in $JAR"
  img="$(image testserver)"
  env="$(mktemp)"
  inspect_lines "$img" .Config.Env >"$env"
  mnt="$(podman image mount "$img")"
  # In the image, as its user: the launcher's dynamic linker needs /proc to find the runtime's own libraries.
  have="$( (in_image "$mnt" "$(podman image inspect --format '{{.Config.User}}' "$img")" "$env" /dev/null "" "" \
    /opt/waddleperf/jre/bin/java --list-modules) 2>&1 | sed 's/@.*//' || true)"
  podman image unmount "$img" >/dev/null || true
  rm -f "$env"
  for m in $need; do
    grep -qx "$m" <<<"$have" || missing="$missing $m"
  done
  [ -z "$missing" ] || die "the image's Java runtime lacks modules the jar uses:$missing" \
    "(add them to JAVA_MODULES in packaging/container/Dockerfile); it has: $(tr '\n' ' ' <<<"$have")"
  say "the image's Java runtime holds all $(wc -w <<<"$need") modules jdeps finds in the jar" \
    "($(wc -l <<<"$have") with what they require)"
}

# jdeps reads the whole 45 MB jar, which takes minutes on a loaded machine: it runs in the background while the
# images are built (`all`) or the programs start (`smoke`).
JDEPS_PID="" JDEPS_OUT=""
start_jdeps() {
  [ -z "$JDEPS_PID" ] || return 0
  [ -s "$JAR" ] || die "$JAR is missing: run ./mvnw -DskipTests package first"
  JDEPS_OUT="$(mktemp)"
  "$(jdk_home)/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$JAR" >"$JDEPS_OUT" 2>&1 &
  JDEPS_PID=$!
}
stop_jdeps() {
  [ -z "$JDEPS_PID" ] || kill "$JDEPS_PID" 2>/dev/null || true
  [ -z "$JDEPS_OUT" ] || rm -f "$JDEPS_OUT"
}

smoke() {
  need
  command -v curl >/dev/null || die "needs curl"
  local t
  start_jdeps
  for t in "${TARGETS[@]}"; do
    smoke_one "$t" || exit 1
  done
  wait "$JDEPS_PID" || { cat "$JDEPS_OUT" >&2; die "jdeps failed on $JAR"; }
  JDEPS_PID=""
  modules "$JDEPS_OUT"
  for t in "${TARGETS[@]}"; do
    say "$(image "$t"): $(podman image inspect --format '{{.Size}}' "$(image "$t")" | awk '{printf "%.0f MB", $1/1e6}')"
  done
}

timed() { # runs step $1 and says how long it took
  local started=$SECONDS
  "$1"
  say "$1 took $((SECONDS - started)) s"
}

trap stop_jdeps EXIT
# SIGTERM (a test's timeout) and ^C end the script through its EXIT trap, which stops what it started.
trap 'exit 143' TERM INT HUP
case "${1:-}" in
  bases) timed bases ;;
  build) timed build ;;
  smoke) timed smoke ;;
  all) need; start_jdeps; timed bases; timed build; timed smoke ;;
  *) echo "usage: $0 bases|build|smoke|all" >&2; exit 2 ;;
esac
