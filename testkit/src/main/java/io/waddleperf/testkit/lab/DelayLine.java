package io.waddleperf.testkit.lab;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of a delay relay: deliveries run on a dedicated platform thread exactly {@code delay} after the data
 * was received, in arrival order (the delay is fixed, so arrival order is due order and a FIFO queue suffices).
 */
final class DelayLine implements AutoCloseable {

    /** Below this much remaining wait the thread spins instead of parking, because parking overshoots by ~50 µs. */
    private static final long SPIN_NANOS = 150_000;

    /** A delivery later than this counts as late (a tenth of a millisecond). */
    static final long LATE_NANOS = 100_000;

    private record Item(long dueNanos, Runnable delivery) {
    }

    private final long delayNanos;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong maxLatenessNanos = new AtomicLong();
    private final AtomicLong lateDeliveries = new AtomicLong();
    private volatile boolean closed;

    DelayLine(String name, Duration delay) {
        this.delayNanos = delay.toNanos();
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::deliverLoop);
    }

    /** The most a delivery started after its due time. */
    long maxLatenessNanos() {
        return maxLatenessNanos.get();
    }

    /** Deliveries that started more than {@link #LATE_NANOS} after their due time. */
    long lateDeliveries() {
        return lateDeliveries.get();
    }

    /** Schedules {@code delivery} for {@code receivedNanos} ({@link System#nanoTime()}) plus the delay. */
    void submit(long receivedNanos, Runnable delivery) {
        queue.add(new Item(receivedNanos + delayNanos, delivery));
    }

    private void deliverLoop() {
        RealtimeScheduling.raiseCallingThread();
        try {
            while (!closed) {
                Item item = queue.take();
                long remaining;
                while ((remaining = item.dueNanos() - System.nanoTime()) > 0) {
                    if (remaining > SPIN_NANOS) {
                        LockSupport.parkNanos(remaining - SPIN_NANOS);
                        if (closed) {
                            return;
                        }
                    } else {
                        Thread.onSpinWait();
                    }
                }
                long lateness = System.nanoTime() - item.dueNanos();
                maxLatenessNanos.accumulateAndGet(lateness, Math::max);
                if (lateness > LATE_NANOS) {
                    lateDeliveries.incrementAndGet();
                }
                item.delivery().run();
            }
        } catch (InterruptedException e) {
            // close() interrupts: nothing more to deliver.
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
