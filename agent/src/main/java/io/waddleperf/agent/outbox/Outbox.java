package io.waddleperf.agent.outbox;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox: results go into the {@link Spool} first, then one delivery thread per sink reads from that sink's
 * cursor, exports batches and moves the cursor on success. A failed export is retried after a backoff that starts at
 * {@code retry_initial} and doubles up to {@code retry_max} (with ±20 % jitter), for as long as it takes: the spool
 * holds the results meanwhile. A batch the destination refuses outright ({@link RejectedException}) is sent again
 * one result at a time, and a result refused on its own is written to {@code rejected/<sink>.jsonl} and passed over,
 * so one bad result cannot hold up the rest.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** How one sink is doing, for the status page and metrics. */
    public record SinkStatus(String name, long pending, long delivered, long rejected, long failures,
                             Instant lastSuccess, String lastError, Instant nextAttempt) {
    }

    private final Spool spool;
    private final Path rejectedDir;
    private final List<Sink> sinks;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private volatile boolean stopped;

    /** The state of one sink's delivery thread. */
    private final class Delivery {
        final Sink sink;
        Thread thread;
        volatile long delivered;
        volatile long rejected;
        volatile long failures;
        volatile Instant lastSuccess;
        volatile String lastError;
        volatile Instant nextAttempt;

        Delivery(Sink sink) {
            this.sink = sink;
        }
    }

    public Outbox(Spool spool, Path outboxDir, List<Sink> sinks, Duration retryInitial, Duration retryMax) {
        this.spool = spool;
        this.rejectedDir = outboxDir.resolve("rejected");
        this.sinks = List.copyOf(sinks);
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
        for (Sink s : sinks) {
            deliveries.put(s.name(), new Delivery(s));
        }
    }

    public Spool spool() {
        return spool;
    }

    /** Writes {@code result} to the spool; true when it was kept (see {@link Spool#append}). */
    public boolean accept(ProbeResult result) {
        return spool.append(Json.write(result)) >= 0;
    }

    /** Starts one delivery thread per sink. */
    public synchronized void start() {
        for (Delivery d : deliveries.values()) {
            if (d.thread == null) {
                d.thread = Thread.ofVirtual().name("outbox-" + d.sink.name()).start(() -> deliver(d));
            }
        }
    }

    private void deliver(Delivery d) {
        String name = d.sink.name();
        int failuresInRow = 0;
        while (!stopped) {
            try {
                List<SpooledResult> batch = spool.read(name, d.sink.maxBatch());
                if (batch.isEmpty()) {
                    spool.awaitNew(name, 1000);
                    continue;
                }
                try {
                    export(d, batch);
                    failuresInRow = 0;
                    d.lastSuccess = Instant.now();
                    d.nextAttempt = null;
                } catch (Exception e) {
                    if (stopped) {
                        return;
                    }
                    failuresInRow++;
                    d.failures++;
                    d.lastError = message(e);
                    Duration delay = backoff(failuresInRow);
                    d.nextAttempt = Instant.now().plus(delay);
                    if (failuresInRow == 1 || failuresInRow % 10 == 0) {
                        LOG.warn("outbox: sink '{}' failed ({} in a row): {}; {} results wait, next try in {} ms",
                                name, failuresInRow, d.lastError, spool.pending(name), delay.toMillis());
                    }
                    sleep(delay);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.error("outbox: delivery to '{}' stopped by an internal error; retrying in {} ms", name,
                        retryMax.toMillis(), e);
                try {
                    sleep(retryMax);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void export(Delivery d, List<SpooledResult> batch) throws Exception {
        try {
            d.sink.export(batch);
            ack(d, batch.getLast().seq(), batch.size());
        } catch (RejectedException e) {
            if (batch.size() == 1) {
                setAside(d, batch.getFirst(), e.getMessage());
                ack(d, batch.getFirst().seq(), 0);
                return;
            }
            LOG.info("outbox: sink '{}' refused a batch of {} ({}); sending its results one by one", d.sink.name(),
                    batch.size(), e.getMessage());
            for (SpooledResult r : batch) {
                try {
                    d.sink.export(List.of(r));
                    ack(d, r.seq(), 1);
                } catch (RejectedException one) {
                    setAside(d, r, one.getMessage());
                    ack(d, r.seq(), 0);
                }
            }
        }
    }

    private void ack(Delivery d, long seq, int delivered) throws IOException {
        spool.acknowledge(d.sink.name(), seq);
        d.delivered += delivered;
    }

    private void setAside(Delivery d, SpooledResult r, String why) throws IOException {
        Files.createDirectories(rejectedDir);
        Path file = rejectedDir.resolve(d.sink.name() + ".jsonl");
        Files.writeString(file, r.json() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        d.rejected++;
        LOG.warn("outbox: sink '{}' refused result {} ({}); it is set aside in {}", d.sink.name(), r.id(), why, file);
    }

    /** retry_initial × 2^(n-1), at most retry_max, spread by ±20 % so that agents do not retry in step. */
    Duration backoff(int failuresInRow) {
        Duration d = retryInitial;
        for (int i = 1; i < failuresInRow && d.compareTo(retryMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        if (d.compareTo(retryMax) > 0) {
            d = retryMax;
        }
        double factor = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofNanos((long) (d.toNanos() * factor));
    }

    private void sleep(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        while (!stopped && System.nanoTime() < until) {
            Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        if (stopped) {
            throw new InterruptedException("outbox closing");
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    public List<SinkStatus> status() {
        List<SinkStatus> out = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            out.add(new SinkStatus(d.sink.name(), spool.pending(d.sink.name()), d.delivered, d.rejected, d.failures,
                    d.lastSuccess, d.lastError, d.nextAttempt));
        }
        return out;
    }

    /** Stops delivery (an export in progress may finish), closes the sinks and the spool. */
    @Override
    public void close() {
        stopped = true;
        synchronized (spool) {
            spool.notifyAll();
        }
        for (Delivery d : deliveries.values()) {
            if (d.thread != null) {
                try {
                    d.thread.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (Sink s : sinks) {
            try {
                s.flush();
                s.close();
            } catch (Exception e) {
                LOG.warn("outbox: closing sink '{}' failed: {}", s.name(), message(e));
            }
        }
        try {
            spool.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
