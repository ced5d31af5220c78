package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.notify.Webhook;
import io.waddleperf.notify.WebhookFormat;
import io.waddleperf.notify.WebhookSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The webhook sink against a real HTTP receiver on a free loopback port, in each format. */
class WebhookSinkIT {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private final EmailSinkIT.HandClock clock = new EmailSinkIT.HandClock();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/token";
    }

    private WebhookSink sink(WebhookFormat format) {
        AgentConfig c = AgentConfig.of(Map.of("target_server", "127.0.0.1", "sinks.webhook.enabled", "true", "sinks.webhook.url", url(),
                "sinks.webhook.format", format.externalName(), "sinks.webhook.timeout", "2s"));
        Webhook hook = c.sinks().webhook().hook();
        return new WebhookSink(hook, new WebhookSender(Duration.ofSeconds(2), 1, Duration.ofMillis(10),
                Duration.ofMillis(10), clock), "agent-7", c.sinks().webhook().window(), 500, clock);
    }

    private static SpooledResult result(int i, int tier, boolean success, String error) {
        ProbeResult r = ManagerSinkIT.result(i).toBuilder().tier(tier).success(success).error(error).build();
        return new SpooledResult(i + 1, Json.write(r));
    }

    @ParameterizedTest
    @EnumSource(WebhookFormat.class)
    void posts_escalations_and_failures_once_per_kind_per_window_in_each_format(WebhookFormat format) throws Exception {
        WebhookSink sink = sink(format);
        List<SpooledResult> healthy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            healthy.add(result(i, 1, true, null));
        }
        sink.export(healthy);
        assertThat(bodies).isEmpty();

        sink.export(List.of(result(100, 3, true, null), result(101, 1, false, "refused <!channel> @everyone")));
        assertThat(bodies).hasSize(2);
        JsonNode tier3 = Json.mapper().readTree(bodies.get(0));
        JsonNode failure = Json.mapper().readTree(bodies.get(1));
        switch (format) {
            case SLACK -> {
                assertThat(tier3.get("text").asText()).startsWith("*agent-7: tier 3 escalation (1 result)*");
                assertThat(failure.get("text").asText()).contains("refused &lt;!channel&gt; @everyone");
            }
            case TEAMS -> {
                JsonNode body = tier3.get("attachments").get(0).get("content").get("body");
                assertThat(body.get(0).get("text").asText()).isEqualTo("agent-7\\: tier 3 escalation \\(1 result\\)");
                assertThat(failure.get("attachments").get(0).get("content").get("body").get(1).get("text").asText())
                        .contains("refused \\<\\!channel\\> \\@everyone");
            }
            case DISCORD -> {
                assertThat(tier3.get("embeds").get(0).get("title").asText()).contains("tier 3 escalation");
                assertThat(failure.get("allowed_mentions").get("parse")).isEmpty();
            }
            case GENERIC -> {
                assertThat(tier3.get("event").asText()).isEqualTo("agent.tier3");
                assertThat(tier3.get("severity").asText()).isEqualTo("critical");
                assertThat(tier3.get("data").get("result_ids").get(0).asText()).isNotBlank();
                assertThat(failure.get("event").asText()).isEqualTo("agent.failure");
                assertThat(failure.get("text").asText()).contains("FAILED").contains("refused <!channel> @everyone");
            }
        }

        // within the window: held back, then named in the next post of that kind
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        sink.export(List.of(result(102, 3, true, null), result(103, 3, true, null)));
        assertThat(bodies).hasSize(2);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        sink.export(List.of(result(104, 3, true, null)));
        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(2)).contains("2 results of this kind came since the last post");
    }

    @Test
    void a_refused_post_fails_the_batch_and_the_same_batch_posts_once_the_receiver_is_back() throws Exception {
        WebhookSink sink = sink(WebhookFormat.GENERIC);
        status = 503;
        assertThatThrownBy(() -> sink.export(List.of(result(1, 2, true, null))))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 503")
                .hasMessageNotContaining("token");
        status = 200;
        sink.export(List.of(result(1, 2, true, null)));
        assertThat(bodies).hasSize(2);
        assertThat(Json.mapper().readTree(bodies.get(1)).get("event").asText()).isEqualTo("agent.tier2");
    }

    @Test
    void configuration_is_checked_without_echoing_the_url() {
        assertThatThrownBy(() -> AgentConfig.of(Map.of("sinks.webhook.enabled", "true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sinks.webhook.url");
        assertThatThrownBy(() -> AgentConfig.of(Map.of("sinks.webhook.url", "ftp://x.example/secret-token")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sinks.webhook.url")
                .hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> AgentConfig.of(Map.of("sinks.webhook.url", url(), "sinks.webhook.format", "slack",
                "sinks.webhook.secret", "k"))).hasMessageContaining("sinks.webhook.secret");
        assertThatThrownBy(() -> AgentConfig.of(Map.of("sinks.webhook.format", "irc")))
                .hasMessageContaining("sinks.webhook.format");
        assertThatThrownBy(() -> AgentConfig.of(Map.of("sinks.webhook.colour", "red")))
                .hasMessageContaining("sinks.webhook.colour");
    }
}
