package io.waddleperf.probes.tcp;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.probes.Attempts;
import io.waddleperf.probes.ChannelWatchdog;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.Prober;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tcp} prober: resolves the host once, then makes {@code count} TCP connects
 * {@code interval} apart, each bounded by the spec's timeout and timed on the monotonic clock from just before
 * the connect call until it returned with the three-way handshake completed.
 *
 * <p>Outcome rule: the probe succeeds when at least one attempt connected; failed attempts then show as
 * {@code packet_loss_percent} (failed share of attempts) and in {@code raw_results.attempts}. When every
 * attempt failed the probe fails with the first attempt's error ({@code connection_refused}, {@code timeout},
 * …). A name that does not resolve fails as {@code dns_failure} before any attempt.
 *
 * <p>How it is timed (docs/BENCHMARKS.md §5). Each attempt is a blocking {@link SocketChannel} of the target's
 * family whose connect is one connect(2) on the calling (platform) thread; the clock is
 * read immediately around it. The timeout is a {@link ChannelWatchdog} armed before the slot's wait: the JDK's {@code Socket.connect(address, timeout)} instead makes the socket
 * non-blocking and polls it, which measured 0.5 ms p50 on loopback against 0.15 ms for the blocking call. The
 * socket is made after the wait, just before the call, as a C loop does: one made before a 10 ms wait connected
 * about 0.1 ms slower. Before the first attempt the same path runs against loopback only ({@link Warm}): once
 * against a port nobody listens on, so the first timed attempt loads nothing (cold it measured 8-16 ms), then
 * for a run of several attempts, until C1 has compiled it, against a listener of our own; no extra packet reaches
 * the target.
 */
public final class TcpProber implements Prober<TcpSpec> {

    public static final TcpProber INSTANCE = new TcpProber();

    private TcpProber() {
    }

    @Override
    public void probe(TcpSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        InetSocketAddress remote = new InetSocketAddress(address, spec.endpoint().port());
        Warm.ensure();
        if (spec.count() > 1) {
            // 100-300 ms of connects to save 0.03-0.05 ms per attempt: worth it for a series, not for the default
            // single connect, whose whole one-shot run is about that long (docs/BENCHMARKS.md sections 2 and 5)
            Compiled.ensure();
        }

        double[] connectMs = new double[spec.count()];
        int connected = 0;
        Exception firstFailure = null;
        List<Map<String, Object>> attempts = new ArrayList<>();
        try (ChannelWatchdog watchdog = new ChannelWatchdog("tcp-connect-watchdog")) {
            long startNanos = context.clock().nanos();
            for (int i = 0; i < spec.count(); i++) {
                Map<String, Object> attempt = new LinkedHashMap<>();
                attempt.put("attempt", i + 1);
                long slotNanos = startNanos + spec.interval().toNanos() * i;
                try (ChannelWatchdog.Deadline deadline = watchdog.arm(slotNanos + spec.timeout().toNanos() - context.clock().nanos())) {
                    Attempts.awaitSlot(context, startNanos, i, spec.interval());
                    try (SocketChannel channel = open(remote)) {
                        deadline.attach(channel);
                        long t0 = context.clock().nanos();
                        try {
                            channel.connect(remote);
                            long t1 = context.clock().nanos();
                            double ms = Attempts.millis(t1 - t0);
                            connectMs[connected++] = ms;
                            attempt.put("success", true);
                            attempt.put("connect_ms", ms);
                        } catch (IOException e) {
                            long t1 = context.clock().nanos();
                            Exception failure = ChannelWatchdog.timedOut(e, spec.timeout());
                            firstFailure = firstFailure == null ? failure : firstFailure;
                            attempt.put("success", false);
                            attempt.put("elapsed_ms", Attempts.millis(t1 - t0));
                            attempt.put("error", Failures.classify(failure).describe());
                        }
                    }
                }
                attempts.add(attempt);
                result.packetsSent((long) (i + 1)).packetsReceived((long) connected)
                        .packetLossPercent(Attempts.lossPercent(i + 1, connected));
            }
        }
        double[] samples = Arrays.copyOf(connectMs, connected);
        result.raw("attempts", attempts);
        result.connectMs(Attempts.mean(samples));
        Attempts.putLatencyStats(result, samples);
        if (connected == 0) {
            throw firstFailure;
        }
    }

