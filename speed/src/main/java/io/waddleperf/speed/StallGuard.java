package io.waddleperf.speed;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cuts off streams that move fewer than {@code minBytesPerSecond} over any {@code stallTimeout} window: a
 * slow-loris upload that trickles a byte now and then, or a download whose client stopped reading. A blocked read
 * or write cannot be interrupted, so the guard closes the connection underneath it, which fails the call.
 */
final class StallGuard implements AutoCloseable {

    private final long minBytesPerWindow;
    private final long windowNanos;
    private final ScheduledExecutorService timer;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

    StallGuard(long minBytesPerSecond, Duration stallTimeout) {
        this.windowNanos = stallTimeout.toNanos();
        this.minBytesPerWindow = (long) Math.ceil(minBytesPerSecond * (windowNanos / 1e9));
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("stall-guard")
                .factory());
        long tickNanos = Math.max(50_000_000L, windowNanos / 4);
        timer.scheduleAtFixedRate(this::check, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    /** One stream under watch: add its bytes as they move; close when the stream ends. */
    final class Watch implements AutoCloseable {
        final AtomicLong bytes = new AtomicLong();
        private final Runnable cutOff;
        private long windowStartNanos = System.nanoTime();
        private long windowStartBytes;
        volatile boolean cut;

        private Watch(Runnable cutOff) {
            this.cutOff = cutOff;
        }

        void add(long n) {
            bytes.addAndGet(n);
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }

    /** Watches a stream; {@code cutOff} closes its connection. */
    Watch watch(Runnable cutOff) {
        Watch w = new Watch(cutOff);
        watches.add(w);
        return w;
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : watches) {
            if (now - w.windowStartNanos < windowNanos) {
                continue;
            }
            long moved = w.bytes.get() - w.windowStartBytes;
            if (moved < minBytesPerWindow) {
                w.cut = true;
                watches.remove(w);
                w.cutOff.run();
            } else {
                w.windowStartNanos = now;
                w.windowStartBytes = w.bytes.get();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
