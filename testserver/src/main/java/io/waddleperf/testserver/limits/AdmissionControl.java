package io.waddleperf.testserver.limits;

import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.testserver.TestServerConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces the test API's limits: requests per client per minute (token bucket with a burst), running tests per
 * client, per API key and overall, and the bytes the server's probes move per client and per API key over a window.
 * A client is whatever key the caller passes (the client's IP address); an API key is its key id (never the key).
 * Idle clients are forgotten so the table cannot grow without bound; the key table holds only keys with tests
 * running, and there are only as many keys as the configuration names.
 */
public final class AdmissionControl {

    /** Clients tracked before idle ones are swept out. */
    static final int SWEEP_THRESHOLD = 10_000;
    /** A finished test frees its slot at an unknown time; clients are told to retry after this. */
    static final Duration CONCURRENCY_RETRY_AFTER = Duration.ofSeconds(1);

    private final TestServerConfig.Limits limits;
    private final MonotonicClock clock;
    private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();
    /** Tests running per key id; an entry goes when its count reaches 0. */
    private final ConcurrentHashMap<String, Integer> runningPerKey = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong lastSweepNanos;
    private final ByteBudget clientBytes;
    private final ByteBudget keyBytes;

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
        this.clientBytes = new ByteBudget(limits.perClientBytes(), limits.bytesWindow(), clock);
        this.keyBytes = new ByteBudget(limits.perKeyBytes(), limits.bytesWindow(), clock);
    }

    /**
     * Reserves up to {@code wanted} bytes for one test from the client's budget and, with a key, the key's; at least
     * {@code minimum}, else the test is refused. Settle the grant with the bytes the test moved once it ended.
     */
    public synchronized ByteGrant reserveBytes(String client, String keyId, long wanted, long minimum)
            throws LimitExceededException {
        long forClient = clientBytes.available(client);
        long forKey = keyId == null ? Long.MAX_VALUE : keyBytes.available(keyId);
        if (forClient < minimum) {
            throw new LimitExceededException(bytesSpent(clientBytes, "client"), clientBytes.untilAvailable(client, minimum));
        }
        if (forKey < minimum) {
            throw new LimitExceededException(bytesSpent(keyBytes, "API key"), keyBytes.untilAvailable(keyId, minimum));
        }
        long granted = Math.min(wanted, Math.min(forClient, forKey));
        clientBytes.take(client, granted);
        if (keyId != null) {
            keyBytes.take(keyId, granted);
        }
        return new ByteGrant(client, keyId, granted);
    }

    private String bytesSpent(ByteBudget budget, String per) {
        return "byte limit of " + budget.bytesPerWindow() + " bytes per " + limits.bytesWindow().toSeconds()
                + " s per " + per + " reached";
    }

    /** Bytes reserved for one test; {@link #settle(long)} once with what the test moved. */
    public final class ByteGrant {
        private final String client;
        private final String keyId;
        private final long bytes;
        private boolean settled;

        private ByteGrant(String client, String keyId, long bytes) {
            this.client = client;
            this.keyId = keyId;
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        /** Gives back what the test did not use, or takes what it moved beyond the grant. Settling twice does nothing. */
        public void settle(long moved) {
            synchronized (AdmissionControl.this) {
                if (settled) {
                    return;
                }
                settled = true;
                long unused = bytes - moved;
                if (unused > 0) {
                    clientBytes.giveBack(client, unused);
                } else {
                    clientBytes.take(client, -unused);
                }
                if (keyId != null) {
                    if (unused > 0) {
                        keyBytes.giveBack(keyId, unused);
                    } else {
                        keyBytes.take(keyId, -unused);
                    }
                }
            }
        }
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

    /** Reserves a running-test slot for a client without an API key (authentication disabled). */
    public Permit acquire(String client) throws LimitExceededException {
        return acquire(client, null);
    }

    /**
     * Reserves a running-test slot for the client calling with the key {@code keyId} (null: no key); close the
     * permit when the test ends.
     */
    public Permit acquire(String client, String keyId) throws LimitExceededException {
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
                if (keyId != null && !takeKeySlot(keyId)) {
                    running.decrementAndGet();
                    throw new LimitExceededException("at most " + limits.perKeyConcurrency()
                            + " tests may run at once per API key", CONCURRENCY_RETRY_AFTER);
                }
                c.running++;
                return new Permit(this, c, keyId);
            }
        }
    }

    private boolean takeKeySlot(String keyId) {
        boolean[] taken = new boolean[1];
        runningPerKey.compute(keyId, (k, n) -> {
            int now = n == null ? 0 : n;
            taken[0] = now < limits.perKeyConcurrency();
            return taken[0] ? now + 1 : (n == null ? null : n);
        });
        return taken[0];
    }

    private void releaseKeySlot(String keyId) {
        runningPerKey.computeIfPresent(keyId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Tests running now, all clients together. */
    public int running() {
        return running.get();
    }

    /** Clients currently tracked (tests of the sweeping). */
    int trackedClients() {
        return clients.size();
    }

    void release(Object token, String keyId) {
        Client c = (Client) token;
        synchronized (c) {
            c.running--;
        }
        if (keyId != null) {
            releaseKeySlot(keyId);
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
        private final String keyId;
        private boolean closed;

        private Permit(AdmissionControl owner, Object client, String keyId) {
            this.owner = owner;
            this.client = client;
            this.keyId = keyId;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                owner.release(client, keyId);
            }
        }
    }
}
