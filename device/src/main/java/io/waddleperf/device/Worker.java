package io.waddleperf.device;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A background loop on a virtual thread of its own, as the manager link and the result forwarder run: the body loops
 * while {@link #running()}, waits with {@link #pause} (which {@link #wake} cuts short) or {@link #sleep} (which only
 * {@link #close} cuts short), and backs off with a {@link Backoff}.
 */
public final class Worker implements AutoCloseable {

    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;
    private final Thread thread;

    public Worker(String name, Consumer<Worker> body) {
        this.thread = Thread.ofVirtual().name(name).start(() -> body.accept(this));
    }

    public boolean running() {
        return running;
    }

    /** Ends the current {@link #pause} early (or the next one, if none is under way). */
    public void wake() {
        wake.release();
    }

    /** Waits up to {@code d}, less if woken. */
    public void pause(Duration d) {
        try {
            if (wake.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Waits {@code d} whatever else happens, except closing. */
    public void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the loop and waits up to 5 s for its current step. */
    @Override
    public void close() {
        running = false;
        wake.release();
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits that double from {@code first} up to {@code max} while failures go on. */
    public static final class Backoff {
        private final Duration first;
        private final Duration max;
        private Duration next;

        public Backoff(Duration first, Duration max) {
            this.first = first;
            this.max = max.compareTo(first) < 0 ? first : max;
            this.next = first;
        }

        /** The wait after one more failure, between half and all of the current step (full jitter would retry at once). */
        public Duration next() {
            Duration d = next;
            next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
            return Duration.ofMillis(Math.round(d.toMillis() * ThreadLocalRandom.current().nextDouble(0.5, 1.0)));
        }

        /** The step before the next wait, for log lines. */
        public Duration peek() {
            return next;
        }

        public void reset() {
            next = first;
        }
    }
}
