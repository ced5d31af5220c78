package io.waddleperf.probes.trace;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reverse DNS names of hop addresses (PTR lookups through the system resolver), all at once on virtual threads and
 * bounded by one overall budget: a name not found in time is left out rather than stalling the result, as the JDK
 * offers no per-lookup timeout.
 */
final class ReverseNames {

    private ReverseNames() {
    }

    static Map<InetAddress, String> lookup(Collection<InetAddress> addresses, Duration budget) throws InterruptedException {
        Map<InetAddress, String> names = new HashMap<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<InetAddress, Future<String>> pending = new HashMap<>();
            for (InetAddress a : new LinkedHashSet<>(addresses)) {
                pending.put(a, pool.submit(() -> InetAddress.getByAddress(a.getAddress()).getCanonicalHostName()));
            }
            long deadline = System.nanoTime() + budget.toNanos();
            for (Map.Entry<InetAddress, Future<String>> e : pending.entrySet()) {
                try {
                    String name = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    // getCanonicalHostName returns the address text itself when there is no PTR record.
                    if (name != null && !name.equals(e.getKey().getHostAddress())) {
                        names.put(e.getKey(), name);
                    }
                } catch (TimeoutException | ExecutionException ignored) {
                    // No name in time, or the lookup failed: the hop is shown by its address.
                }
            }
        } finally {
            pool.shutdownNow(); // never wait for lookups still blocked in the resolver
        }
        return names;
    }
}
