package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The result listing's filters (device, type, target, outcome, time range, AutoPerf tier) on both databases, and their limits. */
class ResultFilterIT {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void filters_combine_and_bad_values_are_named(TestDatabases.Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ObjectNode r = Json.mapper().createObjectNode();
                r.put("id", UuidV7.next().toString());
                r.put("test_type", i % 2 == 0 ? "tcp" : "dns");
                r.put("target", i % 2 == 0 ? "tcp://192.0.2.1:443" : "dns://192.0.2.53");
                r.put("started_at", now.minus(i, ChronoUnit.HOURS).toString());
                r.put("duration_ms", 5.0);
                r.put("success", i % 3 != 0);
                r.put("source", "agent");
                if (i % 3 == 0) {
                    r.put("error", "timeout: no answer");
                }
                r.putObject("device").put("serial", i < 6 ? "SN-A" : "SN-B");
                // AutoPerf tiers by i % 4: none, 2, 3, 1
                if (i % 4 != 0) {
                    r.put("tier", new int[] {0, 2, 3, 1}[i % 4]);
                }
                batch.add(r);
            }
            Answer stored = m.call("POST", "/api/v1/results", admin, batch);
            assertThat(stored.status()).as(stored.toString()).isEqualTo(201);

            assertThat(list(m, admin, "device_serial=SN-A")).hasSize(6).allMatch(r -> r.get("device").get("serial").asText().equals("SN-A"));
            assertThat(list(m, admin, "test_type=dns&success=false")).hasSize(2)
                    .allMatch(r -> r.get("test_type").asText().equals("dns") && !r.get("success").asBoolean());
            assertThat(list(m, admin, "target=tcp%3A%2F%2F192.0.2.1%3A443&device_serial=SN-B")).hasSize(3);
            String from = now.minus(4, ChronoUnit.HOURS).toString();
            String to = now.minus(1, ChronoUnit.HOURS).toString();
            // [from, to): started 4, 3 and 2 hours ago; not 1 hour ago
            assertThat(list(m, admin, "from=" + from + "&to=" + to)).hasSize(3);
            assertThat(list(m, admin, "device_serial=SN-C")).isEmpty();
            // the escalations: tiers 2 and 3, newest first; results of no tier and of tier 1 are left out
            List<JsonNode> escalated = list(m, admin, "tier=2,3");
            assertThat(escalated).extracting(r -> r.get("tier").asInt()).containsExactly(2, 3, 2, 3, 2, 3);
            assertThat(escalated).extracting(r -> Instant.parse(r.get("started_at").asText()))
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(list(m, admin, "tier=2")).hasSize(3).allMatch(r -> r.get("tier").asInt() == 2);
            assertThat(list(m, admin, "tier=1&device_serial=SN-A")).hasSize(1).allMatch(r -> r.get("tier").asInt() == 1);
            assertThat(list(m, admin, "tier=3&success=false")).hasSize(1);

            assertField(m.call("GET", "/api/v1/results?success=maybe", admin, null), 400, "success");
            assertField(m.call("GET", "/api/v1/results?from=" + to + "&to=" + from, admin, null), 400, "from");
            assertField(m.call("GET", "/api/v1/results?from=yesterday", admin, null), 400, "from");
            assertField(m.call("GET", "/api/v1/results?device_serial=" + "x".repeat(256), admin, null), 400, "device_serial");
            assertField(m.call("GET", "/api/v1/results?target=" + "x".repeat(513), admin, null), 400, "target");
            assertField(m.call("GET", "/api/v1/results?test_type=" + "x".repeat(33), admin, null), 400, "test_type");
            assertField(m.call("GET", "/api/v1/results?tier=4", admin, null), 400, "tier");
            assertField(m.call("GET", "/api/v1/results?tier=2,,3", admin, null), 400, "tier");
            assertField(m.call("GET", "/api/v1/results?tier=high", admin, null), 400, "tier");
            assertField(m.call("GET", "/api/v1/results?tier=" + "1,".repeat(9) + "1", admin, null), 400, "tier");
        }
    }

    private static List<JsonNode> list(Harness m, String auth, String query) {
        Answer a = m.call("GET", "/api/v1/results?" + query, auth, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        a.json().forEach(r -> {
            out.add(r);
            assertThat(ids.add(r.get("id").asText())).isTrue();
        });
        return out;
    }
}
