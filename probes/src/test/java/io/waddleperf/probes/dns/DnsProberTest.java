package io.waddleperf.probes.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.DnsSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * The dns prober's parsing path and its failure cases against small real peers on loopback (a closed port, a
 * silent socket, a peer that echoes queries, a peer that answers every other query); the answers of a real DNS
 * server are checked in {@link DnsProberIT}.
 */
class DnsProberTest {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    private static ProbeResult run(String target, ProbeOptions options) {
        return ResultSchema.assertValid(ProbeRunner.run(TargetParser.parse(target, options), CONTEXT));
    }

    private static ProbeOptions options(int count, Duration timeout) {
        return new ProbeOptions(count, Duration.ofMillis(10), timeout, null, Map.of());
    }

    /**
     * The compile warm-up swallows its failures (it only saves time), so a broken one would go unnoticed: it must run
     * an attempt's whole path, answered by its stand-in resolver, more than once (rounds are bounded by time too).
     */
    @Test
    void the_compile_warm_up_runs_whole_attempts_against_its_stand_in_resolver() {
        DnsExchange.Compiled.ensure();
        assertThat(DnsExchange.Compiled.ROUNDS_DONE).isGreaterThan(1);
    }

    @Test
    void parses_resolver_port_name_and_type_from_the_target_uri() {
        var spec = TargetParser.parse("dns://127.0.0.1:5353/www.test.waddle?type=AAAA", ProbeOptions.DEFAULTS);
        assertThat(spec).isInstanceOfSatisfying(DnsSpec.class, dns -> {
            assertThat(dns.endpoint().host()).isEqualTo("127.0.0.1");
            assertThat(dns.endpoint().port()).isEqualTo(5353);
            assertThat(dns.name()).isEqualTo("www.test.waddle");
            assertThat(dns.recordType()).isEqualTo("AAAA");
            assertThat(dns.count()).isEqualTo(1);
            assertThat(dns.tcp()).isFalse();
            assertThat(dns.protocolDetail()).isEqualTo("udp");
        });
    }

    @Test
    void defaults_to_port_53_type_a_and_example_com() {
        var spec = (DnsSpec) TargetParser.parse("dns://127.0.0.1", ProbeOptions.DEFAULTS);
        assertThat(spec.endpoint().port()).isEqualTo(53);
        assertThat(spec.recordType()).isEqualTo("A");
        assertThat(spec.name()).isEqualTo("example.com");
    }

