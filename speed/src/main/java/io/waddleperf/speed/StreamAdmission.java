package io.waddleperf.speed;

import io.waddleperf.core.clock.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces the speed test endpoints' limits: open streams per client and overall, and bytes per client (a token
 * bucket holding {@code bytesPerWindow} that refills over {@code window}, both directions together). A client is
 * the key the caller passes (its IP address); idle clients are forgotten so the table cannot grow without bound.
 */
public final class StreamAdmission {

    static final int SWEEP_THRESHOLD = 10_000;
    static final Duration STREAM_RETRY_AFTER = Duration.ofSeconds(1);
    /** A stream is only started with at least this much quota left, so it is not cut off before its first byte. */
    static final long MIN_START_BYTES = 64 * 1024;

    private final int perClientStreams;
    private final int globalStreams;
    private final long bytesPerWindow;
    private final double bytesPerNano;
    private final MonotonicClock clock;
    private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastSweepNanos;

    private static final class Client {
        int open;
        double tokens;
        long refilledNanos;
        boolean retired;

        Client(double tokens, long now) {
            this.tokens = tokens;
            this.refilledNanos = now;
        }
    }

    public StreamAdmission(int perClientStreams, int globalStreams, long bytesPerWindow, Duration window,
                           MonotonicClock clock) {
        this.perClientStreams = perClientStreams;
        this.globalStreams = globalStreams;
        this.bytesPerWindow = bytesPerWindow;
        this.bytesPerNano = (double) bytesPerWindow / window.toNanos();
        this.clock = clock;
        this.lastSweepNanos = new AtomicLong(clock.nanos());
    }

    /** Opens a stream for {@code client}; refused when it has too many open, the server is full or its bytes are spent. */
    public Stream acquire(String client) throws LimitExceededException {
        while (true) {
            long now = clock.nanos();
            Client c = client(client, now);
            synchronized (c) {
                if (c.retired) {
                    continue;
                }
                refill(c, now);
                if (c.tokens < Math.min(MIN_START_BYTES, bytesPerWindow)) {
                    throw new LimitExceededException("byte limit of " + bytesPerWindow + " bytes per client reached",
                            Duration.ofNanos((long) Math.ceil((1 << 20) / bytesPerNano)));
                }
                if (c.open >= perClientStreams) {
                    throw new LimitExceededException("at most " + perClientStreams
                            + " speed test streams may be open at once per client", STREAM_RETRY_AFTER);
                }
                if (open.incrementAndGet() > globalStreams) {
                    open.decrementAndGet();
                    throw new LimitExceededException("the server has its maximum of " + globalStreams
                            + " speed test streams open", STREAM_RETRY_AFTER);
                }
                c.open++;
                return new Stream(c);
            }
        }
    }

    /** When to retry after the byte quota ran out mid-stream: a rough second, the quota refills continuously. */
    public static Duration retryAfterBytes() {
        return STREAM_RETRY_AFTER;
    }

    /** Streams open now, all clients together. */
    public int open() {
        return open.get();
    }

    private void refill(Client c, long now) {
        long elapsed = now - c.refilledNanos;
        if (elapsed > 0) {
            c.tokens = Math.min(bytesPerWindow, c.tokens + elapsed * bytesPerNano);
            c.refilledNanos = now;
        }
    }

    private Client client(String key, long now) {
        if (clients.size() > SWEEP_THRESHOLD) {
            sweep(now);
        }
        return clients.computeIfAbsent(key, k -> new Client(bytesPerWindow, now));
    }

    /** Forgets clients with no open stream and a full bucket; at most once a second. */
    private void sweep(long now) {
        long last = lastSweepNanos.get();
        if (now - last < 1_000_000_000L || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        clients.entrySet().removeIf(e -> {
            Client c = e.getValue();
            synchronized (c) {
                refill(c, now);
                c.retired = c.open == 0 && c.tokens >= bytesPerWindow;
                return c.retired;
            }
        });
    }

    /** One open stream; counts its bytes against the client's quota. Closing twice releases once. */
    public final class Stream implements AutoCloseable {
        private final Client client;
        private boolean closed;

        private Stream(Client client) {
            this.client = client;
        }

        /** Takes up to {@code wanted} bytes from the client's quota; returns how many were granted (0: spent). */
        public long take(long wanted) {
            long now = clock.nanos();
            synchronized (client) {
                refill(client, now);
                long granted = (long) Math.min(wanted, Math.max(0, Math.floor(client.tokens)));
                client.tokens -= granted;
                return granted;
            }
        }

        @Override
        public void close() {
            synchronized (client) {
                if (closed) {
                    return;
                }
                closed = true;
                client.open--;
            }
            open.decrementAndGet();
        }
    }
}
