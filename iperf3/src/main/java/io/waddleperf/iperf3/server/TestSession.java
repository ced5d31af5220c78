package io.waddleperf.iperf3.server;

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
import io.waddleperf.iperf3.client.Intervals;
import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.IntervalReporter;
import io.waddleperf.iperf3.stream.StreamContext;
import io.waddleperf.iperf3.stream.TcpReceiveGroup;
import io.waddleperf.iperf3.stream.TcpReceiveStream;
import io.waddleperf.iperf3.stream.TcpSendStream;
import io.waddleperf.iperf3.stream.UdpReceiveStream;
import io.waddleperf.iperf3.stream.UdpSendStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test, from the client's cookie to IPERF_DONE: the server side of iperf3's control state machine
 * ({@code iperf_run_server}/{@code iperf_handle_message_server}), every move checked against {@link ControlState}'s
 * table. Runs on the virtual thread that accepted the control connection; data streams get threads of their own.
 */
final class TestSession {

    private static final Logger LOG = LoggerFactory.getLogger(TestSession.class);
    /** How often the control loop wakes during a test to run the watchdog. */
    private static final Duration WATCH_PERIOD = Duration.ofMillis(250);
    /** How long the data streams stay open after SERVER_ERROR for the client to read it and hang up. */
    private static final Duration ERROR_GRACE = Duration.ofSeconds(1);
    /** iperf3's default {@code -i 1}: the server reports once a second. */
    private static final long REPORT_PERIOD_NANOS = 1_000_000_000L;

    private final Iperf3Server server;
    private final Iperf3ServerConfig config;
    private final SocketChannel control;
    private final Cookie cookie;
    private final LinkedBlockingQueue<SocketChannel> tcpArrivals = new LinkedBlockingQueue<>();
    /** Accept order of each data connection: their cookies are read concurrently, so queue order may differ. */
    private final java.util.Map<SocketChannel, Long> acceptOrder = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<SocketChannel> tcpChannels = new CopyOnWriteArrayList<>();
    private final List<DatagramChannel> udpChannels = new CopyOnWriteArrayList<>();
    private final List<DataStream> streams = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ControlState state = ControlState.IPERF_START;
    private volatile boolean closed;
    /** Bytes of this test already charged to the client's quota. */
    private long charged;
    /** What the client asked for, once it did (for the test's record). */
    private TestParameters params;
    /** When data began and stopped moving (System.nanoTime), 0 until then. */
    private long dataStartNanos;
    private long dataEndNanos;

    /** When the parameters must be in (monotonic nanoseconds), and the setup seat to give back once they are. */
    private final long setupDeadlineNanos;
    private final SetupSeats.Seat setupSeat;
    private boolean slotTaken;

    TestSession(Iperf3Server server, SocketChannel control, Cookie cookie, long setupDeadlineNanos,
                SetupSeats.Seat setupSeat) {
        this.server = server;
        this.config = server.config();
        this.control = control;
        this.cookie = cookie;
        this.setupDeadlineNanos = setupDeadlineNanos;
        this.setupSeat = setupSeat;
    }

    Cookie cookie() {
        return cookie;
    }

    /**
     * Hands over a TCP connection that carried this test's cookie while streams are being created; {@code order} is
     * its place in the listener's accept order.
     */
    void offerTcpStream(SocketChannel ch, long order) {
        acceptOrder.put(ch, order);
        tcpArrivals.add(ch);
    }

    /** Ends the test from outside (server shutdown): closing the sockets unblocks the session thread. */
    void abort() {
        closed = true;
        closeQuietly();
    }

    void run() {
        InetSocketAddress client = remote(); // read now: the channel is closed by the time the record is made
        String error = null;
        try {
            error = runTest();
        } finally {
            long sent = streams.stream().filter(DataStream::sender).mapToLong(DataStream::bytes).sum();
            long received = streams.stream().filter(s -> !s.sender()).mapToLong(DataStream::bytes).sum();
            double seconds = dataStartNanos == 0 ? 0 : (dataEndNanos(System.nanoTime()) - dataStartNanos) / 1e9;
            server.events().ended(new Iperf3ServerEvents.TestRecord(client, params, seconds, sent, received, error));
        }
    }

