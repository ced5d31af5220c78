package io.waddleperf.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook posts in every format to a real HTTP receiver on loopback: bodies, escaping, signature, retries, timeouts. */
class WebhookSenderIT {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    /** A notification whose remote text tries every trick: mentions, links, markup, control characters. */
    static Notification hostile() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("target", "tcp://<!channel>@everyone.example:443");
        facts.put("value", "151.2 ms");
        return new Notification("alert.firing", "Latency high on <!here> @everyone [click](http://evil.example)",
                "error: timeout\r\nBcc: x@evil.example\u001b[2J *bold*", Notification.Severity.CRITICAL, facts,
                Map.of("rule_id", "r-1", "value", 151.2), AT);
    }

    private static WebhookSender sender(int attempts) {
        return new WebhookSender(Duration.ofSeconds(2), attempts, Duration.ofMillis(20), Duration.ofMillis(200),
                InstantSource.fixed(AT));
    }

    private JsonNode onlyBody() throws Exception {
        assertThat(receiver.requests()).hasSize(1);
        Receiver.Request r = receiver.requests().getFirst();
        assertThat(r.header("Content-Type")).startsWith("application/json");
        return Json.mapper().readTree(r.body());
    }

    @Test
    void slack_gets_text_and_a_coloured_attachment_with_its_control_characters_escaped() throws Exception {
        Delivery d = sender(1).send(new Webhook(receiver.uri("/services/T0/B0/XXXX"), WebhookFormat.SLACK, null), hostile());
        assertThat(d.delivered()).isTrue();
        assertThat(d.summary()).isEqualTo("delivered (HTTP 200, 1 attempt)");
        JsonNode b = onlyBody();
        assertThat(b.get("text").asText()).startsWith("*Latency high on &lt;!here&gt; @everyone")
                .doesNotContain("<!here>").doesNotContain("\r").doesNotContain("\u001b");
        JsonNode a = b.get("attachments").get(0);
        assertThat(a.get("color").asText()).isEqualTo("#d00000");
        assertThat(a.get("fields").get(0).get("value").asText()).isEqualTo("tcp://&lt;!channel&gt;@everyone.example:443");
        assertThat(a.get("ts").asLong()).isEqualTo(AT.getEpochSecond());
    }

    @Test
    void teams_gets_an_adaptive_card_with_markdown_escaped() throws Exception {
        assertThat(sender(1).send(new Webhook(receiver.uri("/workflows/1"), WebhookFormat.TEAMS, null), hostile())
                .delivered()).isTrue();
        JsonNode b = onlyBody();
        assertThat(b.get("type").asText()).isEqualTo("message");
        JsonNode card = b.get("attachments").get(0);
        assertThat(card.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode body = card.get("content").get("body");
        assertThat(card.get("content").get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(body.get(0).get("text").asText()).contains("\\[click\\]\\(http\\:").contains("\\@everyone");
        assertThat(body.get(0).get("color").asText()).isEqualTo("Attention");
        assertThat(body.get(1).get("text").asText()).contains("\\*bold\\*").doesNotContain("\u001b");
        assertThat(body.get(2).get("facts").get(1).get("value").asText()).isEqualTo("151.2 ms");
    }

    @Test
    void discord_gets_an_embed_and_pings_nobody() throws Exception {
        assertThat(sender(1).send(new Webhook(receiver.uri("/api/webhooks/1/abc"), WebhookFormat.DISCORD, null), hostile())
                .delivered()).isTrue();
        JsonNode b = onlyBody();
        assertThat(b.get("allowed_mentions").get("parse")).isEmpty();
        JsonNode e = b.get("embeds").get(0);
        assertThat(e.get("title").asText()).contains("\\@everyone").contains("\\[click\\]");
        assertThat(e.get("color").asInt()).isEqualTo(0xD00000);
        assertThat(e.get("timestamp").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(e.get("fields")).hasSize(2);
    }

    @Test
    void generic_gets_plain_fields_and_data_and_a_verifiable_signature() throws Exception {
        Webhook hook = new Webhook(receiver.uri("/hook"), WebhookFormat.GENERIC, Secret.of("s3cret-key"));
        assertThat(sender(1).send(hook, hostile()).delivered()).isTrue();
        JsonNode b = onlyBody();
        assertThat(b.get("event").asText()).isEqualTo("alert.firing");
        assertThat(b.get("severity").asText()).isEqualTo("critical");
        // JSON needs no markup escaping, only the control characters go
        assertThat(b.get("title").asText()).isEqualTo("Latency high on <!here> @everyone [click](http://evil.example)");
        assertThat(b.get("text").asText()).isEqualTo("error: timeout\nBcc: x@evil.example\\x1b[2J *bold*");
        assertThat(b.get("facts").get("value").asText()).isEqualTo("151.2 ms");
        assertThat(b.get("data").get("value").asDouble()).isEqualTo(151.2);
        Receiver.Request r = receiver.requests().getFirst();
        String ts = r.header(WebhookSender.TIMESTAMP_HEADER);
        assertThat(ts).isEqualTo(Long.toString(AT.getEpochSecond()));
        // recomputed independently of the sender: HMAC-SHA256 over "<timestamp>.<body>"
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cret-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal((ts + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(r.header(WebhookSender.SIGNATURE_HEADER)).isEqualTo("sha256=" + expected);
        // without a secret, no signature
        receiver.requests().clear();
        sender(1).send(new Webhook(receiver.uri("/hook"), WebhookFormat.GENERIC, null), hostile());
        assertThat(receiver.requests().getFirst().header(WebhookSender.SIGNATURE_HEADER)).isNull();
    }

    @Test
    void retries_server_errors_and_429_with_backoff_then_delivers() {
        receiver.answering(n -> n == 1 ? 503 : n == 2 ? 429 : 204).withHeaders(Map.of("Retry-After", "0"));
        Delivery d = sender(4).send(new Webhook(receiver.uri("/h"), WebhookFormat.GENERIC, null), hostile());
        assertThat(d.delivered()).isTrue();
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.status()).isEqualTo(204);
        assertThat(receiver.requests()).hasSize(3);
    }

    @Test
    void gives_up_after_the_last_attempt_and_does_not_retry_a_client_error() {
        receiver.answering(n -> 500);
        Delivery d = sender(3).send(new Webhook(receiver.uri("/h"), WebhookFormat.SLACK, null), hostile());
        assertThat(d.delivered()).isFalse();
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.summary()).isEqualTo("failed after 3 attempts: HTTP 500");
        // the receiver's own answer text is never carried into the result
        assertThat(d.summary()).doesNotContain("receiver's own text");

        receiver.requests().clear();
        receiver.answering(n -> 404);
        Delivery gone = sender(3).send(new Webhook(receiver.uri("/h"), WebhookFormat.SLACK, null), hostile());
        assertThat(gone.attempts()).isEqualTo(1);
        assertThat(gone.error()).isEqualTo("HTTP 404 (not retried)");
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void a_receiver_that_does_not_answer_in_time_fails_within_the_timeout() {
        receiver.delaying(3000);
        WebhookSender s = new WebhookSender(Duration.ofMillis(300), 2, Duration.ofMillis(10), Duration.ofMillis(10),
                InstantSource.system());
        Delivery d = s.send(new Webhook(receiver.uri("/slow"), WebhookFormat.GENERIC, null), hostile());
        assertThat(d.delivered()).isFalse();
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.error()).isEqualTo("no answer within 300 ms");
    }

    @Test
    void a_closed_port_is_a_failed_delivery_not_an_exception() throws Exception {
        URI closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/h");
        }
        Delivery d = sender(2).send(new Webhook(closed, WebhookFormat.DISCORD, null), hostile());
        assertThat(d.delivered()).isFalse();
        assertThat(d.error()).contains("ConnectException");
    }

    @Test
    void refuses_urls_that_are_not_http_and_secrets_on_chat_formats_and_redacts_tokens() {
        assertThatThrownBy(() -> new Webhook(URI.create("file:///etc/passwd"), WebhookFormat.GENERIC, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> new Webhook(URI.create("https://hooks.slack.com/x"), WebhookFormat.SLACK, Secret.of("k")))
                .hasMessageContaining("generic format only");
        assertThat(Webhook.redacted(URI.create("https://hooks.slack.com/services/T0/B0/token?x=1")))
                .isEqualTo("https://hooks.slack.com/…");
        assertThat(new Webhook(URI.create("http://127.0.0.1:8080/a/b"), WebhookFormat.TEAMS, null).toString())
                .isEqualTo("teams webhook http://127.0.0.1:8080/…");
    }
}
