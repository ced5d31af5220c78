package io.waddleperf.probes.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.Dnsmasq;
import io.waddleperf.testkit.ResultSchema;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dns probe against a real DNS server (dnsmasq) serving a known test zone on loopback. */
class DnsProberIT {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    @TempDir
    static Path dir;
    private static Dnsmasq dnsmasq;

    @BeforeAll
    static void start() throws Exception {
        Dnsmasq.assumeInstalled();
        dnsmasq = Dnsmasq.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    private static ProbeResult query(String pathAndQuery) {
        return query(pathAndQuery, ProbeOptions.DEFAULTS);
    }

    private static ProbeResult query(String pathAndQuery, ProbeOptions options) {
        return query("127.0.0.1", pathAndQuery, options);
    }

    private static ProbeResult query(String resolver, String pathAndQuery, ProbeOptions options) {
        String target = "dns://" + resolver + ":" + dnsmasq.port() + "/" + pathAndQuery;
        ProbeResult r = ProbeRunner.run(TargetParser.parse(target, options), CONTEXT);
        return ResultSchema.assertValid(r);
    }

    private static Map<String, Object> answer(String name, String type, String data) {
        return Map.of("name", name + ".", "type", type, "ttl", Dnsmasq.TTL_SECONDS, "data", data);
    }

    private static void assertSucceeded(ProbeResult r) {
        assertThat(r.success()).as("error %s; dnsmasq log:%n%s", r.error(), dnsmasq.log()).isTrue();
        assertThat(r.error()).isNull();
    }

    @Test
    void answers_an_a_query_with_the_exact_record_and_timing() {
        ProbeResult r = query(Dnsmasq.WWW + "?type=A");
        assertSucceeded(r);
        assertThat(r.testType()).isEqualTo(TestType.DNS);
        assertThat(r.protocolDetail()).isEqualTo("udp");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.targetPort()).isEqualTo(dnsmasq.port());
        assertThat(r.rawResults())
                .containsEntry("rcode", "NOERROR")
                .containsEntry("authoritative", true)
                .containsEntry("transport", "udp")
                .containsEntry("truncated_udp", false)
                .containsEntry("query_name", Dnsmasq.WWW + ".")
                .containsEntry("query_type", "A")
                .containsEntry("answers", List.of(answer(Dnsmasq.WWW, "A", Dnsmasq.WWW_IPV4)));
        assertThat(r.dnsMs()).isPositive().isEqualTo(r.latencyMs());
        assertThat(r.packetsSent()).isEqualTo(1);
        assertThat(r.packetsReceived()).isEqualTo(1);
        assertThat(r.packetLossPercent()).isZero();
    }

    @Test
    void answers_an_aaaa_query_with_the_exact_address() {
        ProbeResult r = query(Dnsmasq.WWW + "?type=AAAA");
        assertSucceeded(r);
        assertThat(r.rawResults()).containsEntry("answers", List.of(answer(Dnsmasq.WWW, "AAAA", Dnsmasq.WWW_IPV6)));
    }

    @Test
    void answers_mx_txt_and_cname_queries() {
        ProbeResult mx = query(Dnsmasq.ZONE + "?type=MX");
        assertSucceeded(mx);
        assertThat(mx.rawResults()).containsEntry("answers",
                List.of(answer(Dnsmasq.ZONE, "MX", Dnsmasq.MX_PREFERENCE + " " + Dnsmasq.MAIL + ".")));

        ProbeResult txt = query(Dnsmasq.TXT + "?type=TXT");
        assertSucceeded(txt);
        assertThat(txt.rawResults()).containsEntry("answers", List.of(answer(Dnsmasq.TXT, "TXT", "\"" + Dnsmasq.TXT_VALUE + "\"")));

        ProbeResult cname = query(Dnsmasq.ALIAS + "?type=CNAME");
        assertSucceeded(cname);
        assertThat(cname.rawResults()).containsEntry("answers", List.of(answer(Dnsmasq.ALIAS, "CNAME", Dnsmasq.WWW + ".")));
    }

    @Test
    void follows_a_cname_to_the_address_in_one_answer() {
        ProbeResult r = query(Dnsmasq.ALIAS + "?type=A");
        assertSucceeded(r);
        assertThat(r.rawResults()).containsEntry("answers", List.of(
                answer(Dnsmasq.ALIAS, "CNAME", Dnsmasq.WWW + "."),
                answer(Dnsmasq.WWW, "A", Dnsmasq.WWW_IPV4)));
    }