    private long dataEndNanos(long now) {
        return dataEndNanos == 0 ? now : dataEndNanos;
    }

    private InetSocketAddress remote() {
        try {
            return (InetSocketAddress) control.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Runs the test; returns why it failed, or null when it ended normally. */
    private String runTest() {
        ControlChannel channel;
        try {
            channel = new ControlChannel(control.socket().getInputStream(), control.socket().getOutputStream());
        } catch (IOException e) {
            LOG.debug("iperf3 control connection unusable: {}", e.toString());
            closeQuietly();
            return "the control connection was unusable: " + e.getMessage();
        }
        String error = null;
        try {
            server.events().accepted((InetSocketAddress) control.getRemoteAddress());
            serve(channel);
        } catch (Iperf3Exception e) {
            LOG.info("iperf3 test {} refused or failed: {}", cookie, e.getMessage());
            error = "iperf3 error " + e.error().code() + ": " + e.getMessage();
            server.events().failed(e.getMessage());
            try {
                state = ControlState.transition(state, ControlState.SERVER_ERROR);
                channel.writeServerError(e);
                awaitClientClose();
            } catch (IOException | Iperf3Exception ignored) {
                LOG.debug("iperf3 client gone before SERVER_ERROR {}", e.error());
            }
        } catch (EOFException e) {
            LOG.info("iperf3 client {} closed the control connection unexpectedly in {}", cookie, state);
            error = "the client closed the control connection unexpectedly in " + state;
            server.events().failed("the client closed the control connection unexpectedly");
        } catch (IOException e) {
            error = "the control connection failed: " + e.getMessage();
            if (!closed) {
                LOG.info("iperf3 test {} ended by I/O error in {}: {}", cookie, state, e.toString());
                server.events().failed("the control connection failed: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            error = "interrupted";
            Thread.currentThread().interrupt();
        } finally {
            server.rateGuard().release(this);
            closeQuietly();
            chargeQuota(streams.stream().mapToLong(DataStream::bytes).sum());
            if (slotTaken) {
                server.releaseSlot();
            }
        }
        return error;
    }

    /** Charges what the test moved since the last charge to its client's quota; true when the quota is spent. */
    private boolean chargeQuota(long moved) {
        InetAddress client = clientAddress();
        if (client == null) {
            return false;
        }
        if (moved > charged) {
            config.clientQuota().charge(client, moved - charged);
            charged = moved;
        }
        return config.clientQuota().available(client) <= 0;
    }

    /** The client's address (null once the control connection is closed). */
    InetAddress clientAddress() {
        try {
            return control.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        } catch (IOException e) {
            return null; // closed: the address was read while the test ran, when it mattered
        }
    }

    private void serve(ControlChannel channel) throws IOException, Iperf3Exception, InterruptedException {
        // The first read of the kernel's TCP figures sets up its native calls; on the control connection now, not
        // on a sending stream's first interval (see Iperf3Client).
        config.tcpStats().read((java.net.InetSocketAddress) control.getLocalAddress(),
                (java.net.InetSocketAddress) control.getRemoteAddress());
        Duration setupLeft = Duration.ofNanos(Math.max(1_000_000, setupDeadlineNanos - System.nanoTime()));
        setReadTimeout(setupLeft);
        send(channel, ControlState.PARAM_EXCHANGE);
        TestParameters params = TestParameters.fromJson(readJson(channel, JsonFrames.MAX_PARAMS_BYTES,
                Iperf3Error.IERECVPARAMS, "no parameters within the setup timeout of " + config.setupTimeout()));
        this.params = params;
        setupSeat.release();
        // The slot is taken now that a test has really been asked for: a client that never sends its parameters
        // holds none, and of two clients setting up at once the first with parameters gets it.
        if (!server.takeSlot()) {
            throw new Iperf3Exception(Iperf3Error.IEACCESSDENIED, "every slot is taken");
        }
        slotTaken = true;
        setReadTimeout(config.idleTimeout());
        // iperf3 authenticates right after reading the parameters and before any stream (iperf_exchange_parameters).
        if (server.authenticator() != null) {
            String user = server.authenticator().authenticate(params.authToken());
            LOG.info("iperf3 test {} authenticated as {}", cookie, user);
        }
        checkPolicy(params);

        StreamAcceptor acceptor = new StreamAcceptor(params, config.idleTimeout(), config.tcpTuning());
        int total = params.totalStreams();
        if (params.protocol() == Protocol.UDP) {
            InetSocketAddress local = new InetSocketAddress(config.bindAddress(), server.port());
            synchronized (server.udpPortLock()) {
                acceptor.acceptUdp(local, total, udpChannels, () -> send(channel, ControlState.CREATE_STREAMS));
            }
        } else {
            server.awaitStreams(this);
            try {
                send(channel, ControlState.CREATE_STREAMS);
                acceptor.acceptTcp(tcpArrivals, total, tcpChannels);
                // A client connects its streams one after another and their role follows that order (with --bidir
                // the first half send, the second half receive; iperf_tcp_accept). Cookies are read on one thread
                // per connection, so the queue may hold them out of order: restore the accept order, or both ends
                // would send on one socket and wait on the other.
                tcpChannels.sort(java.util.Comparator.comparingLong(acceptOrder::get));
            } finally {
                server.stopAwaiting(this);
            }
        }

        String congestion = congestionUsed(params);
        send(channel, ControlState.TEST_START);
        CpuMeter cpu = CpuMeter.start();
        StreamContext context = new StreamContext(params, System.nanoTime(), config.tcpStats());
        createStreams(params, context);
        server.events().started(params, streamEnds());
        send(channel, ControlState.TEST_RUNNING);
        server.rateGuard().started(this, context.startNanos());
        dataStartNanos = context.startNanos();
        Intervals intervals = new Intervals(streams, context);
        IntervalReporter reporter = new IntervalReporter(streams, context.startNanos(), REPORT_PERIOD_NANOS,
                sample -> server.events().interval(params, intervals.add(sample)));
        threads.forEach(Thread::start);
        reporter.start();

        awaitTestEnd(channel, params, context);
        dataEndNanos = System.nanoTime();
        streams.forEach(DataStream::stop);
        for (Thread t : threads) {
            t.join(config.idleTimeout().toMillis());
        }
        IntervalReporter.Sample last = reporter.stop();
        if (last != null) {
            server.events().interval(params, intervals.add(last));
        }
        CpuMeter.Usage usage = cpu.usage();

        send(channel, ControlState.EXCHANGE_RESULTS);
        TestResults theirs = TestResults.fromJson(readJson(channel, JsonFrames.MAX_RESULTS_BYTES,
                Iperf3Error.IERECVRESULTS, "no results within " + config.idleTimeout()));
        List<StreamResult> results = streams.stream().map(DataStream::result).toList();
        TestResults ours = new TestResults(usage.totalPercent(), usage.userPercent(), usage.systemPercent(),
                TestResults.senderHasRetransmits(streams, results), congestion, results,
                params.getServerOutput() ? ServerReport.build(params, cookie, streams, reporter, usage, congestion,
                        theirs.congestionUsed()) : null, null);
        channel.writeJson(ours.toJson());
        send(channel, ControlState.DISPLAY_RESULTS);
        receive(channel, ControlState.IPERF_DONE);
        LOG.info("iperf3 test {} done: {} streams, {} s", cookie, streams.size(), params.timeSeconds());
        server.events().finished(params, streams.stream()
                .map(s -> new Iperf3ServerEvents.StreamEnd(s.result(), s.sender())).toList());
    }

    /** Each stream's id, direction and ends, for {@link Iperf3ServerEvents#started}. */
    private List<Iperf3ServerEvents.Stream> streamEnds() throws IOException {
        List<Iperf3ServerEvents.Stream> ends = new ArrayList<>();
        boolean udp = !udpChannels.isEmpty();
        for (int i = 0; i < streams.size(); i++) {
            java.nio.channels.NetworkChannel ch = udp ? udpChannels.get(i) : tcpChannels.get(i);
            InetSocketAddress remote = (InetSocketAddress) (ch instanceof DatagramChannel d ? d.getRemoteAddress()
                    : ((SocketChannel) ch).getRemoteAddress());
            ends.add(new Iperf3ServerEvents.Stream(streams.get(i).id(), streams.get(i).sender(),
                    (InetSocketAddress) ch.getLocalAddress(), remote));
        }
        return ends;
    }

    /**
     * The congestion control of the accepted TCP streams, sent as {@code congestion_used}: iperf3's server reads
     * {@code TCP_CONGESTION} of each stream it accepts and keeps the last one's, so this reads the last stream's.
     * Null for UDP and when the kernel figures cannot be read (then no name is sent, as by an iperf3 without
     * {@code TCP_CONGESTION}).
     */
    private String congestionUsed(TestParameters params) {
        if (params.protocol() != Protocol.TCP || tcpChannels.isEmpty()) {
            return null;
        }
        SocketChannel last = tcpChannels.getLast();
        try {
            return config.tcpStats().read((InetSocketAddress) last.getLocalAddress(),
                    (InetSocketAddress) last.getRemoteAddress()).map(TcpStats::congestion).orElse(null);
        } catch (IOException e) {
            // The client already closed the stream: its test fails on the data path, there is no name to report.
            return null;
        }
    }

    private void checkPolicy(TestParameters params) throws Iperf3Exception {
        if (params.protocol() == Protocol.SCTP) {
            throw new Iperf3Exception(Iperf3Error.IENOSCTP, "this server has no SCTP");
        }
        Duration max = config.maxDuration();
        if (!max.isZero()) {
            boolean byteOrBlockLimited = params.numBytes() > 0 || params.blockCount() > 0;
            long requested = (long) params.timeSeconds() + params.omitSeconds();
            if ((!byteOrBlockLimited && params.timeSeconds() == 0) || requested > max.toSeconds()) {
                throw new Iperf3Exception(Iperf3Error.IEMAXSERVERTESTDURATIONEXCEEDED,
                        "requested " + requested + " s, the server allows " + max.toSeconds() + " s");
            }
        }
        InetAddress client = clientAddress();
        if (client != null && config.clientQuota().available(client) <= 0) {
            throw new Iperf3Exception(Iperf3Error.IEACCESSDENIED, "the byte limit of " + client.getHostAddress()
                    + " is spent");
        }
        server.rateGuard().admit(this, params);
    }

    private void createStreams(TestParameters params, StreamContext context) {
        int receivers = params.reverse() ? 0 : params.parallel();
        boolean udp = params.protocol() == Protocol.UDP;
        int total = params.totalStreams();
        // More TCP receiving streams than threads to spare for them: they share threads that each read several
        // through a selector (TcpReceiveGroup), as iperf3's server reads all of its streams on one.
        int groups = udp ? receivers : TcpReceiveGroup.threadsFor(receivers, Runtime.getRuntime().availableProcessors());
        List<List<TcpReceiveStream>> grouped = new ArrayList<>();
        for (int g = 0; groups < receivers && g < groups; g++) {
            grouped.add(new ArrayList<>());
        }
        for (int i = 0; i < total; i++) {
            int id = DataStream.streamId(i);
            boolean receive = i < receivers;
            DataStream stream;
            if (udp) {
                DatagramChannel ch = udpChannels.get(i);
                stream = receive ? new UdpReceiveStream(id, context, ch) : new UdpSendStream(id, context, ch);
            } else {
                SocketChannel ch = tcpChannels.get(i);
                stream = receive ? new TcpReceiveStream(id, context, ch) : new TcpSendStream(id, context, ch);
            }
            streams.add(stream);
            if (stream instanceof TcpReceiveStream r && groups < receivers) {
                grouped.get(i % groups).add(r);
                continue;
            }
            threads.add(dataThread("iperf3-" + (receive ? "recv-" : "send-") + id, stream));
        }
        for (int g = 0; g < grouped.size(); g++) {
            threads.add(dataThread("iperf3-recv-group-" + (g + 1), new TcpReceiveGroup(grouped.get(g))));
        }
    }

    private Thread dataThread(String name, Runnable work) {
        return config.dataThreads() == Iperf3ServerConfig.DataThreads.VIRTUAL
                ? Thread.ofVirtual().name(name).unstarted(work)
                : Thread.ofPlatform().name(name).daemon(true).unstarted(work);
    }

    /**
     * Waits for the client's TEST_END while watching the test: data that stops moving for longer than the idle timeout
     * (or than a few of the slowest stream's packet gaps) means the client vanished; a test over the server's maximum
     * duration is ended with IESERVERTESTDURATIONEXPIRED as iperf3's {@code server_timer_proc} does.
     */
    private void awaitTestEnd(ControlChannel channel, TestParameters params, StreamContext context)
            throws IOException, Iperf3Exception {
        setReadTimeout(WATCH_PERIOD);
        long rate = params.effectiveRateBitsPerSecond();
        long gapNanos = rate > 0 ? (long) (params.effectiveLenBytes() * 8.0 * 1e9 / rate) : 0;
        long idleNanos = Math.max(config.idleTimeout().toNanos(), 3 * gapNanos);
        long maxNanos = config.maxDuration().isZero() ? Long.MAX_VALUE
                : config.maxDuration().toNanos() + config.idleTimeout().toNanos();
        long lastBytes = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            try {
                ControlState next = channel.readState();
                state = ControlState.transition(state, next);
                if (next == ControlState.CLIENT_TERMINATE) {
                    throw new EOFException("client terminated the test");
                }
                setReadTimeout(config.idleTimeout());
                return;
            } catch (SocketTimeoutException e) {
                long now = System.nanoTime();
                long moved = streams.stream().mapToLong(DataStream::bytes).sum();
                if (moved != lastBytes) {
                    lastBytes = moved;
                    lastProgress = now;
                } else if (now - lastProgress > idleNanos) {
                    throw new Iperf3Exception(Iperf3Error.IENOMSG, "no data moved for " + config.idleTimeout());
                }
                server.rateGuard().check(this, now, moved);
                if (chargeQuota(moved)) {
                    throw new Iperf3Exception(Iperf3Error.IETOTALRATE, "the byte limit of the client's address is spent");
                }
                if (now - context.startNanos() > maxNanos) {
                    throw new Iperf3Exception(Iperf3Error.IESERVERTESTDURATIONEXPIRED,
                            "test exceeded " + config.maxDuration());
                }
            }
        }
    }

    private void send(ControlChannel channel, ControlState next) throws IOException, Iperf3Exception {
        state = ControlState.transition(state, next);
        channel.writeState(next);
    }

    private void receive(ControlChannel channel, ControlState expected) throws IOException, Iperf3Exception {
        ControlState got = channel.readState();
        state = ControlState.transition(state, got);
        if (got != expected) {
            throw new EOFException("client sent " + got + " instead of " + expected);
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode readJson(ControlChannel channel, int max, Iperf3Error error,
                                                                    String onTimeout)
            throws IOException, Iperf3Exception {
        try {
            return channel.readJson(max, error);
        } catch (SocketTimeoutException e) {
            throw new Iperf3Exception(error, 0, onTimeout, e);
        }
    }

    /**
     * Leaves the data streams open until the client, having read SERVER_ERROR, closes the control connection (at most
     * {@link #ERROR_GRACE}): closing them at once makes a client busy writing fail on its data socket ("connection
     * reset") before it reads the error code, so it would print the wrong reason.
     */
    private void awaitClientClose() throws IOException {
        setReadTimeout(ERROR_GRACE);
        long deadline = System.nanoTime() + ERROR_GRACE.toNanos();
        byte[] discard = new byte[512];
        try {
            while (System.nanoTime() < deadline && control.socket().getInputStream().read(discard) >= 0) {
                // Anything the client still sends after the error is of no use.
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("iperf3 client {} kept its control connection open after SERVER_ERROR", cookie);
        }
    }

    private void setReadTimeout(Duration timeout) throws IOException {
        control.socket().setSoTimeout((int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
    }

    private void closeQuietly() {
        streams.forEach(DataStream::stop);
        StreamAcceptor.closeAll(tcpChannels);
        StreamAcceptor.closeAll(udpChannels);
        StreamAcceptor.closeAll(new ArrayList<>(tcpArrivals));
        StreamAcceptor.closeAll(List.of(control));
    }
}
