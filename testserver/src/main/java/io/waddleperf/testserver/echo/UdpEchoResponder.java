package io.waddleperf.testserver.echo;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.echo.DropReason;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.echo.EchoKeyring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP echo responder of the test server (docs/PROTOCOL-udp-echo.md): validates each datagram,
 * drops and counts the invalid ones by reason, and sends valid requests back rewritten in place as replies of
 * the same length. One platform thread owns the socket, one reused direct buffer and the keyring, so nothing is
 * allocated per datagram; a platform thread rather than a virtual one because a virtual thread's wake-up goes
 * through the JDK's poller and would add its latency to every measured round trip. Drops are counted by reason
 * ({@link #stats()}) and, once a minute when there were new ones, reported in one log line.
 */
public final class UdpEchoResponder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpEchoResponder.class);
    private static final int RECEIVE_BUFFER_BYTES = 65_535;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** How often new drops are reported in the log (a flood is one line a minute, not one per datagram). */
    static final Duration DROP_REPORT_PERIOD = Duration.ofMinutes(1);

    private final UdpEchoConfig config;
    private final DatagramChannel channel;
    private final EchoKeyring keyring;
    private final SourceRateLimiter limiter;
    private final MonotonicClock clock = MonotonicClock.SYSTEM;
    private final long monoAnchorNanos;
    private final long wallAnchorNanos;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private final Thread thread;
    private final Thread reporter;
    private volatile boolean closed;
    /** The source most recently refused by the rate limit (written by the serving thread only). */
    private volatile InetAddress lastRateLimited;
    /** Drops by reason at the last report (touched by whoever reports, under this object's lock). */
    private long[] reported = new long[DropReason.values().length];
    private long lastReportNanos;

    /** Counters since start; {@code received = replied + droppedTotal + sendErrors} whenever no datagram is in flight. */
    public record Stats(long received, long replied, long sendErrors, Map<DropReason, Long> dropped) {

        public Stats {
            dropped = Map.copyOf(dropped);
        }

        public long dropped(DropReason reason) {
            return dropped.getOrDefault(reason, 0L);
        }

        public long droppedTotal() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private UdpEchoResponder(UdpEchoConfig config) throws IOException {
        this.config = config;
        this.keyring = EchoKeyring.of(config.tokens());
        this.limiter = config.rateLimited()
                ? new SourceRateLimiter(config.ratePerSourcePerSecond(), config.burstPerSource(), config.maxTrackedSources())
                : null;
        this.channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            // Bursts of requests must not be lost in the socket before this thread reads them; the kernel caps the size.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.bind(config.bind());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        // Server timestamps: Unix-epoch nanoseconds from the monotonic clock anchored once to the wall clock, so
        // they are near wall time yet never step backwards (docs/PROTOCOL-udp-echo.md §3).
        Instant wall = Instant.now(Clock.systemUTC());
        this.monoAnchorNanos = clock.nanos();
        this.wallAnchorNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        this.thread = Thread.ofPlatform().daemon().name("udp-echo-" + port()).unstarted(this::serve);
        this.reporter = Thread.ofVirtual().name("udp-echo-report-" + port()).unstarted(this::reportEveryPeriod);
        this.lastReportNanos = clock.nanos();
    }

    /** Starts an open or token-protected responder on {@code bind} (port 0 picks a free port), without a rate limit. */
    public static UdpEchoResponder start(InetSocketAddress bind, Set<String> tokens) throws IOException {
        return start(UdpEchoConfig.of(bind, tokens));
    }

    /** Binds the socket (failing here if it cannot) and starts answering. */
    public static UdpEchoResponder start(UdpEchoConfig config) throws IOException {
        UdpEchoResponder r = new UdpEchoResponder(config);
        r.thread.start();
        r.reporter.start();
        LOG.info("event=udp_echo_started address={} tokens={} rate_per_source={} burst_per_source={}",
                r.localAddress(), config.tokens().size(), config.ratePerSourcePerSecond(),
                config.rateLimited() ? config.burstPerSource() : 0);
        return r;
    }

    /**
     * Logs one line with the datagrams dropped since the last report, by reason, and the source the rate limit
     * refused last; nothing when none were dropped. Runs once a {@link #DROP_REPORT_PERIOD}; callable at any time.
     */
    public synchronized void reportDrops() {
        long now = clock.nanos();
        StringBuilder line = new StringBuilder();
        long total = 0;
        for (DropReason r : DropReason.values()) {
            long n = dropped.get(r.ordinal()) - reported[r.ordinal()];
            reported[r.ordinal()] += n;
            if (n > 0) {
                total += n;
                line.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(n);
            }
        }
        long seconds = Math.round((now - lastReportNanos) / 1e9);
        lastReportNanos = now;
        if (total == 0) {
            return;
        }
        InetAddress limited = lastRateLimited;
        LOG.warn("event=udp_echo_dropped seconds={} dropped={}{}{}", seconds, total, line,
                limited == null ? "" : " last_rate_limited_source=" + limited.getHostAddress());
    }

    private void reportEveryPeriod() {
        while (!closed) {
            try {
                Thread.sleep(DROP_REPORT_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            reportDrops();
        }
    }

    /** The bound port (the chosen one when bound to port 0). */
    public int port() {
        return localAddress().getPort();
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public UdpEchoConfig config() {
        return config;
    }

    public Stats stats() {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            long n = dropped.get(r.ordinal());
            if (n > 0) {
                byReason.put(r, n);
            }
        }
        return new Stats(received.get(), replied.get(), sendErrors.get(), byReason);
    }

    /** Stops answering, closes the socket and waits for the serving thread to end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reporter.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("event=udp_echo_close_failed error={}", e.toString());
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("event=udp_echo_stopped stats={}", stats());
    }

    private long serverNanos() {
        return wallAnchorNanos + (clock.nanos() - monoAnchorNanos);
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
        while (!closed) {
            buf.clear();
            SocketAddress source;
            try {
                source = channel.receive(buf);
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                // Linux may report a queued ICMP error on an unconnected socket's receive; the socket stays usable.
                if (closed) {
                    break;
                }
                LOG.debug("event=udp_echo_receive_error error={}", e.toString());
                continue;
            }
            long receiveNanos = serverNanos();
            received.incrementAndGet();
            buf.flip();
            DropReason drop = EchoCodec.checkRequest(buf, keyring);
            if (drop == null && limiter != null) {
                InetAddress from = ((InetSocketAddress) source).getAddress();
                if (!limiter.tryAcquire(from, clock.nanos())) {
                    drop = DropReason.RATE_LIMITED;
                    lastRateLimited = from;
                }
            }
            if (drop != null) {
                dropped.incrementAndGet(drop.ordinal());
                continue;
            }
            // The send time is stamped before the MAC is computed because the MAC covers it.
            EchoCodec.toReply(buf, receiveNanos, serverNanos(), keyring);
            // Counted before the send: the client may read the reply before send() returns here, and whoever has a
            // reply must find it counted. A failed send takes the count back.
            replied.incrementAndGet();
            try {
                channel.send(buf, source);
            } catch (ClosedChannelException e) {
                replied.decrementAndGet();
                sendErrors.incrementAndGet();
                break;
            } catch (IOException e) {
                replied.decrementAndGet();
                sendErrors.incrementAndGet();
                LOG.debug("event=udp_echo_send_error destination={} error={}", source, e.toString());
            }
        }
    }
}
