package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.trust.TlsTrust;
import io.waddleperf.testkit.Rsyslog;
import io.waddleperf.testkit.TrustFixture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syslog sink against Debian's rsyslogd started by the test on a free loopback port, over UDP, TCP (octet
 * counting) and TLS; each test reads what rsyslog parsed and wrote. rsyslog's RFC 5424 parser taking the header and
 * structured data apart as sent shows the framing and the escaping are right.
 */
class SyslogSinkIT {

    private static final int DAEMON = 3;
    private static final String NASTY = "peer said \"x\"] [forged@1 a=\"b\"] back\\slash\nnext line";

    @TempDir
    Path dir;

    private static List<SpooledResult> batch(int n, boolean withFailure) {
        List<SpooledResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProbeResult r = ManagerSinkIT.result(i);
            if (withFailure && i == 0) {
                r = r.toBuilder().success(false).error(NASTY).target("tcp://127.0.0.1:1 ]\"x").tier(2).build();
            }
            out.add(new SpooledResult(i + 1, Json.write(r)));
        }
        return out;
    }

    private SyslogSink sink(SyslogSink.Transport t, int port, SSLContext tls, Duration timeout) {
        return new SyslogSink(t, "127.0.0.1", port, DAEMON, "agent-host", "waddleperf", tls, true, 100, timeout, 8192);
    }

    private static void assertReceived(Rsyslog rsyslog, List<SpooledResult> sent) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> rsyslog.received().size() >= sent.size());
        List<List<String>> got = rsyslog.received();
        assertThat(got).as(rsyslog.log()).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            List<String> f = got.get(i);
            ProbeResult expected = sent.get(i).result();
            assertThat(f.get(0)).isEqualTo("daemon");
            assertThat(f.get(1)).isEqualTo(expected.success() ? "info" : "warning");
            assertThat(f.get(2)).isEqualTo("agent-host");
            assertThat(f.get(3)).isEqualTo("waddleperf");
            assertThat(f.get(4)).isEqualTo("tcp");
            assertThat(f.get(5)).startsWith("[" + SyslogMessage.SD_ID + " id=\"" + expected.id() + "\" test_type=\"tcp\"");
            ProbeResult back = Json.readResult(f.get(6).strip());
            assertThat(back.id()).isEqualTo(expected.id());
        }
    }

    @Test
    void udp_messages_reach_rsyslog_parsed_with_remote_text_escaped() throws Exception {
        try (Rsyslog rsyslog = Rsyslog.start(dir, "udp", null);
             SyslogSink sink = sink(SyslogSink.Transport.UDP, rsyslog.port(), null, Duration.ofSeconds(5))) {
            List<SpooledResult> sent = batch(20, true);
            sink.export(sent);
            assertReceived(rsyslog, sent);
            String sd = rsyslog.received().getFirst().get(5);
            // one element only: the forged one stays inside the escaped value, the newline became a space
            assertThat(sd).isEqualTo("[" + SyslogMessage.SD_ID + " id=\"" + sent.getFirst().id()
                    + "\" test_type=\"tcp\" target=\"tcp://127.0.0.1:1 \\]\\\"x\" success=\"false\" tier=\"2\""
                    + " error=\"peer said \\\"x\\\"\\] [forged@1 a=\\\"b\\\"\\] back\\\\slash next line\"]");
            assertThat(Json.readResult(rsyslog.received().getFirst().get(6).strip()).error()).isEqualTo(NASTY);
        }
    }

    @Test
    void tcp_uses_octet_counting_and_a_receiver_that_is_down_fails_the_batch_until_it_is_up() throws Exception {
        List<SpooledResult> sent = batch(200, true);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (SyslogSink down = sink(SyslogSink.Transport.TCP, port, null, Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> down.export(sent.subList(0, 10)))
                    .hasMessageContaining("syslog tcp 127.0.0.1:" + port);
        }
        try (Rsyslog rsyslog = Rsyslog.start(dir, "tcp", null);
             SyslogSink sink = sink(SyslogSink.Transport.TCP, rsyslog.port(), null, Duration.ofSeconds(5))) {
            for (int i = 0; i < sent.size(); i += 50) {
                sink.export(sent.subList(i, i + 50)); // one connection for all batches
            }
            assertReceived(rsyslog, sent);
        }
    }

    @Test
    void tls_delivers_to_a_trusted_receiver_and_refuses_an_untrusted_one() throws Exception {
        TrustFixture trust = TrustFixture.create(dir);
        TrustFixture.PemFiles server = trust.write(trust.loopbackServer(), "rsyslog");
        Path work = Files.createDirectories(dir.resolve("tls"));
        try (Rsyslog rsyslog = Rsyslog.start(work, "tls",
                new Rsyslog.TlsFiles(trust.caFile(), server.certificate(), server.privateKey()))) {
            SSLContext trusted = TlsTrust.of(new TlsClientSpec(trust.caFile().toString(), true)).context();
            List<SpooledResult> sent = batch(30, true);
            try (SyslogSink sink = sink(SyslogSink.Transport.TLS, rsyslog.port(), trusted, Duration.ofSeconds(10))) {
                sink.export(sent);
            }
            assertReceived(rsyslog, sent);
            SSLContext systemOnly = TlsTrust.of(new TlsClientSpec(null, true)).context();
            try (SyslogSink sink = sink(SyslogSink.Transport.TLS, rsyslog.port(), systemOnly, Duration.ofSeconds(10))) {
                assertThatThrownBy(() -> sink.export(sent.subList(0, 1))).hasMessageContaining("syslog tls");
            }
            assertThat(rsyslog.received()).hasSize(30);
        }
    }

    @Test
    void a_receiver_that_stops_reading_fails_the_batch_at_the_timeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    accepted.add(server.accept()); // and never read
                } catch (java.io.IOException e) {
                    // the test ended
                }
            });
            List<SpooledResult> big = new ArrayList<>();
            String pad = "x".repeat(7000);
            for (int i = 0; i < 2000; i++) {
                ProbeResult r = ManagerSinkIT.result(i).toBuilder().error(pad).success(false).build();
                big.add(new SpooledResult(i + 1, Json.write(r)));
            }
            try (SyslogSink sink = new SyslogSink(SyslogSink.Transport.TCP, "127.0.0.1", server.getLocalPort(), DAEMON,
                    "h", "waddleperf", null, true, 2000, Duration.ofMillis(500), 1 << 20)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> sink.export(big)).hasMessageContaining("not sent within 500 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            }
            acceptor.join(1000);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
