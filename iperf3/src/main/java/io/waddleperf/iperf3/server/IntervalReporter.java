package io.waddleperf.iperf3.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples every stream's byte count once a second from the test start (iperf3's default {@code -i 1}) so the server's
 * own report has per-second intervals. Runs on a virtual thread; the samples are read after {@link #stop()}.
 */
final class IntervalReporter {

    private static final long PERIOD_NANOS = 1_000_000_000L;

    /** One sample: monotonic time and each stream's byte count, in stream order. */
    record Sample(long nanos, long[] bytes) {
    }

    private final List<DataStream> streams;
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private Thread thread;

    IntervalReporter(List<DataStream> streams, long startNanos) {
        this.streams = streams;
        this.startNanos = startNanos;
        samples.add(new Sample(startNanos, new long[streams.size()]));
    }

    void start() {
        thread = Thread.ofVirtual().name("iperf3-reporter").start(this::loop);
    }

    private void loop() {
        long next = startNanos + PERIOD_NANOS;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                take(next);
                next += PERIOD_NANOS;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void take(long nanos) {
        long[] bytes = new long[streams.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = streams.get(i).bytes;
        }
        synchronized (samples) {
            samples.add(new Sample(nanos, bytes));
        }
    }

    /** Stops sampling and adds a last, possibly partial, sample at the streams' end. */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join();
        long end = streams.stream().mapToLong(s -> s.endNanos).max().orElse(System.nanoTime());
        synchronized (samples) {
            if (end - samples.getLast().nanos() > PERIOD_NANOS / 100) {
                take(end);
            }
        }
    }

    /** The samples taken, first the zero sample at the start. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    long startNanos() {
        return startNanos;
    }
}
