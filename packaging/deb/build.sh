#!/bin/sh
# Builds the Debian package waddleperf_<version>_all.deb with dpkg-deb:
#   /usr/share/waddleperf/waddleperf.jar    the application
#   /usr/bin/waddleperf                     launcher (finds a Java 25 runtime; Debian 12 ships none, so it is not a
#                                           dependency: install e.g. Temurin 25 or set JAVA_HOME)
#   /lib/systemd/system/waddleperf-*.service, /usr/lib/sysusers.d, /usr/lib/tmpfiles.d
#   /etc/waddleperf/{testserver,manager,agent}.yml   example configurations (conffiles)
#   /usr/share/doc/waddleperf/              README and docs
# postinst creates the system user `waddleperf`; the services are not enabled: configure, then
# `systemctl enable --now waddleperf-<program>`.
# Usage: packaging/deb/build.sh VERSION JAR OUTDIR   prints the path of the .deb
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 VERSION JAR OUTDIR" >&2
  exit 2
fi
version="$1" jar="$2" out="$3"
src="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$jar" ] || { echo "deb/build.sh: no jar at $jar" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "deb/build.sh: dpkg-deb not found (apt-get install dpkg)" >&2; exit 3; }

# Debian versions sort '~' before anything: 0.1.0~SNAPSHOT comes before the 0.1.0 release.
debversion="$(printf '%s' "$version" | sed 's/-/~/g')"
mkdir -p "$out"
root="$(mktemp -d "$out/debroot.XXXXXX")"
trap 'rm -rf "$root"' EXIT

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/waddleperf" "$root/lib/systemd/system" \
  "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" "$root/etc/waddleperf" "$root/usr/share/doc/waddleperf/docs"
install -m 0755 "$src/packaging/bin/waddleperf" "$root/usr/bin/waddleperf"
install -m 0644 "$jar" "$root/usr/share/waddleperf/waddleperf.jar"
install -m 0644 "$src"/packaging/systemd/*.service "$root/lib/systemd/system/"
install -m 0644 "$src/packaging/systemd/waddleperf.sysusers" "$root/usr/lib/sysusers.d/waddleperf.conf"
install -m 0644 "$src/packaging/systemd/waddleperf.tmpfiles" "$root/usr/lib/tmpfiles.d/waddleperf.conf"
for p in testserver manager agent; do
  install -m 0644 "$src/packaging/examples/$p.yml" "$root/etc/waddleperf/$p.yml"
  echo "/etc/waddleperf/$p.yml" >> "$root/DEBIAN/conffiles"
done
install -m 0644 "$src/README.md" "$root/usr/share/doc/waddleperf/README.md"
install -m 0644 "$src"/docs/*.md "$root/usr/share/doc/waddleperf/docs/"
install -m 0755 "$src/packaging/deb/postinst" "$src/packaging/deb/prerm" "$src/packaging/deb/postrm" "$root/DEBIAN/"

size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: waddleperf
Version: $debversion
Architecture: all
Maintainer: WaddlePerf maintainers <waddleperf@localhost>
Installed-Size: $size
Section: net
Priority: optional
Depends: adduser | systemd
Description: network performance testing and monitoring platform
 One Java application with a test server (UDP echo, iperf3, HTTP speed tests),
 an agent that measures on a schedule with AutoPerf tier escalation, and a
 manager that stores and charts results from many agents. Needs a Java 25
 runtime (found under JAVA_HOME, PATH or /usr/lib/jvm).
CONTROL

deb="$out/waddleperf_${debversion}_all.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
