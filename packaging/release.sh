#!/bin/sh
# Assembles the release folder waddleperf-<version>/ and its .tar.gz from the runnable jar and the packaging files:
#   bin/waddleperf        launcher (finds a Java 25 runtime, runs ../lib/waddleperf.jar)
#   lib/waddleperf.jar    the application
#   systemd/              units, sysusers.d and tmpfiles.d snippets
#   examples/             one configuration per program
#   deploy/               compose.yaml and the Kubernetes manifests
#   docs/, README.md      the documentation
# Usage: packaging/release.sh VERSION JAR OUTDIR   (run by `./mvnw package` in the app module)
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 VERSION JAR OUTDIR" >&2
  exit 2
fi
version="$1" jar="$2" out="$3"
src="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$jar" ] || { echo "release.sh: no jar at $jar" >&2; exit 2; }

name="waddleperf-$version"
dir="$out/$name"
rm -rf "$dir" "$out/$name.tar.gz"
mkdir -p "$dir/bin" "$dir/lib" "$dir/systemd" "$dir/examples" "$dir/deploy/kubernetes" "$dir/docs"

install -m 0755 "$src/packaging/bin/waddleperf" "$dir/bin/waddleperf"
install -m 0644 "$jar" "$dir/lib/waddleperf.jar"
install -m 0644 "$src"/packaging/systemd/*.service "$dir/systemd/"
install -m 0644 "$src/packaging/systemd/waddleperf.sysusers" "$dir/systemd/waddleperf-sysusers.conf"
install -m 0644 "$src/packaging/systemd/waddleperf.tmpfiles" "$dir/systemd/waddleperf-tmpfiles.conf"
install -m 0644 "$src"/packaging/examples/*.yml "$dir/examples/"
install -m 0644 "$src/compose.yaml" "$dir/deploy/compose.yaml"
install -m 0644 "$src"/packaging/kubernetes/*.yaml "$dir/deploy/kubernetes/"
install -m 0644 "$src"/docs/*.md "$dir/docs/"
install -m 0644 "$src/README.md" "$dir/README.md"

# Reproducible archive: fixed owner, order and times.
tar -C "$out" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00:00Z' \
  -czf "$out/$name.tar.gz" "$name"
echo "$dir"