    @Test
    void reports_nxdomain_as_dns_failure_with_the_rcode() {
        ProbeResult r = query("missing." + Dnsmasq.ZONE);
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("dns_failure: NXDOMAIN");
        assertThat(r.rawResults()).containsEntry("rcode", "NXDOMAIN").containsEntry("answers", List.of());
        assertThat(r.dnsMs()).as("the query was answered, so it was timed").isPositive();
        assertThat(r.packetsReceived()).isEqualTo(1);
    }

    @Test
    void reports_refused_for_a_name_the_resolver_will_not_serve() {
        ProbeResult r = query("www.example.org");
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("dns_failure: REFUSED");
        assertThat(r.rawResults()).containsEntry("rcode", "REFUSED");
    }

    @Test
    void reports_nodata_when_the_name_has_no_record_of_the_type() {
        ProbeResult r = query(Dnsmasq.WWW + "?type=TXT");
        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("dns_failure: NODATA (no TXT record for " + Dnsmasq.WWW + ".)");
        assertThat(r.rawResults()).containsEntry("rcode", "NOERROR").containsEntry("answers", List.of());
    }

    @Test
    void falls_back_to_tcp_when_the_udp_answer_is_truncated_and_returns_it_complete() {
        ProbeResult r = query(Dnsmasq.BIG_TXT + "?type=TXT");
        assertSucceeded(r);
        String expected = Dnsmasq.BIG_TXT_STRINGS.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(" "));
        assertThat(r.rawResults())
                .containsEntry("truncated_udp", true)
                .containsEntry("transport", "udp+tcp")
                .containsEntry("answers", List.of(answer(Dnsmasq.BIG_TXT, "TXT", expected)));
        @SuppressWarnings("unchecked")
        var attempt = ((List<Map<String, Object>>) r.rawResults().get("attempts")).getFirst();
        assertThat((int) attempt.get("response_bytes")).isGreaterThan(DnsExchange.EDNS_UDP_PAYLOAD_BYTES);
    }

    @Test
    void queries_over_tcp_only_when_asked() {
        ProbeResult r = query(Dnsmasq.WWW + "?type=A&tcp=true");
        assertSucceeded(r);
        assertThat(r.protocolDetail()).isEqualTo("tcp");
        assertThat(r.rawResults())
                .containsEntry("transport", "tcp")
                .containsEntry("truncated_udp", false)
                .containsEntry("answers", List.of(answer(Dnsmasq.WWW, "A", Dnsmasq.WWW_IPV4)));
    }

    @Test
    void makes_count_attempts_and_reports_their_statistics() {
        ProbeOptions five = new ProbeOptions(5, Duration.ofMillis(5), null, null, Map.of());
        ProbeResult r = query(Dnsmasq.WWW, five);
        assertSucceeded(r);
        assertThat(r.packetsSent()).isEqualTo(5);
        assertThat(r.packetsReceived()).isEqualTo(5);
        @SuppressWarnings("unchecked")
        var attempts = (List<Map<String, Object>>) r.rawResults().get("attempts");
        assertThat(attempts).extracting(a -> a.get("seq")).containsExactly(1, 2, 3, 4, 5);
        assertThat(attempts).allSatisfy(a -> assertThat(a).containsEntry("transport", "udp").containsEntry("rcode", "NOERROR"));
        double minMs = attempts.stream().mapToDouble(a -> (double) a.get("time_ms")).min().orElseThrow();
        double maxMs = attempts.stream().mapToDouble(a -> (double) a.get("time_ms")).max().orElseThrow();
        assertThat(r.minLatencyMs()).isEqualTo(minMs);
        assertThat(r.maxLatencyMs()).isEqualTo(maxMs);
        assertThat(r.latencyMs()).isBetween(minMs, maxMs);
        assertThat(r.p50LatencyMs()).isBetween(minMs, maxMs);
        assertThat(r.p95LatencyMs()).isBetween(minMs, maxMs);
        assertThat(r.stddevLatencyMs()).isNotNegative();
    }

    @Test
    void resolves_a_resolver_given_by_name() throws Exception {
        ProbeResult r = query("localhost", Dnsmasq.WWW, ProbeOptions.DEFAULTS);
        // dnsmasq listens on 127.0.0.1 only; "localhost" must have been resolved to it.
        assertThat(InetAddress.getByName("localhost").getHostAddress()).isEqualTo("127.0.0.1");
        assertSucceeded(r);
        assertThat(r.targetHost()).isEqualTo("localhost");
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
    }
}