    @Test
    void reports_connection_refused_when_nothing_listens_on_the_udp_port() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = run("dns://127.0.0.1:" + port + "/www.test.waddle", options(1, Duration.ofSeconds(2)));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("connection_refused");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.packetsReceived()).isZero();
    }

    @Test
    void reports_connection_refused_when_nothing_listens_on_the_tcp_port() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = run("dns://127.0.0.1:" + port + "/www.test.waddle?tcp=true", options(1, Duration.ofSeconds(2)));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertThat(r.protocolDetail()).isEqualTo("tcp");
    }

    @Test
    void reports_timeout_and_full_loss_when_the_resolver_stays_silent() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ProbeResult r = run("dns://127.0.0.1:" + silent.getLocalPort() + "/www.test.waddle", options(2, Duration.ofMillis(300)));
            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("timeout: no answer from 127.0.0.1:" + silent.getLocalPort() + " to 2 queries");
            assertThat(r.packetsSent()).isEqualTo(2);
            assertThat(r.packetsReceived()).isZero();
            assertThat(r.packetLossPercent()).isEqualTo(100.0);
            assertThat(r.dnsMs()).isNull();
            @SuppressWarnings("unchecked")
            var attempts = (List<Map<String, Object>>) r.rawResults().get("attempts");
            assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a).containsEntry("error", "timeout"));
        }
    }

    @Test
    void reports_protocol_error_when_the_peer_echoes_the_query_back() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> serve(echo, (query, n) -> query));
            ProbeResult r = run("dns://127.0.0.1:" + echo.getLocalPort() + "/www.test.waddle", options(1, Duration.ofSeconds(2)));
            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("protocol_error: reply is a query, not a response (QR bit clear)");
        }
    }

    @Test
    void counts_a_lost_query_as_loss_and_still_succeeds_when_the_others_are_answered() throws Exception {
        try (DatagramSocket flaky = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // Answers the 2nd and 4th query only.
            Thread.ofVirtual().start(() -> serve(flaky, (query, n) -> n % 2 == 0 ? answerA(query) : null));
            ProbeResult r = run("dns://127.0.0.1:" + flaky.getLocalPort() + "/www.test.waddle", options(4, Duration.ofMillis(300)));
            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(4);
            assertThat(r.packetsReceived()).isEqualTo(2);
            assertThat(r.packetLossPercent()).isEqualTo(50.0);
            assertThat(r.rawResults().get("answers")).isEqualTo(List.of(
                    Map.of("name", "www.test.waddle.", "type", "A", "ttl", 60, "data", "192.0.2.77")));
            @SuppressWarnings("unchecked")
            var attempts = (List<Map<String, Object>>) r.rawResults().get("attempts");
            assertThat(attempts).extracting(a -> a.get("error")).containsExactly("timeout", null, "timeout", null);
        }
    }

    @Test
    void reports_dns_failure_when_the_resolver_name_does_not_resolve() {
        // A 64-octet label breaks RFC 1035 §2.3.4, so the system resolver rejects it without sending anything.
        String resolver = "a".repeat(64) + ".example";
        ProbeResult r = run("dns://" + resolver + "/www.test.waddle", options(1, Duration.ofSeconds(2)));
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("dns_failure: cannot resolve resolver '" + resolver + "'");
        assertThat(r.targetIp()).isNull();
    }

    @Test
    void writes_ipv6_answers_in_rfc_5952_form() throws Exception {
        assertThat(ipv6("2001:db8:0:0:0:0:0:10")).isEqualTo("2001:db8::10");
        assertThat(ipv6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(ipv6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(ipv6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(ipv6("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(ipv6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(ipv6("1:0:0:0:0:0:0:0")).isEqualTo("1::");
    }

    @Test
    void quotes_txt_strings_and_escapes_quotes_backslashes_and_control_bytes() {
        byte[] raw = {'a', '"', 'b', '\\', 'c', 10, (byte) 0xFF, ' '};
        assertThat(DnsProber.quoted(raw)).isEqualTo("\"a\\\"b\\\\c\\010\\255 \"");
        assertThat(DnsProber.quoted(new byte[0])).isEqualTo("\"\"");
    }

    @Property(tries = 300)
    void ipv6_text_reads_back_as_the_same_address(@ForAll @Size(16) List<Byte> bytes) throws Exception {
        byte[] address = new byte[16];
        for (int i = 0; i < 16; i++) {
            // Mostly zero bytes, so runs of zero groups of every length occur.
            address[i] = bytes.get(i) % 3 == 0 ? bytes.get(i) : 0;
        }
        String text = DnsProber.ipv6Text(address);
        assertThat(text).doesNotContain(":::");
        assertThat(text.indexOf("::")).isEqualTo(text.lastIndexOf("::"));
        assertThat(InetAddress.getByName("[" + text + "]").getAddress()).isEqualTo(address);
    }

    private static String ipv6(String full) throws Exception {
        return DnsProber.ipv6Text(InetAddress.getByName("[" + full + "]").getAddress());
    }

    /** Computes the reply to the {@code n}th datagram (1-based); null sends nothing. */
    private interface Responder {
        byte[] reply(byte[] query, int n) throws Exception;
    }

    private static void serve(DatagramSocket socket, Responder responder) {
        AtomicInteger n = new AtomicInteger();
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                socket.receive(in);
                byte[] reply = responder.reply(java.util.Arrays.copyOf(in.getData(), in.getLength()), n.incrementAndGet());
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                }
            } catch (Exception closed) {
                return;
            }
        }
    }

    private static byte[] answerA(byte[] queryBytes) throws Exception {
        Message query = new Message(queryBytes);
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        response.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 60,
                InetAddress.getByName("192.0.2.77")), Section.ANSWER);
        return response.toWire();
    }
}
