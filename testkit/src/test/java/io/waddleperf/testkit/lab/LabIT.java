package io.waddleperf.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Checks the namespace lab against its own ground truth, with Java sockets and Debian's stock tools. */
class LabIT {

    private static final long RATE_BITS_PER_SECOND = 10_000_000;

    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder()
            .routers(3)
            .link(1, LinkConfig.DEFAULT.withRate(RATE_BITS_PER_SECOND))
            .link(2, LinkConfig.DEFAULT.withMtu(1400)));

    @Test
    void building_and_closing_a_lab_leaves_no_namespaces_behind() {
        Lab lab = Lab.builder().routers(2).build();
        List<String> names = lab.nodes().stream().map(LabNode::namespace).toList();
        assertThat(LabSupport.namespaces()).containsAll(names);
        assertThat(names).allMatch(n -> n.startsWith(Lab.NAMESPACE_PREFIX + lab.id() + "-"));
        // Usable at once, IPv6 included (no duplicate address detection, links up before build() returns).
        ExecResult v6 = lab.client().exec("ping", "-6", "-n", "-c", "1", "-W", "1",
                lab.server().addressV6().getHostAddress());
        assertThat(v6.exitCode()).as(v6.toString()).isZero();
        assertThat(v6.output()).doesNotContainPattern("time=[0-9]{3,}");

        lab.close();

        assertThat(LabSupport.namespaces()).noneMatch(n -> n.contains(lab.id()));
    }

    @Test
    void a_failed_build_deletes_what_it_had_made() {
        String[] id = new String[1];
        assertThatThrownBy(() -> Lab.builder().routers(1).setup(lab -> {
            id[0] = lab.id();
            throw new IllegalStateException("set-up step fails on purpose");
        }).build()).isInstanceOf(LabException.class).hasMessageContaining("on purpose");

        assertThat(id[0]).isNotNull();
        assertThat(LabSupport.namespaces()).noneMatch(n -> n.contains(id[0]));
    }

    @Test
    void removes_namespaces_left_by_a_crashed_run() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = Lab.NAMESPACE_PREFIX + "abc123-" + gone.pid() + "-client";
        Commands.check("ip", "netns", "add", stale);

        assertThat(LabSupport.removeStaleNamespaces()).contains(stale);

        assertThat(LabSupport.namespaces()).doesNotContain(stale);
        assertThat(LabSupport.namespaces()).contains(LAB.lab().client().namespace());
    }

    @Test
    void java_udp_on_the_client_reaches_the_server_over_three_routers() throws Exception {
        Lab lab = LAB.lab();
        try (DatagramSocket echo = udpEcho(lab.server())) {
            DatagramPacket reply = lab.client().run(() -> {
                try (DatagramSocket socket = new DatagramSocket(0)) {
                    socket.setSoTimeout(2_000);
                    byte[] hello = "hello through the lab".getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(hello, hello.length, echo.getLocalSocketAddress()));
                    DatagramPacket packet = new DatagramPacket(new byte[100], 100);
                    socket.receive(packet);
                    return packet;
                }
            });
            assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8))
                    .isEqualTo("hello through the lab");
            assertThat(reply.getAddress()).isEqualTo(lab.server().addressV4());
        }
    }

    @Test
    void stock_ping_from_the_client_reaches_the_server_over_ipv4_and_ipv6() {
        Lab lab = LAB.lab();
        ExecResult v4 = lab.client().exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2",
                lab.server().addressV4().getHostAddress());
        assertThat(v4.exitCode()).as(v4.toString()).isZero();
        assertThat(v4.output()).contains("3 received");

        ExecResult v6 = lab.client().exec("ping", "-6", "-n", "-c", "1", "-W", "2",
                lab.server().addressV6().getHostAddress());
        assertThat(v6.exitCode()).as(v6.toString()).isZero();
    }

    @Test
    void traceroute_from_the_client_shows_every_router_in_order() {
        Lab lab = LAB.lab();
        ExecResult trace = lab.client().exec("traceroute", "-n", "-q", "1", "-w", "2",
                lab.server().addressV4().getHostAddress());
        assertThat(trace.exitCode()).as(trace.toString()).isZero();

        List<String> hops = new ArrayList<>();
        Matcher hop = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)\\s").matcher(trace.output());
        while (hop.find()) {
            hops.add(hop.group(1));
        }
        assertThat(hops).as(trace.toString())
                .containsExactlyElementsOf(lab.hopsV4().stream().map(InetAddress::getHostAddress).toList());
        assertThat(hops).hasSize(4);
    }

    @Test
    void tracepath_finds_the_1400_byte_mtu_of_the_r2_r3_link() {
        Lab lab = LAB.lab();
        assertThat(lab.link(2).leftNode()).isEqualTo("r2");
        assertThat(lab.pathMtuBytes()).isEqualTo(1400);

        ExecResult trace = lab.client().exec("tracepath", "-n", lab.server().addressV4().getHostAddress());

        assertThat(trace.exitCode()).as(trace.toString()).isZero();
        assertThat(trace.output()).as(trace.toString()).contains("pmtu 1400 hops 4");
    }

    @Test
    void routers_report_the_smaller_mtu_to_a_too_big_packet_with_df() {
        Lab lab = LAB.lab();
        // 1472 bytes of ICMP payload make a 1500-byte packet: r2 answers frag-needed with mtu 1400 (RFC 1191).
        ExecResult ping = lab.client().exec("ping", "-n", "-M", "do", "-s", "1472", "-c", "2", "-i", "0.2", "-W", "1",
                lab.server().addressV4().getHostAddress());

        assertThat(ping.output()).as(ping.toString()).containsPattern("mtu ?= ?1400");
    }

    @Test
    void a_router_suppressing_frag_needed_makes_a_pmtu_black_hole() {
        try (Lab lab = Lab.builder().routers(3).link(2, LinkConfig.DEFAULT.withMtu(1400)).suppressFragNeeded(2).build()) {
            assertThat(lab.suppressesFragNeeded(2)).isTrue();
            String server = lab.server().addressV4().getHostAddress();
            ExecResult small = lab.client().exec("ping", "-n", "-M", "do", "-s", "1372", "-c", "1", "-W", "2", server);
            assertThat(small.exitCode()).as(small.toString()).isZero();

            ExecResult big = lab.client().exec("ping", "-n", "-M", "do", "-s", "1472", "-c", "2", "-i", "0.2", "-W", "1",
                    server);

            assertThat(big.exitCode()).as(big.toString()).isNotZero();
            assertThat(big.output()).as(big.toString()).contains("100% packet loss").doesNotContainPattern("mtu ?= ?1400");
        }
    }

    @Test
    void tbf_limits_a_tcp_transfer_to_the_configured_rate() throws Exception {
        Lab lab = LAB.lab();
        int bytes = 2_500_000;
        try (ServerSocket listener = lab.server().run(
                () -> new ServerSocket(0, 1, lab.server().addressV4()))) {
            CompletableFuture<Long> receiveNanos = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = listener.accept(); InputStream in = peer.getInputStream()) {
                    byte[] buffer = new byte[64 * 1024];
                    int first = in.read(buffer);
                    long start = System.nanoTime();
                    long total = first;
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        total += n;
                    }
                    assertThat(total).isEqualTo(bytes);
                    return System.nanoTime() - start;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            lab.client().run(() -> {
                try (Socket socket = new Socket(listener.getInetAddress(), listener.getLocalPort());
                     OutputStream out = socket.getOutputStream()) {
                    out.write(new byte[bytes]);
                }
                return null;
            });
            long elapsedNanos = receiveNanos.get(30, TimeUnit.SECONDS);
            double measuredBitsPerSecond = bytes * 8.0 / (elapsedNanos / 1e9);
            // Loose: tbf counts Ethernet and IP/TCP headers, the payload rate is a few percent below the wire rate.
            assertThat(measuredBitsPerSecond).as("measured bit/s").isBetween(RATE_BITS_PER_SECOND * 0.85, RATE_BITS_PER_SECOND * 1.15);
        }
    }

    @Test
    void random_drop_loses_a_binomially_plausible_fraction_of_udp_datagrams() throws Exception {
        int sent = 1000;
        int lossPercent = 20;
        try (Lab lossy = Lab.builder().routers(1).link(1, LinkConfig.DEFAULT.withLossPercent(lossPercent)).build();
             DatagramSocket sink = lossy.server().run(() -> new DatagramSocket(0, lossy.server().addressV4()))) {
            assertThat(lossy.link(1).config().lossFraction()).isEqualTo(0.2);
            sink.setSoTimeout(1_000);
            CompletableFuture<int[]> counts = CompletableFuture.supplyAsync(() -> countDatagrams(sink));
            lossy.client().run(() -> {
                try (DatagramSocket socket = new DatagramSocket(0)) {
                    // Warm up (neighbour discovery) with datagrams the sink does not count.
                    for (int i = 0; i < 20; i++) {
                        socket.send(new DatagramPacket(new byte[] {'w'}, 1, sink.getLocalSocketAddress()));
                    }
                    Thread.sleep(50);
                    for (int i = 0; i < sent; i++) {
                        socket.send(new DatagramPacket(new byte[] {'m'}, 1, sink.getLocalSocketAddress()));
                        if (i % 50 == 49) {
                            Thread.sleep(1);
                        }
                    }
                }
                return null;
            });
            int received = counts.get(30, TimeUnit.SECONDS)[0];
            // Binomial(1000, 0.2): mean 200, sd sqrt(1000*0.2*0.8) = 12.65; 99.9 % two-sided z = 3.29 -> 200 ± 41.6.
            assertThat(sent - received).as("datagrams lost of " + sent).isBetween(159, 241);
        }
    }

    @Test
    void udp_delay_relay_adds_the_configured_delay_each_way() throws Exception {
        Lab lab = LAB.lab();
        try (DatagramSocket echo = udpEcho(lab.server())) {
            UdpDelayRelay relay = lab.udpDelayRelay(lab.router(2), new InetSocketAddress(lab.router(2).addressV4(), 0),
                    (InetSocketAddress) echo.getLocalSocketAddress(), Duration.ofMillis(20));
            double baseMs = lab.client().run(() -> medianUdpRttMs((InetSocketAddress) echo.getLocalSocketAddress()));
            double relayedMs = lab.client().run(() -> medianUdpRttMs(relay.localAddress()));
            if (relayedMs - baseMs < 38.0 || relayedMs - baseMs > 42.0) {
                // A CI run once measured 43.9 ms for the whole burst of 15 (the host late for that second, the same
                // minute another relay test saw it too); a relay that adds the wrong delay does so in every burst.
                System.out.printf(Locale.ROOT, "[lab] udp relay added %.3f ms (base %.3f, relayed %.3f), measuring again%n",
                        relayedMs - baseMs, baseMs, relayedMs);
                baseMs = lab.client().run(() -> medianUdpRttMs((InetSocketAddress) echo.getLocalSocketAddress()));
                relayedMs = lab.client().run(() -> medianUdpRttMs(relay.localAddress()));
            }
            double base = baseMs;
            double relayed = relayedMs;
            assertThat(relayed - base).as("added RTT ms (base %.3f, relayed %.3f)", base, relayed)
                    .isBetween(38.0, 42.0);
            assertThat(relay.droppedDatagrams()).isZero();
        }
    }

    @Test
    void tcp_delay_relay_adds_the_configured_delay_each_way() throws Exception {
        Lab lab = LAB.lab();
        try (ServerSocket echo = lab.server().run(() -> new ServerSocket(0, 4, lab.server().addressV4()))) {
            CompletableFuture.runAsync(() -> tcpEcho(echo));
            TcpDelayRelay relay = lab.tcpDelayRelay(lab.router(2), new InetSocketAddress(lab.router(2).addressV4(), 0),
                    (InetSocketAddress) echo.getLocalSocketAddress(), Duration.ofMillis(20));
            double baseMs = lab.client().run(() -> medianTcpRttMs((InetSocketAddress) echo.getLocalSocketAddress()));
            double relayedMs = lab.client().run(() -> medianTcpRttMs(relay.localAddress()));

            assertThat(relayedMs - baseMs).as("added RTT ms (base %.3f, relayed %.3f)", baseMs, relayedMs)
                    .isBetween(38.0, 42.0);
        }
    }

    private static DatagramSocket udpEcho(LabNode node) throws Exception {
        DatagramSocket socket = node.run(() -> new DatagramSocket(0, node.addressV4()));
        Thread.ofPlatform().daemon().start(() -> {
            RealtimeScheduling.raiseCallingThread();
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            try {
                while (true) {
                    packet.setLength(2048);
                    socket.receive(packet);
                    socket.send(packet);
                }
            } catch (Exception e) {
                // The test closed the socket.
            }
        });
        return socket;
    }

    private static void tcpEcho(ServerSocket listener) {
        try {
            while (true) {
                Socket peer = listener.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    RealtimeScheduling.raiseCallingThread();
                    try (peer; InputStream in = peer.getInputStream(); OutputStream out = peer.getOutputStream()) {
                        peer.setTcpNoDelay(true);
                        in.transferTo(out);
                    } catch (Exception e) {
                        // The client went away.
                    }
                });
            }
        } catch (Exception e) {
            // The test closed the listener.
        }
    }

    private static int[] countDatagrams(DatagramSocket sink) {
        int[] counts = new int[1];
        DatagramPacket packet = new DatagramPacket(new byte[16], 16);
        try {
            while (true) {
                packet.setLength(16);
                sink.receive(packet);
                if (packet.getData()[0] == 'm') {
                    counts[0]++;
                }
            }
        } catch (SocketTimeoutException e) {
            return counts;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The median RTT, timed from a real-time thread: an ordinary thread on a loaded host wakes up to tens of
     * milliseconds late for a reply, which would be counted as relay delay (docs/ACCURACY.md, Delay).
     */
    private static double medianUdpRttMs(InetSocketAddress target) throws Exception {
        RealtimeScheduling.raiseCallingThread();
        try (DatagramSocket socket = new DatagramSocket(0)) {
            socket.setSoTimeout(2_000);
            double[] rttMs = new double[15];
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            for (int i = 0; i < rttMs.length; i++) {
                byte[] probe = {(byte) i};
                long start = System.nanoTime();
                socket.send(new DatagramPacket(probe, 1, target));
                socket.receive(reply);
                rttMs[i] = (System.nanoTime() - start) / 1e6;
            }
            return median(rttMs);
        }
    }

    private static double medianTcpRttMs(InetSocketAddress target) throws Exception {
        RealtimeScheduling.raiseCallingThread();
        try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            double[] rttMs = new double[15];
            for (int i = 0; i < rttMs.length; i++) {
                long start = System.nanoTime();
                out.write(i);
                assertThat(in.read()).isEqualTo(i);
                rttMs[i] = (System.nanoTime() - start) / 1e6;
            }
            return median(rttMs);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
