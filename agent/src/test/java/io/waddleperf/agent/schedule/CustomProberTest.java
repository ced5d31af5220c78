package io.waddleperf.agent.schedule;

import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.autoperf.ProbeDefinition;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom probes: real programs (shell scripts) printing result objects, failing, and running too long. */
class CustomProberTest {

    @TempDir
    Path dir;

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.AGENT)
            .withDevice(new Device("s", "h", null, null, "agent", "t")).withTier(2);

    private ProbeDefinition script(String body) throws IOException {
        Path f = dir.resolve("probe-" + System.nanoTime() + ".sh");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return new ProbeDefinition(2, "app", null, List.of(f.toString(), "127.0.0.1"), TestType.HTTP, "https://app.example/",
                ProbeKind.LATENCY, Duration.ofSeconds(5));
    }

    @Test
    void takes_the_printed_result_and_stamps_it_as_the_agents() throws IOException {
        ProbeDefinition def = script("""
                echo '{"id": "not-ours", "test_type": "tcp", "target": "tcp://'$1':80", "success": true, "latency_ms": 12.5,
                  "source": "cli", "raw_results": {"checked": "login page"}}'
                """);

        ProbeResult r = ResultSchema.assertValid(CustomProber.run(def, CONTEXT, Duration.ofSeconds(5)));

        assertThat(r.success()).isTrue();
        assertThat(r.testType()).isEqualTo(TestType.TCP);
        assertThat(r.target()).isEqualTo("tcp://127.0.0.1:80");
        assertThat(r.latencyMs()).isEqualTo(12.5);
        assertThat(r.rawResults()).containsEntry("checked", "login page");
        assertThat(r.source()).isEqualTo(Source.AGENT);
        assertThat(r.tier()).isEqualTo(2);
        assertThat(r.device().serial()).isEqualTo("s");
        assertThat(r.id().version()).isEqualTo(7);
        assertThat(r.durationMs()).isPositive();
    }

    @Test
    void fills_type_and_target_from_the_configuration_when_the_program_leaves_them_out() throws IOException {
        ProbeResult r = ResultSchema.assertValid(CustomProber.run(script("echo '{\"success\": false, \"error\": "
                + "\"http_error: 503\"}'"), CONTEXT, Duration.ofSeconds(5)));

        assertThat(r.testType()).isEqualTo(TestType.HTTP);
        assertThat(r.target()).isEqualTo("https://app.example/");
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("http_error: 503");
    }

    @Test
    void a_failing_or_garbled_program_is_a_failed_result() throws IOException {
        ProbeResult exit = ResultSchema.assertValid(CustomProber.run(script("echo '{\"success\": true}'; exit 3"), CONTEXT,
                Duration.ofSeconds(5)));
        ProbeResult garbage = ResultSchema.assertValid(CustomProber.run(script("echo 'all good!'"), CONTEXT,
                Duration.ofSeconds(5)));
        ProbeResult unknownField = ResultSchema.assertValid(CustomProber.run(script("echo '{\"success\": true, "
                + "\"latency\": 3}'"), CONTEXT, Duration.ofSeconds(5)));
        ProbeResult missing = ResultSchema.assertValid(CustomProber.run(new ProbeDefinition(1, "x", null,
                List.of(dir.resolve("nope").toString()), TestType.TCP, null, ProbeKind.LATENCY, Duration.ofSeconds(1)),
                CONTEXT, Duration.ofSeconds(1)));

        assertThat(exit.error()).isEqualTo("protocol_error: custom probe exited with status 3");
        assertThat(garbage.error()).startsWith("protocol_error: custom probe printed no valid result object");
        assertThat(unknownField.error()).startsWith("protocol_error: custom probe printed no valid result object")
                .contains("latency");
        assertThat(missing.error()).startsWith("invalid_target: cannot run ");
        assertThat(List.of(exit, garbage, unknownField, missing)).allSatisfy(r -> assertThat(r.success()).isFalse());
    }

    /** Whether {@code pid} still runs: gone, or a zombie waiting for a parent that does not reap it, is not running. */
    private static boolean runs(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    }

    @Test
    void a_program_past_its_timeout_is_killed_with_its_children() throws IOException, InterruptedException {
        Path pidFile = dir.resolve("child.pid");
        ProbeDefinition def = script("sleep 60 & echo $! > " + pidFile + "; wait");
        long t0 = System.nanoTime();

        ProbeResult r = ResultSchema.assertValid(CustomProber.run(def, CONTEXT, Duration.ofMillis(500)));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.error()).isEqualTo("timeout: custom probe still running after 500 ms; killed");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        Thread.sleep(200);
        assertThat(runs(child)).as("the script's child").isFalse();
    }
}
