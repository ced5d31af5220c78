package io.waddleperf.testserver.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.Probers;
import io.waddleperf.testkit.Dnsmasq;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.ExecResult;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testkit.lab.LabSupport;
import io.waddleperf.testkit.lab.RealtimeScheduling;
import io.waddleperf.testkit.lab.UdpDelayRelay;
import io.waddleperf.testkit.Requirements;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tcp, udp and dns probes add to the time they measure, in the namespace lab (client – r1 – server): each
 * is run against the C reference of bench/probe-overhead (compiled here with gcc, run in the client's namespace)
 * over the same path in the same test, interleaved (ours, C, ours, C, ...), and the median over rounds of
 * ours p50 − C p50 must stay within 0.3 ms. The udp echo and dns paths cross a UDP delay relay adding 20 ms each
 * way, so they also show that the relayed figure is the injected 40 ms; tcp goes direct, because a connect ends at
 * whoever accepts it, and a userspace relay accepts at once (nothing here delays SYNs).
 *
 * <p>Why against C and not against 40 ms alone: the relay adds its own receive-and-send time (0.0-0.2 ms a round
 * trip, docs/ACCURACY.md) and the lab's veth path its own, both unknown to the test; C meets them too, so the
 * difference is the probe's own overhead. Every thread that times (our prober, the C process, the relay and the
 * responder) runs SCHED_FIFO, so a loaded host starves neither side more than the other.
 */
class SocketProbeOverheadLabIT {

    private static final int ROUNDS = 3;
    private static final int COUNT = 30;
    private static final double MAX_OVERHEAD_MS = 0.3;

    @TempDir
    static Path work;

    @BeforeAll
    static void compileReferences() throws Exception {
        LabSupport.assumeAvailable();
        Requirements.require(Requirements.command("gcc").isPresent(), "gcc is not installed (the C references are compiled)");
        for (String name : List.of("tcp_connect", "udp_echo", "dns_query")) {
            Path source = Path.of("..", "bench", "probe-overhead", name + ".c").toAbsolutePath().normalize();
            Process gcc = new ProcessBuilder("gcc", "-O2", "-o", work.resolve(name).toString(), source.toString())
                    .redirectErrorStream(true).start();
            String out = new String(gcc.getInputStream().readAllBytes());
            assertThat(gcc.waitFor()).as("gcc %s: %s", source, out).isZero();
        }
    }

    @Test
    void tcp_connect_adds_at_most_0_3_ms_to_a_c_connect_loop() throws Exception {
        try (Lab lab = Lab.builder().routers(1).ipv6(false).build()) {
            ServerSocket listener = lab.server().run(() -> new ServerSocket(0, 4096, lab.server().addressV4()));
            Thread acceptor = lab.server().threadFactory().newThread(() -> acceptAll(listener));
            acceptor.start();
            try (listener) {
                String ip = lab.server().addressV4().getHostAddress();
                int port = listener.getLocalPort();
                compare(lab.client(), "tcp", "tcp://" + ip + ":" + port, Duration.ofMillis(20),
                        "tcp_connect", ip, String.valueOf(port), String.valueOf(COUNT), "20");
            }
        }
    }

    @Test
    void udp_echo_through_a_20_ms_relay_adds_at_most_0_3_ms_to_a_c_echo_client() throws Exception {
        try (Lab lab = Lab.builder().routers(1).ipv6(false).build();
             UdpEchoResponder responder = lab.server().run(() -> {
                 RealtimeScheduling.raiseCallingThread(); // the responder's thread inherits the policy
                 return UdpEchoResponder.start(new InetSocketAddress(lab.server().addressV4(), 0), Set.of());
             })) {
            LabNode r1 = lab.router(1);
            UdpDelayRelay relay = lab.udpDelayRelay(r1, new InetSocketAddress(r1.addressV4(), 0), responder.localAddress(),
                    Duration.ofMillis(20));
            String ip = relay.localAddress().getAddress().getHostAddress();
            String port = String.valueOf(relay.localAddress().getPort());
            double[] relayed = compare(lab.client(), "udp", "udp://" + ip + ":" + port, Duration.ofMillis(50),
                    "udp_echo", ip, port, String.valueOf(COUNT), "50");
            assertRelayedIsInjected(relayed);
            assertThat(relay.droppedDatagrams()).isZero();
        }
    }

    @Test
    void dns_query_through_a_20_ms_relay_adds_at_most_0_3_ms_to_a_c_query_loop() throws Exception {
        Dnsmasq.assumeInstalled();
        try (Lab lab = Lab.builder().routers(1).ipv6(false).build();
             Dnsmasq dnsmasq = Dnsmasq.startIn(lab.server(), work.resolve("dns"))) {
            // dnsmasq answers on the server's loopback; a relay in the server's namespace puts it on the lab path.
            LabNode server = lab.server();
            UdpDelayRelay relay = lab.udpDelayRelay(server, new InetSocketAddress(server.addressV4(), 0),
                    new InetSocketAddress("127.0.0.1", dnsmasq.port()), Duration.ofMillis(20));
            String ip = relay.localAddress().getAddress().getHostAddress();
            String port = String.valueOf(relay.localAddress().getPort());
            double[] relayed = compare(lab.client(), "dns", "dns://" + ip + ":" + port + "/" + Dnsmasq.WWW + "?type=A",
                    Duration.ofMillis(50), "dns_query", ip, port, Dnsmasq.WWW, String.valueOf(COUNT), "50");
            assertRelayedIsInjected(relayed);
        }
    }

