package io.waddleperf.probes;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.testkit.lab.LabJvm;
import io.waddleperf.testkit.lab.LabNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One probe run by the registered probers in a child JVM inside a lab namespace ({@link LabJvm}): everything the probe
 * does, name lookups included, happens in the namespace, as for a user on that host.
 */
public final class ProbeChild {

    private static final String RESULT_LINE = "PROBE_CHILD_RESULT ";

    private ProbeChild() {
    }

    /** Runs {@code target} (a URI as the CLI takes it, default options) from {@code node}; {@code dir} keeps the log. */
    public static ProbeResult run(LabNode node, Path dir, String target) throws Exception {
        Path log = Files.createTempFile(dir, "probe-", ".log");
        Process p = LabJvm.start(node, log, ProbeChild.class, target);
        p.getOutputStream().close();
        try {
            return Json.readResult(LabJvm.awaitLine(p, RESULT_LINE, 120, log));
        } finally {
            LabJvm.stop(p, 10);
        }
    }

    /** The child's entry point: {@code <target>}; prints the result as one JSON line. */
    public static void main(String[] args) {
        ProbeResult r = ProbeRunner.run(TargetParser.parse(args[0], ProbeOptions.DEFAULTS), ProbeContext.of(Source.CLI));
        System.out.println(RESULT_LINE + Json.write(r));
        System.out.flush();
        System.exit(0);
    }
}
