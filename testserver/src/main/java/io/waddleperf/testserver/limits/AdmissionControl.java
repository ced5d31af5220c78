package io.waddleperf.testserver.limits;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.testserver.TestServerConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces the test API's limits: requests per client per minute (token bucket with a burst), running tests per
 * client, and running tests overall. A client is whatever key the caller passes (the client's IP address).
 * Idle clients are forgotten so the table cannot grow without bound.
 */
public final class AdmissionControl {

    /** Clients tracked before idle ones are swept out. */
    static final int SWEEP_THRESHOLD = 10_000;
    /** A finished test frees its slot at an unknown time; clients are told to retry after this. */
    static final Duration CONCURRENCY_RETRY_AFTER = Duration.ofSeconds(1);

    private final TestServerConfig.Limits limits;
    private final MonotonicClock clock;
    private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong lastSweepNanos;

    private static final class Client {
        final TokenBucket bucket;
        int running;
        /** Set when swept out of the table; a caller holding a retired client looks it up again. */
        boolean retired;

        Client(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }

    public AdmissionControl(TestServerConfig.Limits limits, MonotonicClock clock) {
        this.limits = limits;
        this.clock = clock;
        this.lastSweepNanos = new AtomicLong(clock.nanos());
    }

    /** Counts one request against the client's rate; throws when the bucket is empty. */
    public void checkRate(String client) throws LimitExceededException {
        long now = clock.nanos();
        long waitNanos;
        while (true) {
            Client c = client(client, now);
            synchronized (c) {
                if (c.retired) {
                    continue;
                }
                waitNanos = c.bucket.tryTake(now);
                break;
            }
        }
        if (waitNanos > 0) {
            throw new LimitExceededException("rate limit of " + limits.perClientRequestsPerMinute()
                    + " requests per minute exceeded", Duration.ofNanos(waitNanos));
        }
    }

    /** Reserves a running-test slot for the client; close the permit when the test ends. */
    public Permit acquire(String client) throws LimitExceededException {
        while (true) {
            Client c = client(client, clock.nanos());
            synchronized (c) {
                if (c.retired) {
                    continue;
                }
                if (c.running >= limits.perClientConcurrency()) {
                    throw new LimitExceededException("at most " + limits.perClientConcurrency()
                            + " tests may run at once per client", CONCURRENCY_RETRY_AFTER);
                }
                if (running.incrementAndGet() > limits.globalConcurrency()) {
                    running.decrementAndGet();
                    throw new LimitExceededException("the server is running its maximum of " + limits.globalConcurrency()
                            + " tests", CONCURRENCY_RETRY_AFTER);
                }
                c.running++;
                return new Permit(this, c);
            }
        }
    }

    /** Tests running now, all clients together. */
    public int running() {
        return running.get();
    }

    /** Clients currently tracked (tests of the sweeping). */
    int trackedClients() {
        return clients.size();
    }

    void release(Object token) {
        Client c = (Client) token;
        synchronized (c) {
            c.running--;
        }
        running.decrementAndGet();
    }

    private Client client(String key, long now) {
        if (clients.size() > SWEEP_THRESHOLD) {
            sweep(now);
        }
        return clients.computeIfAbsent(key, k -> new Client(new TokenBucket(limits.perClientBurst(),
                limits.perClientRequestsPerMinute(), now)));
    }

    /** Forgets clients with nothing running and a full bucket; at most once a second, so a flood stays cheap. */
    private void sweep(long now) {
        long last = lastSweepNanos.get();
        if (now - last < 1_000_000_000L || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        clients.entrySet().removeIf(e -> {
            Client c = e.getValue();
            synchronized (c) {
                c.retired = c.running == 0 && c.bucket.isFull(now);
                return c.retired;
            }
        });
    }

    /** A running-test slot; closing it twice releases once. */
    public static final class Permit implements AutoCloseable {
        private final AdmissionControl owner;
        private final Object client;
        private boolean closed;

        private Permit(AdmissionControl owner, Object client) {
            this.owner = owner;
            this.client = client;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                owner.release(client);
            }
        }
    }
}
