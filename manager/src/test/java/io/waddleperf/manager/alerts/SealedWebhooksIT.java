package io.waddleperf.manager.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.auth.ServerKey;
import io.waddleperf.manager.store.AlertRepository;
import io.waddleperf.manager.store.AlertRule;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alert rules' webhooks are credentials (a chat webhook's URL carries its token, the generic format's secret is a key),
 * so they reach the database sealed under the manager's server key, bound to their rule. Checked on the stored
 * columns of both databases, for rules written by this version and for rules an earlier version stored in clear.
 */
class SealedWebhooksIT {

    private static final String URL = "http://127.0.0.1:9/hooks/secret-token-123";

    private static Map<String, Object> rule() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", "latency to the edge");
        r.put("target", "tcp://edge.example:443");
        r.put("test_type", "tcp");
        r.put("metric", "latency_ms");
        r.put("comparison", "gt");
        r.put("threshold", 100);
        r.put("window_seconds", 600);
        r.put("min_samples", 3);
        r.put("webhook", Map.of("url", URL, "format", "generic", "secret", "sign-me"));
        return r;
    }

    record Stored(String url, String secret, byte[] sealed) {
    }

    private static Stored stored(Harness m, UUID id) {
        return m.db().read(h -> h.createQuery("SELECT webhook_url, webhook_secret, webhook_sealed FROM alert_rules "
                + "WHERE id = :id").bind("id", id).map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2),
                rs.getBytes(3))).one());
    }

    private static ServerKey key(Harness m) throws Exception {
        return ServerKey.loadOrCreate(m.dataDir().resolve(ServerKey.FILE_NAME));
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_new_rule_stores_its_webhook_sealed_and_reads_it_back_whole(Kind kind) throws Exception {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            Answer created = m.call("POST", "/api/v1/alerts/rules", admin, rule());
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            UUID id = UUID.fromString(created.json().get("id").asText());

            Stored s = stored(m, id);
            assertThat(s.url()).isNull();
            assertThat(s.secret()).isNull();
            assertThat(s.sealed()).isNotNull();
            String raw = new String(s.sealed(), StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain("secret-token-123").doesNotContain("sign-me").doesNotContain("127.0.0.1");

            AlertRule read = new AlertRepository(m.db(), key(m)).find(id).orElseThrow();
            assertThat(read.webhookUrl()).isEqualTo(URL);
            assertThat(read.webhookSecret()).isEqualTo("sign-me");

            // an update without a secret keeps none; the row is sealed again, never in clear
            Answer updated = m.call("PUT", "/api/v1/alerts/rules/" + id, admin,
                    Map.of("webhook", Map.of("url", URL + "-2", "format", "slack")));
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
            Stored after = stored(m, id);
            assertThat(after.url()).isNull();
            assertThat(after.secret()).isNull();
            AlertRule reread = new AlertRepository(m.db(), key(m)).find(id).orElseThrow();
            assertThat(reread.webhookUrl()).isEqualTo(URL + "-2");
            assertThat(reread.webhookSecret()).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_rule_stored_in_clear_is_sealed_at_start_and_a_foreign_key_cannot_open_it(Kind kind) throws Exception {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            Answer created = m.call("POST", "/api/v1/alerts/rules", admin, rule());
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            UUID id = UUID.fromString(created.json().get("id").asText());
            // the row as an earlier version wrote it
            m.db().inTransaction(h -> h.createUpdate("UPDATE alert_rules SET webhook_url = :u, webhook_secret = :s, "
                    + "webhook_sealed = NULL WHERE id = :id").bind("u", URL).bind("s", "legacy-key").bind("id", id)
                    .execute());

            AlertRepository rules = new AlertRepository(m.db(), key(m));
            assertThat(rules.find(id).orElseThrow().webhookSecret()).isEqualTo("legacy-key");
            assertThat(rules.sealClearWebhooks()).isEqualTo(1);
            assertThat(rules.sealClearWebhooks()).isZero();
            Stored s = stored(m, id);
            assertThat(s.url()).isNull();
            assertThat(s.secret()).isNull();
            assertThat(new String(s.sealed(), StandardCharsets.ISO_8859_1)).doesNotContain("legacy-key");
            AlertRule read = rules.find(id).orElseThrow();
            assertThat(read.webhookUrl()).isEqualTo(URL);
            assertThat(read.webhookSecret()).isEqualTo("legacy-key");

            // under another server key the rule still reads, without its webhook
            AlertRule foreign = new AlertRepository(m.db(), ServerKey.random()).find(id).orElseThrow();
            assertThat(foreign.name()).isEqualTo("latency to the edge");
            assertThat(foreign.webhookUrl()).isNull();
            assertThat(foreign.webhookSecret()).isNull();

            // a sealed webhook copied to another rule does not open there: it is bound to its rule
            Answer other = m.call("POST", "/api/v1/alerts/rules", admin, rule());
            UUID otherId = UUID.fromString(other.json().get("id").asText());
            m.db().inTransaction(h -> h.createUpdate("UPDATE alert_rules SET webhook_sealed = :b WHERE id = :id")
                    .bind("b", s.sealed()).bind("id", otherId).execute());
            assertThat(rules.find(otherId).orElseThrow().webhookUrl()).isNull();
        }
    }
}