    /**
     * ROUNDS of ours then C from {@code node}; asserts the median difference of p50s and returns {ours median p50,
     * C median p50}. Our first attempt is part of every p50, as in a one-shot run. When the first ROUNDS are over the
     * bound, ROUNDS more are measured and the bound applies to the median over all of them: a CI run once had two
     * rounds of the dns probe 2.1-2.4 ms slow next to a steady C loop (a stretch of the host, not seen again in the
     * class's other runs), while an overhead of ours shows in every round and still fails.
     */
    private static double[] compare(LabNode node, String label, String target, Duration interval, String... reference)
            throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> c = new ArrayList<>();
        measure(node, label, target, interval, reference, ours, c);
        double added = medianDifference(ours, c);
        if (added > MAX_OVERHEAD_MS) {
            System.out.printf(Locale.ROOT, "[overhead] %s: %.3f ms added over %d rounds, measuring %d more%n", label, added,
                    ROUNDS, ROUNDS);
            measure(node, label, target, interval, reference, ours, c);
            added = medianDifference(ours, c);
        }
        double oursMedian = median(ours.stream().mapToDouble(Double::doubleValue).toArray());
        double cMedian = median(c.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(Locale.ROOT, "[overhead] %s: ours p50 median %.3f ms, C %.3f ms, added (median of %d rounds) %.3f ms%n",
                label, oursMedian, cMedian, ours.size(), added);
        assertThat(added).as("%s: ms ours adds to the C reference", label).isLessThanOrEqualTo(MAX_OVERHEAD_MS);
        return new double[] {oursMedian, cMedian};
    }

    private static void measure(LabNode node, String label, String target, Duration interval, String[] reference,
            List<Double> ours, List<Double> c) throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            ProbeResult r = runIn(node, TargetParser.parse(target,
                    new ProbeOptions(COUNT, interval, Duration.ofSeconds(1), null, Map.of())));
            assertThat(r.success()).as("%s error %s", label, r.error()).isTrue();
            assertThat(r.packetsReceived()).isEqualTo((long) COUNT);
            ours.add(r.p50LatencyMs());
            c.add(cP50(node, reference));
            System.out.printf(Locale.ROOT, "[overhead] %s round %d: ours p50 %.3f ms (min %.3f, max %.3f), C p50 %.3f ms%n",
                    label, ours.size(), ours.getLast(), r.minLatencyMs(), r.maxLatencyMs(), c.getLast());
        }
    }

    private static double medianDifference(List<Double> ours, List<Double> c) {
        double[] differences = new double[ours.size()];
        for (int i = 0; i < differences.length; i++) {
            differences[i] = ours.get(i) - c.get(i);
        }
        return median(differences);
    }

    private static ProbeResult runIn(LabNode node, ProbeSpec spec) {
        Prober<ProbeSpec> inNode = (s, context, result) -> node.run(() -> {
            RealtimeScheduling.raiseCallingThread(); // threads the prober starts inherit the policy
            Probers.forSpec(s).probe(s, context, result);
            return null;
        });
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, inNode, ProbeContext.of(Source.CLI)));
    }

    /**
     * The relayed p50 is the injected 40 ms: at least 40, and within 1 ms above it or above the C loop's own p50 of the
     * same rounds, since a descheduled relay thread on a loaded machine stretches both alike (a CI run measured C at
     * 43.39 and 40.99 ms in two rounds and ours 41.45 as the median of rounds, 0.04 ms under C).
     */
    private static void assertRelayedIsInjected(double[] relayed) {
        assertThat(relayed[0]).as("relayed p50 (injected 40 ms; C p50 %.3f)", relayed[1])
                .isBetween(40.0, Math.max(40.0, relayed[1]) + 1.0);
    }

    /** Runs a C reference in {@code node} under SCHED_FIFO 10 (as the relay's threads) and returns its p50. */
    private static double cP50(LabNode node, String... reference) {
        List<String> command = new ArrayList<>(List.of("chrt", "-f", "10", work.resolve(reference[0]).toString()));
        command.addAll(Arrays.asList(reference).subList(1, reference.length));
        ExecResult run = node.exec(command.toArray(String[]::new));
        assertThat(run.exitCode()).as("%s: %s", command, run.output()).isZero();
        double[] ms = run.output().lines().map(String::strip).filter(l -> !l.isEmpty())
                .mapToDouble(l -> l.equals("lost") ? Double.NaN : Double.parseDouble(l)).toArray();
        assertThat(ms).as("C reference answers").hasSize(COUNT).doesNotContain(Double.NaN);
        return median(ms);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void acceptAll(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket ignored = listener.accept()) {
                // connect time is the handshake; the connection is closed at once
            } catch (IOException e) {
                return;
            }
        }
    }
}
