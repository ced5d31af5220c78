package io.waddleperf.iperf3.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Samples every stream's counters once per reporting period from the test start (iperf3's default {@code -i 1}) so
 * each side's report has per-interval figures. Runs on a virtual thread; the samples are read after {@link #stop()},
 * and an optional listener sees each one as it is taken (live interval lines on a terminal).
 */
public final class IntervalReporter {

    private static final long DEFAULT_PERIOD_NANOS = 1_000_000_000L;

    /** One sample: monotonic time and each stream's counters, in stream order. */
    public record Sample(long nanos, List<DataStream.Counters> counters) {

        /** Each stream's byte count, in stream order. */
        public long[] bytes() {
            return counters.stream().mapToLong(DataStream.Counters::bytes).toArray();
        }
    }

    private final List<DataStream> streams;
    private final long startNanos;
    private final long periodNanos;
    private final Consumer<Sample> listener;
    private final List<Sample> samples = new ArrayList<>();
    private Thread thread;

    public IntervalReporter(List<DataStream> streams, long startNanos) {
        this(streams, startNanos, DEFAULT_PERIOD_NANOS, s -> { });
    }

    /**
     * @param periodNanos reporting period
     * @param listener called on the reporter's thread with each new sample (not with the zero sample)
     */
    public IntervalReporter(List<DataStream> streams, long startNanos, long periodNanos, Consumer<Sample> listener) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + periodNanos + " ns");
        }
        this.streams = List.copyOf(streams);
        this.startNanos = startNanos;
        this.periodNanos = periodNanos;
        this.listener = listener;
        List<DataStream.Counters> zero = new ArrayList<>();
        for (int i = 0; i < this.streams.size(); i++) {
            zero.add(new DataStream.Counters(0, 0, 0, 0, 0));
        }
        samples.add(new Sample(startNanos, List.copyOf(zero)));
    }

    public void start() {
        thread = Thread.ofVirtual().name("iperf3-reporter").start(this::loop);
    }

    private void loop() {
        long next = startNanos + periodNanos;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                listener.accept(take(next));
                next += periodNanos;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Sample take(long nanos) {
        List<DataStream.Counters> counters = new ArrayList<>(streams.size());
        for (DataStream s : streams) {
            counters.add(s.counters());
        }
        Sample sample = new Sample(nanos, List.copyOf(counters));
        synchronized (samples) {
            samples.add(sample);
        }
        return sample;
    }

    /**
     * Stops sampling and adds a last, possibly partial, sample at the streams' end (when it is more than 1 % of a
     * period after the previous one); returns that sample, or null when none was added.
     */
    public Sample stop() throws InterruptedException {
        thread.interrupt();
        thread.join();
        long end = streams.stream().mapToLong(s -> s.endNanos).max().orElse(System.nanoTime());
        synchronized (samples) {
            if (end - samples.getLast().nanos() > periodNanos / 100) {
                return take(end);
            }
        }
        return null;
    }

    /** The samples taken, first the zero sample at the start. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    public long startNanos() {
        return startNanos;
    }
}
