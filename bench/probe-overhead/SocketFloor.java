import io.waddleperf.probes.ChannelWatchdog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Harness for docs/BENCHMARKS.md §5 ("where the rest goes"): the tcp, udp and dns exchanges made with the same JDK
 * calls as the probes, after W untimed warm-up exchanges against loopback, then `count` timed ones `interval_ms`
 * apart, printed like the C references (one time in ms per line) after a comment line with the warm-up's wall time.
 *
 *   java -cp app/target/waddleperf.jar bench/probe-overhead/SocketFloor.java \
 *        tcp|udp|dns ip port count interval_ms warmups [options]
 * options: wd (arm a ChannelWatchdog per attempt, as the probes do), listen (tcp: warm up against a listener of our
 * own instead of a refused port), thread (udp: the reply is read on a receiver thread, as EchoRun does),
 * fresh (dns: a new connected channel per query, as the probe does), alloc (dns: a new 64 KiB direct buffer made
 * just before each query, as the probe did until 2026-12-07), target (warm up against the target itself).
 */
public final class SocketFloor {

    static final byte[] DNS_QUERY = dnsQuery("probe-overhead.test");

    public static void main(String[] args) throws Exception {
        String probe = args[0];
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        int count = Integer.parseInt(args[3]);
        long intervalNanos = Long.parseLong(args[4]) * 1_000_000L;
        int warmups = Integer.parseInt(args[5]);
        List<String> opts = Arrays.asList(args).subList(6, args.length);
        boolean wd = opts.contains("wd");
        double[] ms = new double[count];
        try (ChannelWatchdog watchdog = new ChannelWatchdog("floor-watchdog")) {
            long w0 = System.nanoTime();
            switch (probe) {
                case "tcp" -> warmTcp(warmups, opts.contains("listen"), opts.contains("target") ? target : null, watchdog, wd);
                case "udp" -> {
                    try (DatagramChannel self = selfConnected()) {
                        for (int i = 0; i < warmups; i++) {
                            udpSameThread(self, watchdog, wd);
                        }
                    }
                }
                case "dns" -> {
                    try (DatagramChannel self = selfConnected()) {
                        for (int i = 0; i < warmups; i++) {
                            dnsOnce(self, watchdog, wd);
                        }
                    }
                }
                default -> throw new IllegalArgumentException(probe);
            }
            long w1 = System.nanoTime();
            System.out.printf("# warm-up %d in %.1f ms%n", warmups, (w1 - w0) / 1e6);
            long start = System.nanoTime();
            switch (probe) {
                case "tcp" -> {
                    for (int i = 0; i < count; i++) {
                        sleepUntil(start + i * intervalNanos);
                        ms[i] = tcpOnce(target, watchdog, wd);
                    }
                }
                case "udp" -> {
                    if (opts.contains("thread")) {
                        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
                            ch.connect(target);
                            udpThreaded(ch, count, intervalNanos, ms);
                        }
                    } else {
                        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                        ch.connect(target);
                        for (int i = 0; i < count; i++) {
                            sleepUntil(start + i * intervalNanos);
                            // a lost reply: the deadline closes the channel, the attempt is lost, a new channel follows
                            try (ChannelWatchdog.Deadline d = watchdog.arm(500_000_000L)) {
                                d.attach(ch);
                                ms[i] = udpSameThread(ch, watchdog, false);
                            } catch (IOException lost) {
                                ms[i] = Double.NaN;
                                ch = DatagramChannel.open(StandardProtocolFamily.INET);
                                ch.connect(target);
                            }
                        }
                        ch.close();
                    }
                }
                case "dns" -> {
                    if (opts.contains("fresh")) {
                        for (int i = 0; i < count; i++) {
                            sleepUntil(start + i * intervalNanos);
                            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
                                ch.connect(target);
                                if (opts.contains("alloc")) {
                                    ByteBuffer.allocateDirect(65_535);
                                }
                                ms[i] = dnsOnce(ch, watchdog, wd);
                            }
                        }
                    } else {
                        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
                            ch.connect(target);
                            for (int i = 0; i < count; i++) {
                                sleepUntil(start + i * intervalNanos);
                                ms[i] = dnsOnce(ch, watchdog, wd);
                            }
                        }
                    }
                }
                default -> throw new IllegalArgumentException(probe);
            }
        }
        StringBuilder out = new StringBuilder();
        for (double m : ms) {
            out.append(Double.isNaN(m) ? "lost\n" : String.format("%.4f%n", m));
        }
        System.out.print(out);
    }

    static void sleepUntil(long due) throws InterruptedException {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** The probe's tcp attempt: deadline armed, channel made, clock read around connect(2) alone. */
    static double tcpOnce(InetSocketAddress to, ChannelWatchdog watchdog, boolean wd) throws IOException {
        ChannelWatchdog.Deadline deadline = wd ? watchdog.arm(1_000_000_000L) : null;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.INET)) {
            if (deadline != null) {
                deadline.attach(ch);
            }
            long t0 = System.nanoTime();
            try {
                ch.connect(to);
            } catch (IOException refused) {
                // the warm-up's refused port
            }
            long t1 = System.nanoTime();
            return (t1 - t0) / 1e6;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    static void warmTcp(int n, boolean listen, InetSocketAddress target, ChannelWatchdog watchdog, boolean wd) throws IOException {
        if (target != null) {
            for (int i = 0; i < n; i++) {
                tcpOnce(target, watchdog, wd);
            }
            return;
        }
        if (listen) {
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
                InetSocketAddress at = (InetSocketAddress) server.getLocalAddress();
                for (int i = 0; i < n; i++) {
                    tcpOnce(at, watchdog, wd);
                    if (i % 64 == 63) {
                        server.configureBlocking(false);
                        while (true) {
                            SocketChannel c = server.accept();
                            if (c == null) {
                                break;
                            }
                            c.close();
                        }
                        server.configureBlocking(true);
                    }
                }
            }
            return;
        }
        try (SocketChannel bound = SocketChannel.open(StandardProtocolFamily.INET)) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress closed = (InetSocketAddress) bound.getLocalAddress();
            for (int i = 0; i < n; i++) {
                tcpOnce(closed, watchdog, wd);
            }
        }
    }

    static DatagramChannel selfConnected() throws IOException {
        DatagramChannel self = DatagramChannel.open(StandardProtocolFamily.INET);
        self.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        self.connect(self.getLocalAddress());
        return self;
    }

    static final ByteBuffer UDP_REQ = ByteBuffer.allocateDirect(64);
    static final ByteBuffer UDP_REP = ByteBuffer.allocateDirect(65_535);

    /** The C echo client's exchange: a 64-byte request, send then recv on the same thread. */
    static double udpSameThread(DatagramChannel ch, ChannelWatchdog watchdog, boolean wd) throws IOException {
        ChannelWatchdog.Deadline deadline = wd ? watchdog.arm(1_000_000_000L) : null;
        try {
            long t0 = System.nanoTime();
            fillEcho(UDP_REQ, 0, t0);
            ch.write(UDP_REQ);
            UDP_REP.clear();
            ch.read(UDP_REP);
            long t1 = System.nanoTime();
            return (t1 - t0) / 1e6;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    static void fillEcho(ByteBuffer b, long seq, long t0) {
        b.clear();
        for (int i = 0; i < 64; i++) {
            b.put(i, (byte) 0);
        }
        b.putInt(0, 0x57504543).put(4, (byte) 1).putLong(8, seq).putLong(16, t0);
    }

    /** The probe's way: sending on this thread, replies read and timed on a receiver thread. */
    static void udpThreaded(DatagramChannel ch, int count, long intervalNanos, double[] ms) throws Exception {
        Arrays.fill(ms, Double.NaN);
        long[] sent = new long[count];
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(count);
        Thread receiver = Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer rep = ByteBuffer.allocateDirect(65_535);
            started.countDown();
            try {
                while (done.getCount() > 0) {
                    rep.clear();
                    ch.read(rep);
                    long now = System.nanoTime();
                    int seq = (int) rep.getLong(8);
                    ms[seq] = (now - sent[seq]) / 1e6;
                    done.countDown();
                }
            } catch (IOException e) {
                // closed
            }
        });
        started.await();
        ByteBuffer req = ByteBuffer.allocateDirect(64);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sleepUntil(start + i * intervalNanos);
            long t0 = System.nanoTime();
            fillEcho(req, i, t0);
            sent[i] = t0;
            ch.write(req);
        }
        done.await(2, TimeUnit.SECONDS);
        receiver.join(100);
    }

    static final ByteBuffer DNS_REQ = ByteBuffer.allocateDirect(512);

    /** The dns probe's exchange: the clock read around write and the read of the answer with our id. */
    static double dnsOnce(DatagramChannel ch, ChannelWatchdog watchdog, boolean wd) throws IOException {
        ChannelWatchdog.Deadline deadline = wd ? watchdog.arm(1_000_000_000L) : null;
        try {
            if (deadline != null) {
                deadline.attach(ch);
            }
            DNS_REQ.clear();
            DNS_REQ.put(DNS_QUERY).flip();
            long t0 = System.nanoTime();
            ch.write(DNS_REQ);
            long t1;
            while (true) {
                UDP_REP.clear();
                ch.read(UDP_REP);
                t1 = System.nanoTime();
                if (UDP_REP.position() >= 2 && UDP_REP.getShort(0) == (short) 0x5750) {
                    break;
                }
            }
            return (t1 - t0) / 1e6;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    /** An A query with EDNS(0) 1232, id 0x5750, RD set (as dns_query.c). */
    static byte[] dnsQuery(String name) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) 0x5750).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 1);
        for (String label : name.split("\\.")) {
            b.put((byte) label.length()).put(label.getBytes());
        }
        b.put((byte) 0).putShort((short) 1).putShort((short) 1);
        b.put((byte) 0).putShort((short) 41).putShort((short) 1232).putInt(0).putShort((short) 0);
        return Arrays.copyOf(b.array(), b.position());
    }
}
