package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.net.Errno;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.SocketScope;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testkit.ResultSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ICMP traceroute by a process that may open no ICMP socket falls back to the system traceroute, which, run
 * without privileges, cannot send ICMP either: the result says {@code permission_denied}, as the socket call's own
 * failure would, not {@code internal_error}. The system traceroute really runs as the unprivileged user
 * {@code nobody} ({@code setpriv}), so this needs root to start it that way.
 */
class UnprivilegedTracerouteIT {

    @TempDir
    Path dir;

    @Test
    void a_system_traceroute_without_privileges_is_permission_denied() throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is not installed (util-linux)");
        Requirements.require(Files.isExecutable(Path.of("/usr/sbin/traceroute")),
                "no system traceroute installed (apt-get install traceroute)");
        Requirements.require("root".equals(System.getProperty("user.name")), "starting a process as nobody needs root");
        Path asNobody = dir.resolve("traceroute-as-nobody");
        Files.writeString(asNobody, "#!/bin/sh\nexec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups"
                + " /usr/sbin/traceroute \"$@\"\n");
        Files.setPosixFilePermissions(asNobody, PosixFilePermissions.fromString("rwxr-xr-x"));
        TracerouteProber prober = new TracerouteProber(new PathTracer(SocketScope.HOST, family -> {
            throw new NativeException("socket", Errno.EPERM);
        }, new SystemTraceroute(asNobody.toString())));
        TracerouteSpec spec = (TracerouteSpec) TargetParser.parse("trace://127.0.0.1",
                new ProbeOptions(null, null, Duration.ofSeconds(1), null, Map.of("resolve", "false")));

        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, prober, ProbeContext.of(Source.CLI)));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("permission_denied").contains("privileges");
    }
}
