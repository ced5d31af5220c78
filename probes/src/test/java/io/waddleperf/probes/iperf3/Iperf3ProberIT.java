package io.waddleperf.probes.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.Iperf3Spec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Progress;
import io.waddleperf.testkit.RequiresCommand;
import io.waddleperf.testkit.ResultSchema;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Percentage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The iperf3 prober against our server and a stock {@code iperf3 -s} on loopback. */
class Iperf3ProberIT {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    private static ProbeResult run(int port, Map<String, String> params) {
        Iperf3Spec spec = (Iperf3Spec) TargetParser.parse("iperf3://127.0.0.1:" + port,
                new ProbeOptions(null, null, null, null, params));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, Iperf3Prober.INSTANCE, CONTEXT));
    }

    @Test
    void reports_goodput_bytes_intervals_and_cpu_of_both_ends_for_tcp_and_udp() throws Exception {
        try (Iperf3Server server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0))) {
            ProbeResult tcp = run(server.port(), Map.of("time", "2"));
            assertThat(tcp.success()).as(tcp.error()).isTrue();
            assertThat(tcp.throughputMbps()).isPositive();
            assertThat(tcp.uploadMbps()).isEqualTo(tcp.throughputMbps());
            assertThat(tcp.receivedBytes()).isPositive().isLessThanOrEqualTo(tcp.sentBytes());
            // our client reads its sending socket's tcp_info through sock_diag (NetlinkTcpStats)
            assertThat(tcp.retransmits()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(tcp.intervals()).hasSizeBetween(2, 3);
            assertThat(tcp.intervals().getFirst().throughputMbps()).isPositive();
            assertThat(tcp.rawResults()).containsKeys("cpu_local_percent", "cpu_remote_percent", "upstream");

            // A 2-second paced UDP test starved of CPU (a CI run beside other builds, load 11 on 2 cores) came out 8 %
            // short with no loss; a pacing error would repeat in every try, so a short run gets two more.
            ProbeResult udp = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.activeTests() == 0);
                udp = run(server.port(), Map.of("time", "2", "udp", "true", "bitrate", "50M",
                        "length", "1400", "reverse", "true"));
                if (udp.success() && Math.abs(udp.downloadMbps() - 50) <= 1.5) {
                    break;
                }
            }
            assertThat(udp.success()).as(udp.error()).isTrue();
            assertThat(udp.protocolDetail()).isEqualTo("udp");
            assertThat(udp.downloadMbps()).isCloseTo(50, Percentage.withPercentage(3));
            assertThat(udp.packetLossPercent()).isZero();
            assertThat(udp.jitterMs()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(udp.packetsSent()).isPositive();
        }
    }

    @Test
    @RequiresCommand("/usr/bin/iperf3")
    void a_stock_server_sending_reports_its_retransmits() throws Exception {
        Path iperf3 = Path.of("/usr/bin/iperf3");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(iperf3.toString(), "-s", "-1", "-B", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int finalPort = port;
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> listening(finalPort));
            ProbeResult r = run(port, Map.of("time", "1", "reverse", "true"));
            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.downloadMbps()).isPositive();
            assertThat(r.retransmits()).isNotNull().isGreaterThanOrEqualTo(0);
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Whether something listens on the port, seen from /proc (connecting would count as a client to iperf3 -s -1). */
    private static boolean listening(int port) throws Exception {
        String hex = String.format(":%04X ", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream().anyMatch(l -> l.contains(hex) && l.contains(" 0A "));
    }

    @Test
    void tells_a_progress_listener_each_interval_as_it_ends() throws Exception {
        try (Iperf3Server server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0))) {
            List<Progress> seen = new CopyOnWriteArrayList<>();
            Iperf3Spec spec = (Iperf3Spec) TargetParser.parse("iperf3://127.0.0.1:" + server.port(),
                    new ProbeOptions(null, null, null, null, Map.of("time", "2", "bidir", "true")));
            ProbeResult r = ProbeRunner.runWith(spec, Iperf3Prober.INSTANCE, CONTEXT.withProgress(seen::add));

            assertThat(r.success()).as(r.error()).isTrue();
            // one step per direction and interval, the same bytes as the result's intervals
            assertThat(seen).extracting(Progress::phase).containsOnly("send", "receive");
            assertThat(seen).filteredOn(p -> p.phase().equals("send")).hasSize(r.intervals().size());
            assertThat(seen.stream().mapToLong(Progress::bytes).sum())
                    .isEqualTo(r.intervals().stream().mapToLong(io.waddleperf.core.result.Interval::bytes).sum());
            assertThat(seen).allSatisfy(p -> assertThat(p.mbps()).isPositive());
        }
    }

    @Test
    void a_closed_port_is_a_refused_connection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProbeResult r = run(port, Map.of("time", "1"));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith(ErrorKind.CONNECTION_REFUSED.wireName());
    }
}
