package io.waddleperf.iperf3.server;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections that may be setting up at once (sending their cookie and, for a new test, their parameters): at most
 * {@code perAddress} from one address and {@code total} in all. A test takes its slot only once its parameters are
 * in, so connections that say nothing cost no slot; these seats bound what they can cost instead (a thread and a
 * socket each, for at most the setup timeout), so no address can fill the server with silent connections.
 */
final class SetupSeats {

    /** A seat; releasing it twice frees it once. */
    interface Seat {
        void release();
    }

    /** The seat of a connection that needs none (a data stream of a test from its own client). */
    static final Seat NONE = () -> { };

    private final int perAddress;
    private final int total;
    private final Map<InetAddress, Integer> taken = new ConcurrentHashMap<>();
    private int inUse;

    SetupSeats(int perAddress, int total) {
        this.perAddress = perAddress;
        this.total = total;
    }

    /** A seat for a connection from {@code client}, or null when its address or the server has none left. */
    synchronized Seat take(InetAddress client) {
        int mine = taken.getOrDefault(client, 0);
        if (mine >= perAddress || inUse >= total) {
            return null;
        }
        taken.put(client, mine + 1);
        inUse++;
        boolean[] released = new boolean[1];
        return () -> {
            synchronized (SetupSeats.this) {
                if (released[0]) {
                    return;
                }
                released[0] = true;
                inUse--;
                taken.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    /** Seats taken now (tests). */
    synchronized int inUse() {
        return inUse;
    }
}
