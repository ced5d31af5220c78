package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.ControlChannel;
import io.waddleperf.iperf3.ControlState;
import io.waddleperf.iperf3.Cookie;
import io.waddleperf.iperf3.CpuMeter;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.TestResults;
import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.IntervalReporter;
import io.waddleperf.iperf3.Payload;
import io.waddleperf.iperf3.UdpHeader;
import io.waddleperf.iperf3.UdpReceiveStats;
import io.waddleperf.iperf3.stream.RatePacer;
import io.waddleperf.iperf3.stream.StreamContext;
import io.waddleperf.iperf3.stream.TcpReceiveStream;
import io.waddleperf.iperf3.stream.TcpSendStream;
import io.waddleperf.iperf3.stream.UdpReceiveStream;
import io.waddleperf.iperf3.stream.UdpSendStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An iperf3 client: runs one test against a stock iperf3 ≥ 3.12 server or ours, following the client side of the
 * control state machine ({@code iperf_run_client}/{@code iperf_handle_message_client},
 * {@code src/iperf_client_api.c}) with every move checked against {@link ControlState}'s table. The client decides
 * the end: after {@code time + omit} seconds, or once {@code num} bytes or {@code blockcount} blocks went either way.
 *
 * <pre>{@code
 * Iperf3ClientResult r = Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", 5201, params), interval -> { });
 * }</pre>
 */
public final class Iperf3Client {

    /** How often the control loop wakes during a test to check the end conditions. */
    private static final long POLL_NANOS = 20_000_000L;
    /** How long receiving streams may drain data sent before TEST_END once the server is ready with results. */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    /** How long senders may take to finish the block in progress at the end of the test. */
    private static final Duration SENDER_GRACE = Duration.ofMillis(500);

    /** What a caller sees of a test while it runs: the streams once connected, then each interval. */
    public interface Listener {

        /**
         * The control connection is up and the cookie sent, where stock iperf3 prints {@code Connecting to host …}
         * (so a refused connection prints only the error); called on the calling thread.
         *
         * @param cookie the test's cookie text
         * @param controlMss the control connection's MSS, -1 when it could not be read
         */
        default void controlConnected(String cookie, long controlMss) {
        }

        /**
         * The data streams are connected (CREATE_STREAMS done, TEST_START not yet come), where stock iperf3 prints
         * its {@code [  5] local … connected to …} lines; called on the calling thread.
         *
         * @param streams each stream in stream order, with its socket's two ends
         */
        default void streamsConnected(List<Iperf3ClientResult.StreamInfo> streams) {
        }

        /** An interval has completed (called on a reporter thread). */
        void interval(Iperf3Interval interval);
    }

    private final Iperf3ClientConfig config;
    private final Listener listener;
    private final Cookie cookie = Cookie.random();
    private final List<DataStream> streams = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ControlState state = ControlState.IPERF_START;

