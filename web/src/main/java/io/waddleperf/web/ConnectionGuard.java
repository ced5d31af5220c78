package io.waddleperf.web;

import io.waddleperf.core.address.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps slow and greedy clients from holding the HTTP(S) listeners' connections: a connection must deliver a complete
 * request head within the header timeout of opening or of its previous response (a slow-loris client trickling
 * header bytes, or a kept-alive connection left idle, is closed then), and one client address may hold at most a
 * given number of connections (further ones are closed as they open; trusted proxies, which carry many clients, are
 * exempt). Jetty's idle timeout alone cannot do the first: a byte every few seconds keeps it from ever firing.
 *
 * <p>Two parts: a {@link Connection.Listener} on each connector sees connections open and close at the network level
 * (for HTTPS, the TLS connection under the HTTP one), and this handler, outermost in the tree, sees each request
 * start (its head complete) and end (its callback completed). Between the two a sweeper closes connections waiting
 * too long for a head. Never blocks, so it does not move requests off Jetty's selector threads. Used by the test
 * server and the manager alike.
 */
public final class ConnectionGuard extends Handler.Wrapper implements Connection.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** How often refused and closed connections are summed up in the log. */
    static final Duration REPORT_PERIOD = Duration.ofMinutes(1);

    private final long headerTimeoutNanos;
    private final int maxPerClient;
    private final List<Cidr> exempt;
    private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
    /** Connections open per client address; an entry goes when its count reaches 0. */
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private volatile String lastRefused;
    private long reportedRefused;
    private long reportedTimedOut;

    /** One open network connection: its client and, while no request is in progress, since when it waits. */
    private static final class Tracked {
        final String client;
        int inProgress;
        long waitingSinceNanos;

        Tracked(String client, long now) {
            this.client = client;
            this.waitingSinceNanos = now;
        }
    }

    /**
     * @param headerTimeout longest wait for a complete request head
     * @param maxPerClient  connections one address may hold
     * @param exempt        addresses the per-address limit does not apply to (trusted proxies)
     */
    public ConnectionGuard(Duration headerTimeout, int maxPerClient, List<Cidr> exempt) {
        super(false);
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.maxPerClient = maxPerClient;
        this.exempt = List.copyOf(exempt);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("http-guard")
                .factory());
        long tick = Math.clamp(headerTimeoutNanos / 4, 50_000_000L, 1_000_000_000L);
        sweeper.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
        sweeper.scheduleWithFixedDelay(this::report, REPORT_PERIOD.toNanos(), REPORT_PERIOD.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Connections open now (tests). */
    public int openConnections() {
        return open.size();
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint network = connection.getEndPoint();
        if (network instanceof EndPoint.Wrapper) {
            return; // the HTTP connection over TLS: its TLS connection below was counted
        }
        String client = address(network.getRemoteSocketAddress());
        if (client == null) {
            return;
        }
        boolean exempt = exempt(client);
        boolean[] over = new boolean[1];
        perClient.compute(client, (c, n) -> {
            int now = n == null ? 0 : n;
            over[0] = now >= maxPerClient && !exempt;
            return over[0] ? n : Integer.valueOf(now + 1);
        });
        if (over[0]) {
            refused.incrementAndGet();
            lastRefused = client;
            network.close();
            return;
        }
        open.put(network, new Tracked(client, System.nanoTime()));
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked t = open.remove(connection.getEndPoint());
        if (t != null) {
            perClient.computeIfPresent(t.client, (c, n) -> n <= 1 ? null : n - 1);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        Tracked t = open.get(network(request.getConnectionMetaData().getConnection().getEndPoint()));
        if (t == null) {
            return next.handle(request, response, callback);
        }
        synchronized (t) {
            t.inProgress++;
        }
        Callback done = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                ended(t);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                ended(t);
                super.failed(x);
            }
        };
        boolean handled;
        try {
            handled = next.handle(request, response, done);
        } catch (Exception | Error e) {
            ended(t);
            throw e;
        }
        if (!handled) {
            ended(t);
        }
        return handled;
    }

    private static void ended(Tracked t) {
        synchronized (t) {
            if (t.inProgress > 0 && --t.inProgress == 0) {
                t.waitingSinceNanos = System.nanoTime();
            }
        }
    }

    /** Closes connections that have waited for a request head longer than the header timeout. */
    private void sweep() {
        long now = System.nanoTime();
        open.forEach((endPoint, t) -> {
            boolean late;
            synchronized (t) {
                late = t.inProgress == 0 && now - t.waitingSinceNanos > headerTimeoutNanos;
            }
            if (late) {
                timedOut.incrementAndGet();
                endPoint.close();
            }
        });
    }

    private synchronized void report() {
        long r = refused.get() - reportedRefused;
        long t = timedOut.get() - reportedTimedOut;
        reportedRefused += r;
        reportedTimedOut += t;
        if (r > 0 || t > 0) {
            LOG.warn("event=http_connections_limited seconds={} refused_over_per_client_limit={} last_refused_client={}"
                    + " closed_waiting_for_request_head={}", REPORT_PERIOD.toSeconds(), r,
                    r > 0 ? lastRefused : "-", t);
        }
    }

    private boolean exempt(String client) {
        if (exempt.isEmpty()) {
            return false;
        }
        InetAddress a = InetAddress.ofLiteral(client);
        return exempt.stream().anyMatch(c -> c.contains(a));
    }

    private static EndPoint network(EndPoint endPoint) {
        EndPoint e = endPoint;
        while (e instanceof EndPoint.Wrapper w) {
            e = w.unwrap();
        }
        return e;
    }

    private static String address(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : null;
    }

    /**
     * Never blocks itself (see the class comment), so it may run wherever the handler it wraps may: on the selector
     * thread in front of a handler that says it does not block (the test server's direct routes), on a thread of its
     * own in front of one that may (the manager's servlet context).
     */
    @Override
    public InvocationType getInvocationType() {
        Handler next = getHandler();
        return next == null ? InvocationType.NON_BLOCKING : next.getInvocationType();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
