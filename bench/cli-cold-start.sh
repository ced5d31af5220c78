#!/usr/bin/env bash
# Cold wall time of a one-shot `./waddleperf test tcp://127.0.0.1:<port> --json` (a fresh JVM every run) with the
# launcher's AppCDS archive, against the same command without it, in one invocation. Variants are interleaved
# (A B C D E, A B C D E, ...) so machine drift hits all alike; one unmeasured warm-up round first (it also builds the
# jar and lets the launcher create its archive). Prints every variant's median and min, and ratios to the launcher.
#   usage: bench/cli-cold-start.sh [runs=10]
# Variants:
#   launcher      ./waddleperf as shipped (AppCDS archive from its training run; C1 only + SerialGC for one-shot commands)
#   no-cds        ./waddleperf with WADDLEPERF_JAVA_OPTS=-Xshare:off (no class-data sharing at all)
#   jdk-cds       java -jar with the launcher's flags but only the JDK's default CDS archive (no app archive)
#   first-cmd-cds java -jar with a dynamic archive auto-created by the first one-shot command (`--version`): the
#                 launcher's former behaviour, kept to show why it changed
#   aot-cache     java -jar with a JDK 25 AOT cache (JEP 483/514/515) from the launcher's training workload
#                 (`demo --probes-only`, as the launcher), so it competes with the AppCDS archive on equal terms
#   java-version  java -Xshare:auto -version: the floor, a JVM start and exit with no application
#   script-only   ./waddleperf with a stand-in JDK whose java does nothing: the launcher script's own cost (JDK
#                 detection, the staleness check over the source tree)
# Also prints the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
work="$(mktemp -d)"
cleanup() { kill "${listener_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

./waddleperf --version >/dev/null   # builds the jar first if needed
jdk="${WADDLEPERF_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="app/target/waddleperf.jar"
quick=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# A TCP listener on loopback that accepts and closes, so every probe succeeds.
python3 - "$work/port" <<'PY' & listener_pid=$!
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); s.listen(128)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.close()
PY
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
target="tcp://127.0.0.1:$port"

# Training run for the AOT cache (JDK 25: -XX:AOTCacheOutput records, then creates the cache at exit), on the
# launcher's own training workload; and the former launcher archive, auto-created by `--version`.
"$jdk/bin/java" "${quick[@]}" -XX:AOTCacheOutput="$work/app.aot" -jar "$jar" demo --probes-only >"$work/aot-train.log" 2>&1
"$jdk/bin/java" "${quick[@]}" -XX:SharedArchiveFile="$work/first.jsa" -XX:+AutoCreateSharedArchive -Xlog:cds=off \
  -Xlog:cds+dynamic=off -jar "$jar" --version >/dev/null 2>&1

# The launcher's own cost: the script with a stand-in "JDK" whose java does nothing (its archive already exists,
# made by the --version call above, so no training is started).
mkdir -p "$work/stub/bin"
echo 'JAVA_VERSION="25"' >"$work/stub/release"
ln -s /bin/true "$work/stub/bin/java"; ln -s /bin/true "$work/stub/bin/javac"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$runs" "$jdk" "$jar" "$target" "$work" "${quick[@]}" <<'PY'
import os, statistics, subprocess, sys, time
runs, jdk, jar, target, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
quick = sys.argv[6:]
cmd = ["test", target, "--json"]
variants = {
    "launcher": (["./waddleperf", *cmd], {}),
    "no-cds": (["./waddleperf", *cmd], {"WADDLEPERF_JAVA_OPTS": "-Xshare:off"}),
    "jdk-cds": ([f"{jdk}/bin/java", *quick, "-jar", jar, *cmd], {}),
    "first-cmd-cds": ([f"{jdk}/bin/java", *quick, f"-XX:SharedArchiveFile={work}/first.jsa", "-Xlog:cds=off",
                       "-Xlog:cds+dynamic=off", "-jar", jar, *cmd], {}),
    "aot-cache": ([f"{jdk}/bin/java", *quick, f"-XX:AOTCache={work}/app.aot", "-jar", jar, *cmd], {}),
    "java-version": ([f"{jdk}/bin/java", "-Xshare:auto", "-version"], {}),
    "script-only": (["./waddleperf", *cmd], {"WADDLEPERF_JAVA_HOME": f"{work}/stub"}),
}
times = {k: [] for k in variants}
for rnd in range(runs + 1):          # round 0 is the unmeasured warm-up
    for name, (argv, extra) in variants.items():
        env = dict(os.environ, **extra)
        t0 = time.perf_counter()
        p = subprocess.run(argv, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if name in ("java-version", "script-only"):      # the floor: a JVM with the JDK's CDS archive and no application
            if p.returncode != 0:
                sys.exit(f"{name}: exit {p.returncode}")
        elif p.returncode != 0 or not p.stdout.lstrip().startswith("{"):
            sys.exit(f"{name}: exit {p.returncode}, stdout {p.stdout[:200]!r}, stderr {p.stderr[:400]!r}")
        if p.stderr.strip() and name not in ("java-version", "script-only"):
            print(f"note: {name} wrote to stderr: {p.stderr.strip()[:200]}")
        if rnd > 0:
            times[name].append(dt * 1000)
base = statistics.median(times["launcher"])
print(f"{'variant':<13} {'median ms':>10} {'min ms':>8} {'ratio to launcher':>18}   ({runs} runs each, interleaved)")
for name, ts in times.items():
    m = statistics.median(ts)
    print(f"{name:<13} {m:10.0f} {min(ts):8.0f} {m / base:18.2f}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
