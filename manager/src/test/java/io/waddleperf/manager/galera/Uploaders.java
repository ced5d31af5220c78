package io.waddleperf.manager.galera;

import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Uploaders as the agent behaves: each sends a batch and waits for the answer; a batch that got no 200/201 (the
 * manager answered 503, the balancer 502, or the connection broke) is sent again, the same batch, after a pause, until
 * it is acknowledged. Counts what was acknowledged and how long the longest stretch without any acknowledgement
 * lasted. Bounded: every uploader stops at {@link #stop()} or when a batch stays unacknowledged for
 * {@link #GIVE_UP}.
 */
final class Uploaders implements AutoCloseable {

    static final Duration GIVE_UP = Duration.ofSeconds(120);
    private static final Duration PAUSE = Duration.ofMillis(200);

    private final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicLong lastAck = new AtomicLong(System.nanoTime());
    private final AtomicLong longestGap = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Starts {@code count} uploaders sending batches of {@code size} to the manager {@code base} gives (read before
     * every attempt, so a test may point them elsewhere) with {@code token}.
     */
    Uploaders(int count, int size, Supplier<String> base, String token) {
        for (int u = 0; u < count; u++) {
            int uploader = u;
            threads.add(Thread.ofPlatform().name("uploader-" + u).start(() -> {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                try {
                    while (!stop.get()) {
                        List<ProbeResult> batch = GaleraTesting.batch(uploader, size);
                        long since = System.nanoTime();
                        while (true) {
                            int status;
                            try {
                                status = GaleraTesting.upload(client, base.get(), token, batch);
                            } catch (IOException e) {
                                status = -1;
                            }
                            if (status == 200 || status == 201) {
                                break;
                            }
                            if (System.nanoTime() - since > GIVE_UP.toNanos()) {
                                throw new AssertionError("a batch stayed unacknowledged for " + GIVE_UP + " (last answer "
                                        + status + ")");
                            }
                            retries.incrementAndGet();
                            Thread.sleep(PAUSE);
                        }
                        batch.forEach(r -> acknowledged.add(r.id()));
                        batches.incrementAndGet();
                        long now = System.nanoTime();
                        long previous = lastAck.getAndSet(now);
                        longestGap.accumulateAndGet(now - previous, Math::max);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
    }

    /** Waits until {@code more} further batches were acknowledged (at most {@code timeout}); false when they were not. */
    boolean awaitMore(int more, Duration timeout) throws InterruptedException {
        int target = batches.get() + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (batches.get() < target) {
            if (System.nanoTime() > deadline || !failures.isEmpty()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Stops the uploaders after the batch each has in flight and waits for them; rethrows what one of them hit. */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(GIVE_UP.toSeconds() + 30));
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("an uploader failed: " + failures.getFirst(), failures.getFirst());
            throw e;
        }
    }

    Set<UUID> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    int batches() {
        return batches.get();
    }

    int retries() {
        return retries.get();
    }

    /** Resets the longest-gap figure (call right before the fault). */
    void resetGap() {
        lastAck.set(System.nanoTime());
        longestGap.set(0);
    }

    /** The longest time without any acknowledgement since {@link #resetGap()}. */
    Duration longestGap() {
        return Duration.ofNanos(Math.max(longestGap.get(), System.nanoTime() - lastAck.get()));
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(10_000);
        }
    }
}
