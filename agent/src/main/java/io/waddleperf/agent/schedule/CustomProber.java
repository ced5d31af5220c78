package io.waddleperf.agent.schedule;

import io.waddleperf.core.autoperf.ProbeDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.probes.ProbeContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a custom probe: an external program whose standard output is one result object (docs/RESULTS.md). The agent
 * owns the fields that make a result its own — {@code id}, {@code source}, {@code device}, {@code tier} — and fills
 * {@code test_type}, {@code target}, {@code started_at} and {@code duration_ms} when the program leaves them out.
 * A program that runs past its timeout is killed (with its children), and one that exits non-zero or prints
 * something else than a result object gives a failed result saying so: failures are results here too.
 */
public final class CustomProber {

    /** Output beyond this is not a result object; reading stops there so a chatty program cannot fill memory. */
    static final int MAX_OUTPUT_BYTES = 1 << 20;

    private CustomProber() {
    }

    public static ProbeResult run(ProbeDefinition def, ProbeContext context, Duration limit) {
        Instant started = Instant.now(context.wallClock()).truncatedTo(ChronoUnit.MICROS);
        long t0 = context.clock().nanos();
        ProbeResult.Builder failed = ProbeResult.builder().id(UuidV7.next()).testType(def.testType())
                .target(def.target()).startedAt(started).source(context.source()).device(context.device())
                .tier(context.tier()).success(false);
        Process process;
        try {
            process = new ProcessBuilder(def.command()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return failed.durationMs(elapsed(context, t0)).error(ErrorKind.INVALID_TARGET.describe(
                    "cannot run " + def.command().getFirst() + ": " + e.getMessage())).build();
        }
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream()),
                r -> Thread.ofVirtual().start(r));
        boolean exited;
        try {
            exited = process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            kill(process);
            return failed.durationMs(elapsed(context, t0)).error(ErrorKind.TIMEOUT.describe(
                    "custom probe still running after " + limit.toMillis() + " ms; killed")).build();
        }
        double durationMs = elapsed(context, t0);
        byte[] out = output.join();
        if (process.exitValue() != 0) {
            return failed.durationMs(durationMs).error(ErrorKind.PROTOCOL_ERROR.describe(
                    "custom probe exited with status " + process.exitValue())).build();
        }
        try {
            JsonNode node = Json.mapper().readTree(new String(out, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode obj)) {
                throw new IOException("not a JSON object");
            }
            obj.remove(java.util.List.of("id", "source", "device", "tier"));
            obj.put("id", UuidV7.next().toString());
            obj.put("source", context.source().wireName());
            obj.put("tier", context.tier());
            obj.set("device", Json.mapper().valueToTree(context.device()));
            putIfAbsent(obj, "test_type", def.testType().wireName());
            putIfAbsent(obj, "target", def.target());
            putIfAbsent(obj, "started_at", started.toString());
            if (!obj.hasNonNull("duration_ms")) {
                obj.put("duration_ms", durationMs);
            }
            return Json.mapper().treeToValue(obj, ProbeResult.class);
        } catch (IOException | IllegalArgumentException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return failed.durationMs(durationMs).error(ErrorKind.PROTOCOL_ERROR.describe(
                    "custom probe printed no valid result object: " + why)).build();
        }
    }

    private static void putIfAbsent(ObjectNode obj, String field, String value) {
        if (!obj.hasNonNull(field) && value != null) {
            obj.put(field, value);
        }
    }

    private static double elapsed(ProbeContext context, long t0) {
        return Math.round(context.clock().millisSince(t0) * 1000.0) / 1000.0;
    }

    /** Kills the program and whatever it started, so a shell script's children do not outlive the timeout. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] readBounded(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() < MAX_OUTPUT_BYTES) {
                    out.write(buf, 0, Math.min(n, MAX_OUTPUT_BYTES - out.size()));
                }
            }
        } catch (IOException e) {
            // the process was killed or closed its output: what was read is all there is
        }
        return out.toByteArray();
    }
}