    /** A blocking channel of the target's family (an IPv4 target gets an IPv4 socket, not a dual-stack one). */
    private static SocketChannel open(InetSocketAddress remote) throws IOException {
        return SocketChannel.open(remote.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    }

    /**
     * The untimed warm-up, once per JVM (class initialisation is the once), against loopback only: no packet reaches
     * the target. First one attempt through the same calls to a loopback port that is bound but not listening (the
     * kernel refuses it at once), which loads, links and initialises what {@link #probe} touches in the timed
     * interval. Then, for a run of more than one attempt ({@link Compiled}), up to {@link Compiled#COMPILE_CONNECTS}
     * connects to a listener of our own, through the same
     * {@code connect}, so that C1 has compiled the JDK's connect path before the first timed attempt: interpreted,
     * as in a one-shot run (the launcher runs C1 only, and 20 attempts never reach its thresholds), that path added
     * 0.03-0.05 ms to every connect on loopback, compiled 0.01 or less, about what a C2-compiled loop adds
     * (docs/BENCHMARKS.md §5). C1 compiled {@code SocketChannelImpl.connect} after 700-1000 calls; the connects
     * cost 0.1-0.15 ms each, so the warm-up is bounded by {@link Compiled#COMPILE_BUDGET_NANOS} as well, for a loaded
     * machine. Our side of each is closed first with SO_LINGER 0 (a reset), so no TIME_WAIT is left behind. Best effort: a
     * host without loopback just starts colder.
     */
    private static final class Warm {

        static {
            // Bound without listen(2): the port stays ours while the warm-up runs, and a SYN to it gets a RST.
            try (ChannelWatchdog watchdog = new ChannelWatchdog("tcp-connect-watchdog");
                 SocketChannel bound = SocketChannel.open(StandardProtocolFamily.INET)) {
                bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                InetSocketAddress closed = (InetSocketAddress) bound.getLocalAddress();
                try (ChannelWatchdog.Deadline deadline = watchdog.arm(Duration.ofSeconds(1).toNanos());
                     SocketChannel channel = open(closed)) {
                    deadline.attach(channel);
                    channel.connect(closed);
                } catch (IOException expected) {
                    ChannelWatchdog.timedOut(expected, Duration.ofSeconds(1));
                }
            } catch (IOException | RuntimeException e) {
                // only means a colder first attempt
            }
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }

    /** The second part of the warm-up, for runs of more than one attempt: see {@link Warm}. */
    private static final class Compiled {

        static final int COMPILE_CONNECTS = 1200;
        static final long COMPILE_BUDGET_NANOS = Duration.ofMillis(300).toNanos();

        static {
            try (ChannelWatchdog watchdog = new ChannelWatchdog("tcp-connect-watchdog")) {
                compile(watchdog);
            } catch (IOException | RuntimeException e) {
                // only means the connect path runs interpreted a while longer
            }
        }

        /** The connects to our own listener; each is accepted at once, so the backlog never fills. */
        private static void compile(ChannelWatchdog watchdog) throws IOException {
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
                 ChannelWatchdog.Deadline deadline = watchdog.arm(Duration.ofSeconds(2).toNanos())) {
                deadline.attach(listener);
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                InetSocketAddress at = (InetSocketAddress) listener.getLocalAddress();
                long start = System.nanoTime();
                for (int i = 0; i < COMPILE_CONNECTS && System.nanoTime() - start < COMPILE_BUDGET_NANOS; i++) {
                    try (SocketChannel channel = open(at)) {
                        channel.connect(at);
                        try (SocketChannel accepted = listener.accept()) {
                            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
                        }
                    }
                }
            }
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }
}
