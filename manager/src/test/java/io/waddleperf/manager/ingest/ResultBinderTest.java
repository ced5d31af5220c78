package io.waddleperf.manager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.Interval;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ingest fast lane against the reference path (schema validator, then Jackson's binding): for results of every
 * probe type it must give exactly what the reference gives, and over a corpus of odd values it may decline (the
 * reference then decides) but must never accept what the reference refuses or bind anything differently.
 */
class ResultBinderTest {

    private static final ObjectMapper MAPPER = Json.mapper();
    private final ResultBinder binder = new ResultBinder();
    private final ResultValidator validator = new ResultValidator();

    /** What the reference path makes of a tree: the bound result, or the refusal's text. */
    private Object reference(JsonNode node) {
        try {
            validator.check(node, "");
            return MAPPER.treeToValue(node, ProbeResult.class);
        } catch (InvalidResultException e) {
            return "invalid " + e.field() + ": " + e.getMessage();
        } catch (Exception e) {
            return "refused by binding: " + e.getMessage();
        }
    }

    /** Results of every probe type, filled the way the probes fill them, successes and failures. */
    static List<ProbeResult> corpus() {
        List<ProbeResult> out = new ArrayList<>();
        Instant t = Instant.parse("2026-12-07T01:02:03.456789Z");
        for (TestType type : TestType.values()) {
            ProbeResult.Builder b = ProbeResult.builder().id(UuidV7.next()).testType(type)
                    .protocolDetail(type == TestType.HTTP ? "h2" : null)
                    .target(type.wireName() + "://target.example:443").targetHost("target.example")
                    .targetIp("192.0.2.7").targetPort(443).startedAt(t).durationMs(48.213).success(true)
                    .tier(type.ordinal() % 3 + 1).source(Source.values()[type.ordinal() % Source.values().length])
                    .device(new Device("SN-1", "agent-1", "linux", "6.1", "agent", "0.1.0"))
                    .latencyMs(11.904).minLatencyMs(11.2).maxLatencyMs(13.1).p50LatencyMs(11.8).p95LatencyMs(13.0)
                    .p99LatencyMs(13.05).stddevLatencyMs(0.6).jitterMs(0.4).ipdvMs(0.3).packetsSent(4L)
                    .packetsReceived(4L).packetLossPercent(0.0).duplicatePackets(0L).reorderedPackets(1L)
                    .dnsMs(1.5).connectMs(2.0).tlsMs(3.25).requestMs(0.1).ttfbMs(5.0).transferMs(7.0)
                    .totalTimeMs(12.0).statusCode(200).throughputMbps(941.5).sentBytes(1_000_000_000_000L)
                    .receivedBytes(12L).retransmits(3L).downloadMbps(500.0).uploadMbps(50.0).rpm(1200.0)
                    .loadedLatencyMs(30.0).pathMtuBytes(1500).hopCount(3).tlsVersion("TLSv1.3").certDaysLeft(-4)
                    .serverVersion("SSH-2.0-OpenSSH_9.2");
            if (type.wireName().contains("trace") || type == TestType.MTR) {
                b.hops(List.of(new Hop(1, "192.0.2.1", "r1", 0.0, 10, 0.1, 0.2, 0.05, 0.5, 0.01),
                        new Hop(2, null, null, 100.0, null, null, null, null, null, null)));
            }
            if (type == TestType.IPERF3 || type == TestType.SPEEDTEST) {
                b.intervals(List.of(new Interval(0.0, 1.0, 117_000_000L, 936.0, 2L),
                        new Interval(1.0, 2.0, 5_000_000_000L, 40000.0, null)));
            }
            if (type == TestType.SPEEDTEST || type == TestType.RPM) {
                Map<String, Object> raw = new LinkedHashMap<>();
                raw.put("server", "librespeed");
                raw.put("samples", List.of(1, 2.5, 3_000_000_000L));
                raw.put("nested", Map.of("ok", true));
                b.rawResults(raw);
            }
            out.add(b.build());
            out.add(b.id(UuidV7.next()).success(false).error("timeout: no answer in 5000 ms").tier(null).device(null)
                    .build());
            out.add(ProbeResult.builder().id(UuidV7.next()).testType(type).target("x").startedAt(t)
                    .durationMs(0.0).success(true).source(Source.CLI).build());
        }
        return out;
    }

    @Test
    void theShippedSchemaCompilesSoTheFastLaneIsOn() {
        assertThat(new ResultBinder().enabled()).isTrue();
    }

    @Test
    void everyProbeTypeBindsExactlyAsTheReferencePath() throws Exception {
        for (ProbeResult r : corpus()) {
            JsonNode tree = MAPPER.readTree(Json.write(r));
            ProbeResult fast = binder.bind(tree);
            assertThat(fast).as("fast lane for %s", tree).isNotNull();
            assertThat(fast).isEqualTo(reference(tree)).isEqualTo(r);
        }
    }

    @Test
    void neverAcceptsWhatTheReferenceRefusesNorBindsDifferently() throws Exception {
        List<JsonNode> odd = new ArrayList<>();
        for (String v : List.of("null", "\"\"", "\"x\"", "true", "false", "0", "-1", "1", "2", "3", "4", "1.0", "1.5",
                "-0.0", "-0.5", "0.0", "100", "100.5", "255", "256", "65535", "65536", "2147483647", "2147483648",
                "-2147483649", "9223372036854775807", "9223372036854775808", "1e308", "1e400", "-1e400", "{}", "[]",
                "[1]", "[{}]", "[null]", "[{\"hop\":1}]", "[{\"hop\":1.0}]", "[{\"hop\":0}]", "[{\"hop\":1,\"sent\":2147483648}]",
                "[{\"hop\":1,\"x\":1}]", "[{\"start_seconds\":0,\"end_seconds\":1,\"bytes\":5,\"throughput_mbps\":1}]",
                "[{\"start_seconds\":0,\"end_seconds\":1,\"bytes\":5.0,\"throughput_mbps\":1}]",
                "[{\"start_seconds\":0,\"end_seconds\":1,\"throughput_mbps\":1}]",
                "[{\"start_seconds\":0,\"end_seconds\":1,\"bytes\":5,\"throughput_mbps\":1,\"retransmits\":-2}]",
                "{\"serial\":\"s\"}", "{\"serial\":5}", "{\"serial\":null,\"os\":\"linux\"}", "{\"nope\":1}",
                "{\"a\":[1,2.5,{\"b\":null}],\"big\":123456789012345678901234567890}",
                "\"2026-12-07T01:02:03Z\"", "\"2026-12-07T01:02:03.123456789Z\"", "\"2026-12-07T01:02:03.1234567891Z\"",
                "\"2026-02-30T00:00:00Z\"", "\"2026-12-07T24:00:00Z\"", "\"2026-12-07t01:02:03z\"",
                "\"2026-12-07T01:02:03+00:00\"", "\"2026-12-07T23:59:60Z\"", "\"2026-12-07T01:02:03Z\\n\"",
                "\"0001-01-01T00:00:00Z\"", "\"1900-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"",
                "\"2024-02-29T12:00:00.5Z\"", "\"1970-01-01T00:00:00.000Z\"", "\"2026-06-30T12:34:56.78Z\"", "\"2026-12-07 01:02:03Z\"", "\"2026-12-07T01:02Z\"",
                "\"timeout\"", "\"timeout: x\"", "\"Timeout\"", "\"timeout\\n\"", "\"timeout: a\\nb\"", "\"timeout:x\"",
                "\"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b\"", "\"0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b\"",
                "\"0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B\"", "\"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b\\n\"",
                "\"tcp\"", "\"TCP\"", "\"agent\"", "\"Agent\"", "\"browser\"")) {
            odd.add(MAPPER.readTree(v));
        }
        int accepted = 0;
        int declined = 0;
        for (ProbeResult base : corpus()) {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(Json.write(base));
            List<ObjectNode> variants = new ArrayList<>();
            List<String> names = new ArrayList<>();
            tree.fieldNames().forEachRemaining(names::add);
            for (String name : List.of("protocol_detail", "tier", "error", "device", "hops", "intervals", "raw_results",
                    "target_port", "cert_days_left", "retransmits")) {
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            for (String name : names) {
                ObjectNode without = tree.deepCopy();
                without.remove(name);
                variants.add(without);
                for (JsonNode v : odd) {
                    ObjectNode changed = tree.deepCopy();
                    changed.set(name, v);
                    variants.add(changed);
                }
            }
            for (JsonNode v : odd) {
                if (tree.get("device") instanceof ObjectNode) {
                    ObjectNode changed = tree.deepCopy();
                    ((ObjectNode) changed.get("device")).set("serial", v);
                    variants.add(changed);
                }
                if (tree.get("hops") instanceof ArrayNode) {
                    ObjectNode changed = tree.deepCopy();
                    ((ObjectNode) changed.get("hops").get(0)).set("sent", v);
                    variants.add(changed);
                }
                if (tree.get("intervals") instanceof ArrayNode) {
                    ObjectNode changed = tree.deepCopy();
                    ((ObjectNode) changed.get("intervals").get(1)).set("bytes", v);
                    variants.add(changed);
                }
            }
            ObjectNode unknown = tree.deepCopy();
            unknown.put("geo", "x");
            variants.add(unknown);
            for (ObjectNode variant : variants) {
                ProbeResult fast = binder.bind(variant);
                if (fast == null) {
                    declined++;
                    continue;
                }
                accepted++;
                assertThat(reference(variant)).as("reference path for %s", variant).isEqualTo(fast);
            }
        }
        // the corpus exercises both lanes: plain variants stay fast, odd ones go to the reference
        assertThat(accepted).isGreaterThan(1000);
        assertThat(declined).isGreaterThan(1000);
    }

    @Test
    void plainInstantsReadAsInstantParseReadsThem() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-2_208_988_800L, 253_402_300_799L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            String s = t.toString();
            assertThat(ResultBinder.instant(s)).as(s).isEqualTo(Instant.parse(s));
            // the same instant with the fraction spelled out to other lengths
            String whole = s.substring(0, 19);
            int nanos = t.getNano();
            String nine = String.format("%09d", nanos);
            for (int digits = 1; digits <= 9; digits++) {
                if (nine.substring(digits).chars().allMatch(c -> c == '0')) {
                    String v = whole + "." + nine.substring(0, digits) + "Z";
                    assertThat(ResultBinder.instant(v)).as(v).isEqualTo(Instant.parse(v));
                }
            }
        }
        for (String odd : List.of("2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-12-00T00:00:00Z", "2026-12-07T24:00:00Z",
                "2026-12-07T23:60:00Z", "2026-12-07T23:59:60Z", "2026-12-07T23:59:59.Z", "2026-12-07T23:59:59.1234567890Z",
                "2026-12-07T23:59:59+00:00", "2026-12-07T23:59:59z", "2026-12-07t23:59:59Z", "1899-12-31T23:59:59Z",
                "+2026-12-07T23:59:59Z", "2026-12-07T23:59:5aZ", "2026-12-07T23:59:59.12a4Z", "2026-1-07T23:59:59Z")) {
            assertThat(ResultBinder.instant(odd)).as(odd).isNull();
        }
        assertThat(ResultBinder.instant("2024-02-29T12:00:00.5Z")).isEqualTo(Instant.parse("2024-02-29T12:00:00.500Z"));
    }

    @Test
    void nonObjectsAreLeftToTheReferencePath() throws Exception {
        for (String v : List.of("[]", "1", "\"x\"", "null", "[{}]")) {
            assertThat(binder.bind(MAPPER.readTree(v))).isNull();
        }
    }

    @Test
    void aSchemaWithAKeywordItDoesNotKnowTurnsTheFastLaneOff() throws Exception {
        JsonNode schema = MAPPER.readTree("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\","
                + "\"minLength\":3}}}");
        ResultBinder b = new ResultBinder(schema);
        assertThat(b.enabled()).isFalse();
        assertThat(b.bind(MAPPER.readTree(Json.write(corpus().getFirst())))).isNull();
        // an "if" it could only decide one way is refused too: skipping a "then" would accept too much
        assertThat(new ResultBinder(MAPPER.readTree("{\"allOf\":[{\"if\":{\"properties\":{\"tier\":{\"minimum\":2}}},"
                + "\"then\":{\"required\":[\"x\"]}}]}")).enabled()).isFalse();
    }
}
