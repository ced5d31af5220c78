package io.waddleperf.manager.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.ingest.Ingestor;
import io.waddleperf.manager.ingest.ResultBinder;
import io.waddleperf.manager.ingest.ResultValidator;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.UUID;

/**
 * Where one batch's time goes on the ingest path, in process and on one thread (bench/manager-ingest-profile.sh,
 * docs/BENCHMARKS.md): JSON parse, schema check, binding to the result model, re-serialising, the fast lane that
 * checks and binds plain results in one ({@link ResultBinder}), and the whole ingest (checks plus the stored
 * transaction), each as the mean per batch over many warmed batches, in this thread's CPU time (the whole ingest also
 * in wall time).
 *
 * <p>usage: IngestProfile h2|mariadb [batches=200] [batch=500]
 */
public final class IngestProfile {

    private IngestProfile() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        ObjectMapper mapper = Json.mapper();
        ResultValidator validator = new ResultValidator();
        ResultBinder binder = new ResultBinder();
        // this thread's CPU time, not wall time: on a shared, loaded host wall time counts other processes' slices
        // (the transaction's waits on the database are then left out, which the whole-ingest figure says apart)
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long wall = 0;
        try (TestDatabases.Opened o = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(o.db());
            Ingestor ingestor = new Ingestor(results, validator, batch, InstantSource.system());
            Principal admin = new Principal(null, "bench", Role.GLOBAL_ADMIN, null);
            long[] t = new long[7];
            for (int round = 0; round < 2; round++) {
                // the first round warms the JIT and is not reported
                java.util.Arrays.fill(t, 0);
                wall = 0;
                for (int b = 0; b < batches; b++) {
                    byte[] body = IngestBench.body(batch, b * 7).getBytes(StandardCharsets.UTF_8);
                    long t0 = cpu.getCurrentThreadCpuTime();
                    JsonNode tree = mapper.readTree(body);
                    long t1 = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < tree.size(); i++) {
                        validator.check(tree.get(i), "[" + i + "]");
                    }
                    long t2 = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < tree.size(); i++) {
                        mapper.treeToValue(tree.get(i), ProbeResult.class);
                    }
                    long t3 = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < tree.size(); i++) {
                        mapper.writeValueAsString(tree.get(i));
                    }
                    long t4 = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < tree.size(); i++) {
                        if (binder.bind(tree.get(i)) == null) {
                            throw new IllegalStateException("the fast lane declined a plain result: " + tree.get(i));
                        }
                    }
                    long t5 = cpu.getCurrentThreadCpuTime();
                    io.waddleperf.manager.ingest.SubmittedJson.parse(body);
                    long t5b = cpu.getCurrentThreadCpuTime();
                    t[6] += t5b - t5;
                    t[5] += t5 - t4;
                    t5 = t5b;
                    long w0 = System.nanoTime();
                    // as the upload route does: the tree with each result's text, stored as its document
                    ingestor.ingest(io.waddleperf.manager.ingest.SubmittedJson.parse(body), admin, "127.0.0.1");
                    wall += System.nanoTime() - w0;
                    long t6 = cpu.getCurrentThreadCpuTime();
                    t[0] += t1 - t0;
                    t[1] += t2 - t1;
                    t[2] += t3 - t2;
                    t[3] += t4 - t3;
                    t[4] += t6 - t5;
                }
            }
            System.out.printf("%s, per batch of %d (mean of %d): parse %.2f ms, parse keeping each result's text "
                            + "%.2f ms, schema %.2f ms, bind %.2f ms, "
                            + "re-serialise %.2f ms, fast lane (check and bind in one) %.2f ms, whole ingest (parse with "
                            + "texts, checks, transaction) %.2f ms of this thread's CPU, %.2f ms of wall time%n", kind,
                    batch, batches, t[0] / 1e6 / batches, t[6] / 1e6 / batches, t[1] / 1e6 / batches,
                    t[2] / 1e6 / batches, t[3] / 1e6 / batches, t[5] / 1e6 / batches, t[4] / 1e6 / batches,
                    wall / 1e6 / batches);
        }
    }
}
