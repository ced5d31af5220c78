#!/usr/bin/env bash
# Cold wall time of a one-shot `./waddleperf test tcp://127.0.0.1:<port>` (a fresh JVM every run), text and --json,
# with the launcher's AOT cache, against the same command under other start-up set-ups, in one invocation.
# Variants are interleaved (A B C D ..., A B C D ..., ...) so machine drift hits all alike; one unmeasured warm-up
# round first (it also builds the jar and lets the launcher create its archive). Prints every variant's median, p90
# and min wall time, the median CPU time (user + sys of the JVM: less disturbed than wall time when other processes
# compete for the cores), and ratios to the launcher's --json run.
#   usage: bench/cli-cold-start.sh [runs=10] [baseline.jar]
# Variants:
#   launcher      ./waddleperf test … --json as shipped (JDK 25 AOT cache from its training run; C1 only + SerialGC)
#   launcher-text ./waddleperf test … (the text report): the command the start-up goal is set for
#   no-cds        ./waddleperf with WADDLEPERF_JAVA_OPTS=-Xshare:off (no class-data sharing at all)
#   jdk-cds       java -jar with the launcher's flags but only the JDK's default CDS archive (no app archive)
#   appcds        java -jar with an AppCDS archive (-XX:ArchiveClassesAtExit) from the launcher's training workload
#                 (`demo --probes-only`): what the launcher used before the AOT cache, so the two compete on equal
#                 terms; appcds-text the same with the text report
#   aot, aot-text java -jar with the launcher's own AOT caches and flags, without the script: the JVM part of
#                 launcher and launcher-text, on equal terms with the baseline
#   baseline, baseline-text  (only with a baseline jar, e.g. one built from an older commit) that jar, run as the
#                 launcher runs its own jar without the script: the launcher's flags and AOT caches (one per output)
#                 from that jar's own training command. (Until 2026-12-07 the baseline ran with an AppCDS archive, as
#                 the launcher did before it moved to the AOT cache.)
#   java-version  java -Xshare:auto -version: the floor, a JVM start and exit with no application
#   script-only   ./waddleperf with a stand-in JDK whose java does nothing: the launcher script's own cost (JDK
#                 detection, the staleness check over the source tree)
# Also prints the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
baseline="${2:-}"
[ -z "$baseline" ] || baseline="$(readlink -f "$baseline")"
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

# Training run for the AppCDS archive, on the launcher's own training workload; and the baseline jar's AOT caches,
# made as the launcher makes its own (same flags, same training command, one cache per output).
"$jdk/bin/java" -XX:ArchiveClassesAtExit="$work/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off "${quick[@]}" \
  -jar "$jar" demo --probes-only >/dev/null 2>&1
./waddleperf test "$target" --json >/dev/null   # the launcher's --json cache (--version above made the text one)
oneshot=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching
  -XX:-AOTStubCaching)
if [ -n "$baseline" ]; then
  for output in text json; do
    "$jdk/bin/java" -XX:AOTCacheOutput="$work/baseline-$output.aot" -Xlog:aot*=off -Xlog:cds*=off "${oneshot[@]}" \
      -jar "$baseline" demo --probes-only --training-output "$output" >/dev/null 2>&1 || true
  done
fi

# The launcher's own cost: the script with a stand-in "JDK" whose java does nothing (its archive already exists,
# made by the --version call above, so no training is started).
mkdir -p "$work/stub/bin"
echo 'JAVA_VERSION="25"' >"$work/stub/release"
ln -s /bin/true "$work/stub/bin/java"; ln -s /bin/true "$work/stub/bin/javac"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$runs" "$jdk" "$jar" "$target" "$work" "$baseline" "${oneshot[*]}" "${quick[@]}" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, jdk, jar, target, work, baseline = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
oneshot = sys.argv[7].split()
quick = sys.argv[8:]
cmd = ["test", target, "--json"]
text = ["test", target]
appcds = [f"{jdk}/bin/java", f"-XX:SharedArchiveFile={work}/app.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", *quick,
          "-jar", jar]
variants = {
    "launcher": (["./waddleperf", *cmd], {}),
    "launcher-text": (["./waddleperf", *text], {}),
    "no-cds": (["./waddleperf", *cmd], {"WADDLEPERF_JAVA_OPTS": "-Xshare:off"}),
    "jdk-cds": ([f"{jdk}/bin/java", *quick, "-jar", jar, *cmd], {}),
    "appcds": ([*appcds, *cmd], {}),
    "appcds-text": ([*appcds, *text], {}),
}
def aot(cache, jar_file):
    return [f"{jdk}/bin/java", f"-XX:AOTCache={cache}", "-Xlog:aot*=off", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
            *oneshot, "-jar", jar_file]
variants["aot"] = ([*aot("app/target/waddleperf-oneshot-json.aot", jar), *cmd], {})
variants["aot-text"] = ([*aot("app/target/waddleperf-oneshot.aot", jar), *text], {})
if baseline:
    variants["baseline"] = ([*aot(f"{work}/baseline-json.aot", baseline), *cmd], {})
    variants["baseline-text"] = ([*aot(f"{work}/baseline-text.aot", baseline), *text], {})
variants["java-version"] = ([f"{jdk}/bin/java", "-Xshare:auto", "-version"], {})
variants["script-only"] = (["./waddleperf", *cmd], {"WADDLEPERF_JAVA_HOME": f"{work}/stub"})
floors = ("java-version", "script-only")
times = {k: [] for k in variants}
cpu = {k: [] for k in variants}
for rnd in range(runs + 1):          # round 0 is the unmeasured warm-up
    for name, (argv, extra) in variants.items():
        env = dict(os.environ, **extra)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(argv, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        # CPU time of the child (waited for, so counted in RUSAGE_CHILDREN; the launcher execs java, so it is the JVM's)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        usage = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000
        rc, out, err = p.returncode, p.stdout, p.stderr
        if name in floors:
            if rc != 0:
                sys.exit(f"{name}: exit {rc}")
        elif rc != 0 or (name.endswith("-text") == out.lstrip().startswith("{")):
            sys.exit(f"{name}: exit {rc}, stdout {out[:200]!r}, stderr {err[:400]!r}")
        if err.strip() and name not in floors:
            print(f"note: {name} wrote to stderr: {err.strip()[:200]}")
        if rnd > 0:
            times[name].append(dt * 1000)
            cpu[name].append(usage)
base = statistics.median(times["launcher"])
def p90(ts):
    return sorted(ts)[max(0, int(round(0.9 * len(ts))) - 1)]
print(f"{'variant':<14} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'cpu ms':>8} {'ratio to launcher':>18}"
      f"   ({runs} runs each, interleaved)")
for name, ts in times.items():
    m = statistics.median(ts)
    c = statistics.median(cpu[name])
    print(f"{name:<14} {m:10.0f} {p90(ts):8.0f} {min(ts):8.0f} {c:8.0f} {m / base:18.2f}")
if baseline:
    # Each round ran both in the same minute: the median of the per-round ratios is less hit by load swings.
    for new, old in (("aot-text", "baseline-text"), ("aot", "baseline")):
        wall = statistics.median(a / b for a, b in zip(times[new], times[old]))
        used = statistics.median(a / b for a, b in zip(cpu[new], cpu[old]))
        print(f"{new} / {old}: wall {wall:.2f}, cpu {used:.2f} (median of per-round ratios)")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