    private Iperf3Client(Iperf3ClientConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Runs one test to the end.
     *
     * @param onInterval sees each interval as it completes (on a reporter thread)
     * @throws Iperf3Exception with iperf3's code for a refusal (busy server: {@link Iperf3Error#IEACCESSDENIED}), a
     *     server error, or a protocol violation
     */
    public static Iperf3ClientResult run(Iperf3ClientConfig config, Consumer<Iperf3Interval> onInterval)
            throws IOException, Iperf3Exception, InterruptedException {
        return runWithListener(config, onInterval::accept);
    }

    /** Runs one test to the end, telling {@code listener} of the connected streams and of each interval. */
    public static Iperf3ClientResult runWithListener(Iperf3ClientConfig config, Listener listener)
            throws IOException, Iperf3Exception, InterruptedException {
        return new Iperf3Client(config, listener).run();
    }

    private Iperf3ClientResult run() throws IOException, Iperf3Exception, InterruptedException {
        TestParameters params = config.params();
        Instant startedAt = Instant.now();
        initializeRunningPhase();
        try (SocketChannel control = SocketChannel.open()) {
            control.setOption(StandardSocketOptions.TCP_NODELAY, true);
            InetSocketAddress target = new InetSocketAddress(config.host(), config.port());
            if (target.isUnresolved()) {
                throw new java.net.UnknownHostException(config.host());
            }
            if (config.bindAddress() != null) {
                control.bind(new InetSocketAddress(config.bindAddress(), 0));
            }
            control.socket().connect(target, millis(config.connectTimeout()));
            control.socket().setSoTimeout(millis(config.idleTimeout()));
            ControlChannel channel = new ControlChannel(control.socket().getInputStream(),
                    control.socket().getOutputStream());
            channel.writeCookie(cookie);
            // iperf3 reads TCP_MAXSEG of its control socket at this point (iperf_connect) for tcp_mss_default; for a
            // connected socket that is the kernel's mss_cache, which tcp_info reports as tcpi_snd_mss. Being the first
            // read of the kernel's TCP figures, it also sets up their native calls (tens of milliseconds in a cold
            // JVM) here rather than on a sending stream mid-test, where a lab run lost 80 ms of sending at the end of
            // the omit period (docs/ACCURACY.md, iperf3 section).
            long controlMss = config.tcpStats().read((InetSocketAddress) control.getLocalAddress(),
                    (InetSocketAddress) control.getRemoteAddress()).map(TcpStats::sndMssBytes).orElse(-1L);
            listener.controlConnected(cookie.text(), controlMss);
            ClientStreams opener = new ClientStreams(params, (InetSocketAddress) control.getRemoteAddress(), cookie,
                    config.connectTimeout(), config.bindAddress(), config.dataPort(), config.tcpTuning());
            try {
                return runTest(control, channel, opener, startedAt, controlMss);
            } finally {
                streams.forEach(DataStream::stop);
                opener.closeAll();
            }
        }
    }

    /**
     * Loads and initializes, before the test starts, the classes the running phase first touches after TEST_RUNNING
     * (streams, pacer, datagram header, interval reporting, and through their loggers the logging system). In a cold
     * JVM that work otherwise happens between TEST_RUNNING and the first block, and the server's clock is already
     * running: under load it held a UDP sender's first datagram back by up to a second (docs/ACCURACY.md, iperf3).
     */
    private static void initializeRunningPhase() {
        for (Class<?> type : RUNNING_PHASE) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("class of the iperf3 running phase missing: " + type.getName(), e);
            }
        }
    }

    private static final List<Class<?>> RUNNING_PHASE = List.of(DataStream.class, TcpSendStream.class,
            TcpReceiveStream.class, UdpSendStream.class, UdpReceiveStream.class, RatePacer.class, UdpHeader.class,
            Payload.class, UdpReceiveStats.class, IntervalReporter.class, Intervals.class, Iperf3Interval.class,
            StreamContext.class, CpuMeter.class);

    private Iperf3ClientResult runTest(SocketChannel control, ControlChannel channel, ClientStreams opener,
            Instant startedAt, long controlMss) throws IOException, Iperf3Exception, InterruptedException {
        TestParameters params = config.params();
        receive(channel, ControlState.PARAM_EXCHANGE);
        channel.writeJson(params.toJson());
        receive(channel, ControlState.CREATE_STREAMS);
        List<ClientStreams.Opened> opened = opener.open();
        List<Iperf3ClientResult.StreamInfo> infos = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            infos.add(new Iperf3ClientResult.StreamInfo(DataStream.streamId(i), opened.get(i).sender(),
                    opened.get(i).local(), opened.get(i).remote()));
        }
        listener.streamsConnected(List.copyOf(infos));
        int sndbuf = opened.getFirst().channel().getOption(StandardSocketOptions.SO_SNDBUF);
        int rcvbuf = opened.getFirst().channel().getOption(StandardSocketOptions.SO_RCVBUF);
        String congestion = congestionUsed(opened);
        receive(channel, ControlState.TEST_START);
        CpuMeter cpu = CpuMeter.start();
        receive(channel, ControlState.TEST_RUNNING);
        // The test's clock starts when data may move, as the server's streams run from TEST_RUNNING on: a server that
        // is slow between TEST_START and TEST_RUNNING must not shorten the measured time nor make the pacer catch up.
        StreamContext context = new StreamContext(params, System.nanoTime(), config.tcpStats());
        streams.addAll(opener.streams(context));
        for (DataStream s : streams) {
            threads.add(Thread.ofPlatform().name("iperf3-client-" + (s.sender() ? "send-" : "recv-") + s.id())
                    .daemon(true).unstarted(s));
        }
        Intervals intervals = new Intervals(streams, context);
        IntervalReporter reporter = new IntervalReporter(streams, context.startNanos(),
                config.reportInterval().toNanos(), sample -> listener.interval(intervals.add(sample)));
        threads.forEach(Thread::start);
        reporter.start();

        awaitEndCondition(control, channel, context);
        long endNanos = System.nanoTime();
        streams.forEach(s -> s.markEnd(endNanos));
        stopSenders();
        send(channel, ControlState.TEST_END);
        receive(channel, ControlState.EXCHANGE_RESULTS);
        drainReceivers();
        streams.forEach(DataStream::stop);
        for (Thread t : threads) {
            t.join(DRAIN.toMillis());
        }
        IntervalReporter.Sample last = reporter.stop();
        if (last != null) {
            listener.interval(intervals.add(last));
        }
        CpuMeter.Usage usage = cpu.usage();

        List<StreamResult> results = streams.stream().map(DataStream::result).toList();
        TestResults local = new TestResults(usage.totalPercent(), usage.userPercent(), usage.systemPercent(),
                TestResults.senderHasRetransmits(streams, results), congestion, results, null, null);
        channel.writeJson(local.toJson());
        TestResults remote = TestResults.fromJson(channel.readJson(JsonFrames.MAX_RESULTS_BYTES,
                Iperf3Error.IERECVRESULTS));
        for (StreamResult r : remote.streams()) {
            if (streams.stream().noneMatch(s -> s.id() == r.id())) {
                throw new Iperf3Exception(Iperf3Error.IESTREAMID, "server reported stream " + r.id());
            }
        }
        receive(channel, ControlState.DISPLAY_RESULTS);
        send(channel, ControlState.IPERF_DONE);

        return new Iperf3ClientResult(config.host(), config.port(), cookie.text(), startedAt, params, infos,
                intervals.all(), usage, local, remote, sndbuf, rcvbuf, controlMss);
    }

    /**
     * The congestion control of the TCP data streams, sent as {@code congestion_used}: iperf3 reads
     * {@code TCP_CONGESTION} of each stream as it connects and keeps the last one's, so this reads the last stream's.
     * Null for UDP and when the kernel figures cannot be read (as iperf3 built without {@code TCP_CONGESTION} sends
     * no name).
     */
    private String congestionUsed(List<ClientStreams.Opened> opened) {
        if (config.params().protocol() != Protocol.TCP) {
            return null;
        }
        ClientStreams.Opened last = opened.getLast();
        return config.tcpStats().read(last.local(), last.remote()).map(TcpStats::congestion).orElse(null);
    }

    /**
     * Waits until the test is due to end, watching the control connection for the server's SERVER_ERROR or
     * SERVER_TERMINATE meanwhile.
     */
    private void awaitEndCondition(SocketChannel control, ControlChannel channel, StreamContext context)
            throws IOException, Iperf3Exception {
        TestParameters p = config.params();
        boolean timed = p.numBytes() == 0 && p.blockCount() == 0;
        long endNanos = context.startNanos() + (p.timeSeconds() + (long) p.omitSeconds()) * 1_000_000_000L;
        long blockBytes = p.blockCount() * p.effectiveLenBytes();
        try {
            while (true) {
                long now = System.nanoTime();
                long sent = 0;
                long received = 0;
                boolean anyRunning = false;
                for (int i = 0; i < streams.size(); i++) {
                    DataStream s = streams.get(i);
                    if (s.sender()) {
                        sent += s.bytes();
                    } else {
                        received += s.bytes();
                    }
                    anyRunning |= threads.get(i).isAlive();
                }
                if (timed && now - endNanos >= 0
                        || p.numBytes() > 0 && (sent >= p.numBytes() || received >= p.numBytes())
                        || p.blockCount() > 0 && (sent >= blockBytes || received >= blockBytes)
                        || !anyRunning) {
                    return;
                }
                long wait = timed ? Math.min(POLL_NANOS, endNanos - now) : POLL_NANOS;
                control.socket().setSoTimeout((int) Math.max(1, wait / 1_000_000));
                try {
                    ControlState got = channel.readState();
                    failOnAbort(channel, got);
                    throw new Iperf3Exception(Iperf3Error.IEMESSAGE, "unexpected " + got + " while the test runs");
                } catch (SocketTimeoutException e) {
                    // Nothing from the server: the normal case while data flows.
                    continue;
                }
            }
        } finally {
            control.socket().setSoTimeout(millis(config.idleTimeout()));
        }
    }

    /** Lets each sender finish the block in progress (the server still reads), then closes it. */
    private void stopSenders() throws InterruptedException {
        long deadline = System.nanoTime() + SENDER_GRACE.toNanos();
        for (int i = 0; i < streams.size(); i++) {
            DataStream s = streams.get(i);
            if (s.sender()) {
                s.requestStop();
                threads.get(i).join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                s.stop();
            }
        }
    }

    /**
     * Lets receiving streams count what the server sent before TEST_END: TCP streams until the server's close, UDP
     * streams until nothing has arrived for a short quiet period.
     */
    private void drainReceivers() throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (int i = 0; i < streams.size(); i++) {
            DataStream s = streams.get(i);
            if (s.sender()) {
                continue;
            }
            if (config.params().protocol() == Protocol.TCP) {
                threads.get(i).join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } else {
                long last = -1;
                while (s.bytes() != last && System.nanoTime() < deadline) {
                    last = s.bytes();
                    Thread.sleep(20);
                }
            }
        }
    }

    private void receive(ControlChannel channel, ControlState expected) throws IOException, Iperf3Exception {
        ControlState got;
        try {
            got = channel.readState();
        } catch (SocketTimeoutException e) {
            throw new Iperf3Exception(Iperf3Error.IENOMSG, 0, "no " + expected + " within " + config.idleTimeout(), e);
        } catch (EOFException e) {
            throw new Iperf3Exception(Iperf3Error.IECTRLCLOSE, 0, "while waiting for " + expected, e);
        }
        failOnAbort(channel, got);
        state = ControlState.transition(state, got);
        if (got != expected) {
            throw new Iperf3Exception(Iperf3Error.IEMESSAGE, "server sent " + got + " instead of " + expected);
        }
    }

    /** Turns the server's refusal or error states into the exception iperf3 reports for them. */
    private static void failOnAbort(ControlChannel channel, ControlState got) throws IOException, Iperf3Exception {
        switch (got) {
            case ACCESS_DENIED -> throw new Iperf3Exception(Iperf3Error.IEACCESSDENIED, "");
            case SERVER_ERROR -> throw channel.readServerError();
            case SERVER_TERMINATE -> throw new Iperf3Exception(Iperf3Error.IESERVERTERM, "");
            default -> {
                return;
            }
        }
    }

    private void send(ControlChannel channel, ControlState next) throws IOException, Iperf3Exception {
        state = ControlState.transition(state, next);
        channel.writeState(next);
    }

    private static int millis(Duration d) {
        return (int) Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
    }
}
