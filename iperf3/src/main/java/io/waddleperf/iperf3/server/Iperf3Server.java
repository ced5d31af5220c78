package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.ControlChannel;
import io.waddleperf.iperf3.ControlState;
import io.waddleperf.iperf3.Cookie;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iperf3 server that stock iperf3 ≥ 3.12 clients can test against: one TCP listener for control and TCP data
 * connections (told apart by cookie, as iperf3 does), UDP data on the same port number, at most
 * {@link Iperf3ServerConfig#maxConcurrentTests()} tests at once.
 *
 * <pre>{@code
 * try (Iperf3Server server = Iperf3Server.start(Iperf3ServerConfig.defaults().withBind(addr, 0))) {
 *     int port = server.port();
 * }
 * }</pre>
 */
public final class Iperf3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Iperf3Server.class);
    /** Connections one address may have setting up at once (a client needs one; retries and NAT a few more). */
    static final int SETUP_SEATS_PER_ADDRESS = 8;
    /** Connections that may be setting up at once, all addresses together. */
    static final int SETUP_SEATS = 256;

    private final Iperf3ServerConfig config;
    private final ServerSocketChannel listener;
    private final int port;
    private final Semaphore slots;
    private final SetupSeats seats = new SetupSeats(SETUP_SEATS_PER_ADDRESS, SETUP_SEATS);
    private final Map<Cookie, TestSession> awaitingStreams = new ConcurrentHashMap<>();
    private final Set<TestSession> sessions = ConcurrentHashMap.newKeySet();
    private final Object udpPortLock = new Object();
    private final Thread acceptor;
    private final Authenticator authenticator;
    private final TotalRateGuard rateGuard;
    private final Iperf3ServerEvents events;
    private volatile boolean closed;

    private Iperf3Server(Iperf3ServerConfig config, ServerSocketChannel listener, Authenticator authenticator,
            Iperf3ServerEvents events) throws IOException {
        this.config = config;
        this.events = events;
        this.listener = listener;
        this.authenticator = authenticator;
        this.rateGuard = new TotalRateGuard(config.totalRateLimitBitsPerSecond(), config.totalRateWindow());
        this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        this.slots = new Semaphore(config.maxConcurrentTests());
        this.acceptor = Thread.ofVirtual().name("iperf3-accept-" + port).unstarted(this::acceptLoop);
    }

    /**
     * Binds the listener and starts accepting; the port is bound when this returns.
     *
     * @throws IOException also when authentication is configured and its key or users file cannot be read
     */
    public static Iperf3Server start(Iperf3ServerConfig config) throws IOException {
        return start(config, Iperf3ServerEvents.NONE);
    }

    /** As {@link #start(Iperf3ServerConfig)}, telling {@code events} what each test goes through. */
    public static Iperf3Server start(Iperf3ServerConfig config, Iperf3ServerEvents events) throws IOException {
        Authenticator authenticator =
                config.auth() == null ? null : Authenticator.load(config.auth(), Clock.systemUTC());
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            // iperf3 sets SO_REUSEADDR only (netannounce, src/net.c).
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(config.bindAddress(), config.port()), 128);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        Iperf3Server server = new Iperf3Server(config, listener, authenticator, events);
        server.acceptor.start();
        LOG.info("iperf3 server listening on {}:{}", config.bindAddress().getHostAddress(), server.port);
        return server;
    }

    /** The bound TCP (and UDP) port. */
    public int port() {
        return port;
    }

    /** Tests running now (those holding a slot: their parameters are in). */
    public int activeTests() {
        return config.maxConcurrentTests() - slots.availablePermits();
    }

    /** Takes a slot for a test whose parameters are in; false when every slot is taken. */
    boolean takeSlot() {
        return !closed && slots.tryAcquire();
    }

    void releaseSlot() {
        slots.release();
    }

    Iperf3ServerConfig config() {
        return config;
    }

    /** The authentication check, or {@code null} when tests need none. */
    Authenticator authenticator() {
        return authenticator;
    }

    Iperf3ServerEvents events() {
        return events;
    }

    TotalRateGuard rateGuard() {
        return rateGuard;
    }

    Object udpPortLock() {
        return udpPortLock;
    }

    void awaitStreams(TestSession session) {
        awaitingStreams.put(session.cookie(), session);
    }

    void stopAwaiting(TestSession session) {
        awaitingStreams.remove(session.cookie(), session);
    }

    private void acceptLoop() {
        long accepted = 0;
        while (!closed) {
            try {
                SocketChannel ch = listener.accept();
                long order = accepted++;
                Thread.ofVirtual().name("iperf3-conn").start(() -> handle(ch, order));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("iperf3 accept failed: {}", e.toString());
            }
        }
    }

    /**
     * Sorts out a new connection: a data stream of a test creating its streams, a new test, or ACCESS_DENIED. With no
     * slot free and no test waiting for streams, the cookie is not read, as in iperf3's {@code iperf_accept} ("It could
     * block an ongoing test"). A new test takes its slot only once its parameters are in (within the setup timeout
     * from the connect, cookie included), so a connection that sends nothing, or only its cookie, holds no slot and
     * is closed at the setup timeout; meanwhile it holds a setup seat ({@link SetupSeats}), of which one address has
     * few. A connection from a client whose test waits for its streams needs no seat: it is most likely one of them.
     */
    private void handle(SocketChannel ch, long order) {
        boolean handedOver = false;
        InetAddress from = remoteAddress(ch);
        boolean streamsExpected = from != null && awaitingStreams.values().stream()
                .anyMatch(s -> from.equals(s.clientAddress()));
        SetupSeats.Seat seat = null;
        try {
            if (!streamsExpected && slots.availablePermits() == 0 && awaitingStreams.isEmpty()) {
                deny(ch);
                return;
            }
            seat = streamsExpected || from == null ? SetupSeats.NONE : seats.take(from);
            if (seat == null) {
                LOG.debug("iperf3 connection from {} refused: too many connections setting up", from);
                deny(ch);
                return;
            }
            long setupDeadline = System.nanoTime() + config.setupTimeout().toNanos();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().setSoTimeout((int) Math.max(1, config.setupTimeout().toMillis()));
            ControlChannel first = new ControlChannel(ch.socket().getInputStream(), ch.socket().getOutputStream());
            Cookie cookie = first.readCookie();
            TestSession waiting = awaitingStreams.get(cookie);
            if (waiting != null) {
                ch.socket().setSoTimeout(0);
                waiting.offerTcpStream(ch, order);
                handedOver = true;
                return;
            }
            if (slots.availablePermits() == 0 || closed) {
                deny(ch);
                return;
            }
            TestSession session = new TestSession(this, ch, cookie, setupDeadline, seat);
            sessions.add(session);
            handedOver = true;
            try {
                session.run();
            } finally {
                sessions.remove(session);
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("iperf3 connection sent no cookie within {}", config.setupTimeout());
        } catch (IOException e) {
            LOG.debug("iperf3 connection failed before its cookie: {}", e.toString());
        } finally {
            if (seat != null) {
                seat.release();
            }
            if (!handedOver) {
                closeQuietly(ch);
            }
        }
    }

    private static InetAddress remoteAddress(SocketChannel ch) {
        try {
            return ch.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The one-byte ACCESS_DENIED answer of a busy iperf3 server, then close. */
    private static void deny(SocketChannel ch) {
        try {
            ch.write(ByteBuffer.wrap(new byte[] {ControlState.ACCESS_DENIED.wireByte()}));
        } catch (IOException e) {
            LOG.debug("iperf3 client left before ACCESS_DENIED: {}", e.toString());
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("closing iperf3 connection: {}", e.toString());
        }
    }

    /** Stops accepting, ends running tests and waits for the accept thread. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing iperf3 listener: {}", e.toString());
        }
        sessions.forEach(TestSession::abort);
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
