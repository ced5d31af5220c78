package io.waddleperf.manager.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.notify.WebhookSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alert rules over real HTTP on both databases: results crossing a threshold fire the rule and a local webhook
 * receiver and GreenMail get the notification; healthy results resolve it; too few results change nothing; bad rules
 * are refused naming the field; changes are audited without the webhook's URL or secret.
 */
class AlertsIT {

    private HttpServer receiver;
    private final List<JsonNode> posts = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> postHeaders = new CopyOnWriteArrayList<>();
    private GreenMail smtp;
    private int smtpPort;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        receiver.createContext("/", ex -> {
            posts.add(Json.mapper().readTree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Map<String, String> h = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
            postHeaders.add(h);
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        smtp.stop();
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/secret-token-123";
    }

    private Harness manager(Kind kind, Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>(Map.of("alerts.smtp_host", "127.0.0.1",
                "alerts.smtp_port", Integer.toString(smtpPort), "alerts.mail_from", "manager@example.net",
                "alerts.webhook_backoff", "50ms"));
        s.putAll(extra);
        return Harness.start(kind, s, InstantSource.system());
    }

    static ProbeResult result(String target, double latencyMs) {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target(target).targetHost("192.0.2.7")
                .targetIp("192.0.2.7").targetPort(443).startedAt(Instant.now().minusSeconds(1)).durationMs(10.0)
                .success(true).source(Source.AGENT).latencyMs(latencyMs).build();
    }

    private static void submit(Harness m, String token, String target, double... latencies) {
        List<ProbeResult> batch = new ArrayList<>();
        for (double l : latencies) {
            batch.add(result(target, l));
        }
        Answer a = m.call("POST", "/api/v1/results", token, batch);
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
    }

    private static Map<String, Object> rule(String target) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", "latency to the edge");
        r.put("target", target);
        r.put("test_type", "tcp");
        r.put("metric", "latency_ms");
        r.put("comparison", "gt");
        r.put("threshold", 100);
        r.put("window_seconds", 600);
        r.put("min_samples", 3);
        return r;
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void results_crossing_the_threshold_fire_and_notify_and_healthy_results_resolve(Kind kind) throws Exception {
        try (Harness m = manager(kind, Map.of())) {
            String admin = m.adminLogin();
            String target = "tcp://edge.example:443";
            Map<String, Object> body = rule(target);
            body.put("webhook", Map.of("url", hookUrl(), "format", "generic", "secret", "sign-me"));
            body.put("email_to", List.of("noc@example.net"));
            Answer created = m.call("POST", "/api/v1/alerts/rules", admin, body);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asText();
            assertThat(created.json().get("state").get("state").asText()).isEqualTo("resolved");
            // write-only: the URL's token and the secret never come back
            assertThat(created.body()).doesNotContain("secret-token-123").doesNotContain("sign-me");
            assertThat(created.json().get("webhook").get("url").asText()).isEqualTo(
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/…");
            assertThat(created.json().get("webhook").get("signed").asBoolean()).isTrue();

            // two slow results: below min_samples, nothing changes
            submit(m, admin, target, 150, 160);
            assertThat(state(m, admin, id)).isEqualTo("resolved");
            // another target's results do not count
            submit(m, admin, "tcp://elsewhere.example:443", 500, 500, 500);
            assertThat(state(m, admin, id)).isEqualTo("resolved");

            submit(m, admin, target, 170);
            assertThat(state(m, admin, id)).isEqualTo("firing");
            await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 1 && smtp.getReceivedMessages().length == 1);
            JsonNode fired = posts.getFirst();
            assertThat(fired.get("event").asText()).isEqualTo("alert.firing");
            assertThat(fired.get("data").get("rule_id").asText()).isEqualTo(id);
            assertThat(fired.get("data").get("value").asDouble()).isEqualTo(160.0);
            assertThat(fired.get("data").get("samples").asInt()).isEqualTo(3);
            assertThat(fired.get("title").asText()).isEqualTo("[FIRING] latency to the edge: latency_ms 160 > 100");
            Map<String, String> h = postHeaders.getFirst();
            // the signature verifies over the body the receiver got
            String ts = h.get("x-waddleperf-timestamp");
            assertThat(h.get("x-waddleperf-signature")).isEqualTo("sha256=" + WebhookSender.sign("sign-me", ts,
                    Json.write(fired).getBytes(StandardCharsets.UTF_8)));
            assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("[FIRING] latency to the edge");

            // more slow results while firing: no second notification
            submit(m, admin, target, 180);
            assertThat(state(m, admin, id)).isEqualTo("firing");

            // healthy results pull the mean under the threshold: resolved, notified once more
            submit(m, admin, target, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
            assertThat(state(m, admin, id)).isEqualTo("resolved");
            await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 2 && smtp.getReceivedMessages().length == 2);
            assertThat(posts.get(1).get("event").asText()).isEqualTo("alert.resolved");
            assertThat(posts.get(1).get("severity").asText()).isEqualTo("resolved");

            // history, newest first, with how each notification went
            await().atMost(Duration.ofSeconds(10)).until(() -> m.call("GET", "/api/v1/alerts/history?rule_id=" + id,
                    admin, null).json().findValues("delivery").stream().noneMatch(JsonNode::isNull));
            JsonNode history = m.call("GET", "/api/v1/alerts/history?rule_id=" + id, admin, null).json();
            assertThat(history).hasSize(2);
            assertThat(history.get(0).get("state").asText()).isEqualTo("resolved");
            assertThat(history.get(1).get("state").asText()).isEqualTo("firing");
            assertThat(history.get(1).get("value").asDouble()).isEqualTo(160.0);
            assertThat(history.get(1).get("delivery").asText())
                    .isEqualTo("webhook: delivered (HTTP 204, 1 attempt); email: delivered (1 attempt)");
            JsonNode states = m.call("GET", "/api/v1/alerts/state", admin, null).json();
            assertThat(states).hasSize(1);
            assertThat(states.get(0).get("state").asText()).isEqualTo("resolved");
            assertThat(states.get(0).get("last_samples").asInt()).isEqualTo(16);

            // audited, without the URL or the secret
            Answer audit = m.call("GET", "/api/v1/audit?action=alert_rule.*", admin, null);
            assertThat(audit.body()).contains("alert_rule.create").contains("webhook_changed")
                    .doesNotContain("secret-token-123").doesNotContain("sign-me");

            Answer disabled = m.call("PUT", "/api/v1/alerts/rules/" + id, admin, Map.of("enabled", false, "webhook",
                    Map.of("url", hookUrl(), "format", "slack")));
            assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
            assertThat(disabled.json().get("webhook").get("format").asText()).isEqualTo("slack");
            submit(m, admin, target, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900,
                    900, 900, 900, 900);
            assertThat(state(m, admin, id)).isEqualTo("resolved");
            assertThat(m.call("DELETE", "/api/v1/alerts/rules/" + id, admin, null).status()).isEqualTo(204);
            assertThat(m.call("GET", "/api/v1/alerts/rules/" + id, admin, null).status()).isEqualTo(404);
            assertThat(m.call("GET", "/api/v1/alerts/history?rule_id=" + id, admin, null).json()).hasSize(2);
            assertThat(m.call("GET", "/api/v1/audit?action=alert_rule.*", admin, null).body())
                    .contains("alert_rule.update").contains("alert_rule.delete");
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void success_rate_and_loss_rules_and_a_rule_made_while_its_condition_holds(Kind kind) {
        try (Harness m = manager(kind, Map.of())) {
            String admin = m.adminLogin();
            String target = "tcp://flaky.example:443";
            List<ProbeResult> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(result(target, 10).toBuilder().id(UuidV7.next()).success(i == 0)
                        .error(i == 0 ? null : "refused").packetLossPercent(i == 0 ? 0.0 : 100.0).build());
            }
            assertThat(m.call("POST", "/api/v1/results", admin, batch).status()).isEqualTo(201);
            Map<String, Object> rate = rule(target);
            rate.put("metric", "success_rate_percent");
            rate.put("comparison", "lt");
            rate.put("threshold", 90);
            Answer a = m.call("POST", "/api/v1/alerts/rules", admin, rate);
            assertThat(a.status()).as(a.toString()).isEqualTo(201);
            // judged at creation over the results already there: 1 of 4 succeeded
            assertThat(a.json().get("state").get("state").asText()).isEqualTo("firing");
            assertThat(a.json().get("state").get("last_value").asDouble()).isEqualTo(25.0);
            Map<String, Object> loss = rule(target);
            loss.put("metric", "packet_loss_percent");
            loss.put("comparison", "ge");
            loss.put("threshold", 80);
            loss.put("min_samples", 5);
            Answer l = m.call("POST", "/api/v1/alerts/rules", admin, loss);
            assertThat(l.json().get("state").get("state").asText()).as("4 results < min_samples 5").isEqualTo("resolved");
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void bad_rules_are_refused_naming_the_field_and_rules_per_ou_are_limited(Kind kind) {
        try (Harness m = manager(kind, Map.of("alerts.max_rules_per_ou", "2"))) {
            String admin = m.adminLogin();
            Map<String, Object[]> bad = new LinkedHashMap<>();
            bad.put("metric", new Object[] {"metric", "jitter"});
            bad.put("comparison", new Object[] {"comparison", "=="});
            bad.put("threshold", new Object[] {"threshold", "high"});
            bad.put("window_seconds", new Object[] {"window_seconds", 10});
            bad.put("min_samples", new Object[] {"min_samples", 0});
            bad.put("test_type", new Object[] {"test_type", "carrier_pigeon"});
            bad.put("email_to[0]", new Object[] {"email_to", List.of("not-an-address")});
            bad.put("webhook.url", new Object[] {"webhook", Map.of("url", "ftp://files.example/secret-token-123")});
            bad.put("webhook.format", new Object[] {"webhook", Map.of("url", hookUrl(), "format", "irc")});
            bad.put("webhook.secret", new Object[] {"webhook", Map.of("url", hookUrl(), "format", "slack", "secret", "k")});
            bad.put("colour", new Object[] {"colour", "red"});
            bad.put("ou_id", new Object[] {"ou_id", "not-a-uuid"});
            bad.forEach((field, change) -> {
                Map<String, Object> body = rule("tcp://x.example:1");
                body.put((String) change[0], change[1]);
                Answer a = m.call("POST", "/api/v1/alerts/rules", admin, body);
                assertThat(a.status()).as(field + ": " + a).isEqualTo(400);
                assertThat(a.json().get("field").asText()).as(a.toString()).isEqualTo(field);
                assertThat(a.body()).doesNotContain("secret-token-123");
            });
            Map<String, Object> noTarget = rule("x");
            noTarget.remove("target");
            assertThat(m.call("POST", "/api/v1/alerts/rules", admin, noTarget).json().get("field").asText())
                    .isEqualTo("target");
            assertThat(m.call("POST", "/api/v1/alerts/rules", admin, rule("tcp://a:1")).status()).isEqualTo(201);
            assertThat(m.call("POST", "/api/v1/alerts/rules", admin, rule("tcp://b:1")).status()).isEqualTo(201);
            Answer third = m.call("POST", "/api/v1/alerts/rules", admin, rule("tcp://c:1"));
            assertThat(third.status()).isEqualTo(409);
            assertThat(third.json().get("error").asText()).contains("alerts.max_rules_per_ou");
            assertThat(m.call("GET", "/api/v1/alerts/history?limit=0", admin, null).status()).isEqualTo(400);
            assertThat(m.call("GET", "/api/v1/alerts/history?limit=1001", admin, null).status()).isEqualTo(400);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void without_an_smtp_server_rules_cannot_mail_and_a_dead_webhook_is_recorded_as_failed(Kind kind) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (Harness m = Harness.start(kind, Map.of("alerts.webhook_attempts", "2", "alerts.webhook_backoff", "10ms",
                "alerts.timeout", "2s"), InstantSource.system())) {
            String admin = m.adminLogin();
            Map<String, Object> mail = rule("tcp://m:1");
            mail.put("email_to", List.of("noc@example.net"));
            Answer refused = m.call("POST", "/api/v1/alerts/rules", admin, mail);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).contains("alerts.smtp_host");

            Map<String, Object> dead = rule("tcp://d:1");
            dead.put("webhook", Map.of("url", "http://127.0.0.1:" + closed + "/gone", "format", "discord"));
            String id = m.call("POST", "/api/v1/alerts/rules", admin, dead).json().get("id").asText();
            submit(m, admin, "tcp://d:1", 500, 500, 500);
            await().atMost(Duration.ofSeconds(15)).until(() -> !m.call("GET", "/api/v1/alerts/history?rule_id=" + id,
                    admin, null).json().get(0).get("delivery").isNull());
            assertThat(m.call("GET", "/api/v1/alerts/history?rule_id=" + id, admin, null).json().get(0).get("delivery")
                    .asText()).startsWith("webhook: failed after 2 attempts: ConnectException");
        }
    }

    private static String state(Harness m, String token, String id) {
        return m.call("GET", "/api/v1/alerts/rules/" + id, token, null).json().get("state").get("state").asText();
    }
}
