package io.waddleperf.testserver.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DNS responder answered by the project's own dns probe, over UDP and TCP, plus garbage handling. */
class DnsResponderIT {

    static DnsResponder responder;

    @BeforeAll
    static void start() throws Exception {
        responder = DnsResponder.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new DnsZone("waddleperf.test", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
    }

    @AfterAll
    static void stop() {
        responder.close();
    }

    static ProbeResult probe(String name, String type, boolean tcp) {
        ProbeSpec spec = TargetParser.parse("dns://127.0.0.1:" + responder.port() + "/" + name,
                new ProbeOptions(3, null, null, null, Map.of("type", type, "tcp", Boolean.toString(tcp))));
        return ResultSchema.assertValid(ProbeRunner.run(spec, ProbeContext.of(Source.CLI)));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> answers(ProbeResult r) {
        return (List<Map<String, Object>>) r.rawResults().get("answers");
    }

    @Test
    void answers_a_and_aaaa_for_names_in_the_zone() {
        ProbeResult a = probe("demo.waddleperf.test", "A", false);
        assertThat(a.success()).as(a.error()).isTrue();
        assertThat(answers(a)).extracting(m -> m.get("data")).containsExactly("127.0.0.1");
        ProbeResult aaaa = probe("x.y.waddleperf.test", "AAAA", false);
        assertThat(answers(aaaa)).extracting(m -> m.get("data")).containsExactly("::1");
        assertThat(aaaa.packetsReceived()).isEqualTo(3);
    }

    @Test
    void answers_over_tcp_too() {
        ProbeResult r = probe("demo.waddleperf.test", "A", true);
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rawResults().get("transport")).isEqualTo("tcp");
    }

    @Test
    void refuses_names_outside_its_zone() {
        ProbeResult r = probe("example.com", "A", false);
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("dns_failure: REFUSED");
    }

    @Test
    void drops_garbage_and_keeps_answering() throws Exception {
        long droppedBefore = responder.stats().dropped();
        try (DatagramSocket s = new DatagramSocket()) {
            for (int len : new int[] {0, 1, 5, 12, 100, 511}) {
                byte[] junk = new byte[len];
                for (int i = 0; i < len; i++) {
                    junk[i] = (byte) (i * 31 + len);
                }
                s.send(new DatagramPacket(junk, len, InetAddress.getLoopbackAddress(), responder.port()));
            }
        }
        org.awaitility.Awaitility.await().until(() -> responder.stats().dropped() >= droppedBefore + 6);
        assertThat(probe("demo.waddleperf.test", "A", false).success()).isTrue();
    }
}
