package io.waddleperf.core.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProbeResultJsonTest {

    private static JsonSchema schema() throws Exception {
        try (InputStream in = ProbeResult.class.getResourceAsStream("probe-result.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private static ProbeResult.Builder sample() {
        return ProbeResult.builder()
                .id(UuidV7.next())
                .testType(TestType.UDP)
                .target("udp://127.0.0.1:2000")
                .targetHost("127.0.0.1")
                .targetIp("127.0.0.1")
                .targetPort(2000)
                .startedAt(Instant.parse("2026-11-27T10:15:30.123456Z"))
                .durationMs(1002.5)
                .success(true)
                .source(Source.CLI)
                .device(new Device("abc", "host1", "Linux", "6.1", "cli", "0.1.0"))
                .latencyMs(0.25)
                .packetsSent(10L)
                .packetsReceived(10L)
                .packetLossPercent(0.0)
                .hops(List.of(new Hop(1, "10.0.0.1", null, 0.0, 3, 1.0, 1.0, 0.9, 1.1, 0.1)))
                .intervals(List.of(new Interval(0, 1, 125_000, 1.0, null)))
                .raw("method", "test");
    }

    @Test
    void writes_snake_case_names_and_omits_absent_metrics() throws Exception {
        String json = Json.write(sample().build());
        JsonNode node = Json.mapper().readTree(json);
        assertThat(node.has("test_type")).isTrue();
        assertThat(node.get("test_type").asText()).isEqualTo("udp");
        assertThat(node.get("packet_loss_percent").asDouble()).isZero();
        assertThat(node.get("device").get("os_version").asText()).isEqualTo("6.1");
        assertThat(node.get("started_at").asText()).isEqualTo("2026-11-27T10:15:30.123456Z");
        assertThat(node.has("throughput_mbps")).isFalse();
        assertThat(node.get("hops").get(0).has("loss_percent")).isTrue();
        assertThat(node.get("intervals").get(0).has("start_seconds")).isTrue();
    }

    @Test
    void round_trips_through_json() {
        ProbeResult r = sample().build();
        assertThat(Json.readResult(Json.write(r))).isEqualTo(r);
    }

    @Test
    void valid_results_satisfy_the_schema() throws Exception {
        JsonSchema schema = schema();
        assertThat(schema.validate(Json.mapper().readTree(Json.write(sample().build())))).isEmpty();
        ProbeResult failed = sample().success(false).error(ErrorKind.CONNECTION_REFUSED.describe(null)).build();
        assertThat(schema.validate(Json.mapper().readTree(Json.write(failed)))).isEmpty();
    }

    @Test
    void schema_rejects_a_failure_without_error_and_unknown_fields() throws Exception {
        JsonSchema schema = schema();
        assertThat(schema.validate(Json.mapper().readTree(Json.write(sample().success(false).build())))).isNotEmpty();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(Json.write(sample().build()));
        node.put("latencyMs", 3);
        assertThat(schema.validate(node)).isNotEmpty();
    }

    @Test
    void reading_refuses_unknown_fields() {
        String json = Json.write(sample().build()).replace("\"success\"", "\"bogus\":1,\"success\"");
        assertThatThrownBy(() -> Json.readResult(json)).hasMessageContaining("bogus");
    }

    @Test
    void uuid_v7_carries_version_variant_and_time() {
        UUID id = UuidV7.at(1_700_000_000_123L);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(UuidV7.unixMillis(id)).isEqualTo(1_700_000_000_123L);
        assertThat(UuidV7.at(1L).compareTo(UuidV7.at(2L))).isNegative();
    }
}
