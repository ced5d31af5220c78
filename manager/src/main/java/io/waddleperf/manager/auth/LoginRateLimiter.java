package io.waddleperf.manager.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per account and per client address over a sliding window; while either is at its limit,
 * logins for it are refused before the password is even checked (so guessing costs the attacker time, not the
 * server Argon2 work). A success clears the account's count. Counts live in this process: each manager node of a
 * cluster limits on its own.
 */
public final class LoginRateLimiter {

    /**
     * Above this many tracked keys expired ones are swept, so the maps stay bounded under a spray of names; the next
     * sweep waits until the map has doubled again, so the sweeps cost O(1) per failure however many keys are live.
     */
    private static final int SWEEP_ABOVE = 10_000;

    private final int maxPerAccount;
    private final int maxPerIp;
    private final Duration window;
    private final InstantSource clock;
    private final Failures accounts = new Failures();
    private final Failures addresses = new Failures();

    /** Failure times per key, and the size at which the next sweep of expired keys runs. */
    private static final class Failures {
        final Map<String, Deque<Instant>> byKey = new ConcurrentHashMap<>();
        volatile int sweepAt = SWEEP_ABOVE;
    }

    public LoginRateLimiter(int maxPerAccount, int maxPerIp, Duration window, InstantSource clock) {
        this.maxPerAccount = maxPerAccount;
        this.maxPerIp = maxPerIp;
        this.window = window;
        this.clock = clock;
    }

    /** How long until a login for this account from this address may be tried again; empty when it may now. */
    public Optional<Duration> blockedFor(String account, String address) {
        Instant now = clock.instant();
        Optional<Duration> a = blocked(accounts, account, maxPerAccount, now);
        Optional<Duration> b = blocked(addresses, address, maxPerIp, now);
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().compareTo(b.get()) > 0 ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }

    public void recordFailure(String account, String address) {
        Instant now = clock.instant();
        record(accounts, account, now);
        record(addresses, address, now);
    }

    public void recordSuccess(String account) {
        accounts.byKey.remove(key(account));
    }

    private Optional<Duration> blocked(Failures failures, String key, int max, Instant now) {
        Deque<Instant> q = failures.byKey.get(key(key));
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            expire(q, now);
            if (q.size() < max) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, q.peekFirst().plus(window)));
        }
    }

    private void record(Failures failures, String key, Instant now) {
        Map<String, Deque<Instant>> map = failures.byKey;
        if (map.size() > failures.sweepAt) {
            map.values().removeIf(q -> {
                synchronized (q) {
                    expire(q, now);
                    return q.isEmpty();
                }
            });
            failures.sweepAt = Math.max(SWEEP_ABOVE, 2 * map.size());
        }
        Deque<Instant> q = map.computeIfAbsent(key(key), k -> new ArrayDeque<>());
        synchronized (q) {
            expire(q, now);
            q.addLast(now);
        }
    }

    private void expire(Deque<Instant> q, Instant now) {
        Instant cutoff = now.minus(window);
        while (!q.isEmpty() && !q.peekFirst().isAfter(cutoff)) {
            q.pollFirst();
        }
    }

    private static String key(String k) {
        return k == null ? "" : k.toLowerCase(java.util.Locale.ROOT);
    }
}
