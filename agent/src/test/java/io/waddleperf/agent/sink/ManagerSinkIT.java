package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.waddleperf.agent.AgentConfig.WhenFull;
import io.waddleperf.agent.ManagerPeer;
import io.waddleperf.agent.outbox.Outbox;
import io.waddleperf.agent.outbox.RejectedException;
import io.waddleperf.agent.outbox.Spool;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager sink against a real manager (embedded database) on loopback. */
class ManagerSinkIT {

    @TempDir
    Path dir;

    static ProbeResult result(int i) {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target("tcp://127.0.0.1:" + (1000 + i))
                .targetHost("127.0.0.1").targetPort(1000 + i).startedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
                .durationMs(1.5).success(true).latencyMs(0.2).tier(1).source(Source.AGENT).build();
    }

    private static List<SpooledResult> batch(List<ProbeResult> results) {
        List<SpooledResult> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            out.add(new SpooledResult(i + 1, Json.write(results.get(i))));
        }
        return out;
    }

    @Test
    void delivers_a_batch_once_even_when_it_is_sent_again() throws Exception {
        try (ManagerPeer manager = new ManagerPeer(dir.resolve("manager"))) {
            manager.start();
            ManagerSink sink = new ManagerSink(manager.url(), Secret.of(manager.apiKey()), 100, Duration.ofSeconds(10));
            List<ProbeResult> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(result(i));
            }

            sink.export(batch(results));
            sink.export(batch(results));

            assertThat(manager.storedIds()).containsExactlyInAnyOrderElementsOf(
                    results.stream().map(r -> r.id().toString()).toList());
            assertThat(manager.storedRows()).isEqualTo(50);
        }
    }

    @Test
    void a_refused_result_is_a_rejection_naming_it_and_a_wrong_key_is_retried() throws Exception {
        try (ManagerPeer manager = new ManagerPeer(dir.resolve("manager"))) {
            manager.start();
            ManagerSink sink = new ManagerSink(manager.url(), Secret.of(manager.apiKey()), 100, Duration.ofSeconds(10));
            List<SpooledResult> b = new ArrayList<>(batch(List.of(result(1), result(2), result(3))));
            b.set(2, new SpooledResult(3, b.get(2).json().replace("\"duration_ms\":1.5", "\"duration_ms\":-4")));

            assertThatThrownBy(() -> sink.export(b)).isInstanceOfSatisfying(RejectedException.class,
                    e -> assertThat(e.index()).isEqualTo(2));
            ManagerSink wrongKey = new ManagerSink(manager.url(), Secret.of("wpk_" + "0".repeat(64)), 100,
                    Duration.ofSeconds(10));
            assertThatThrownBy(() -> wrongKey.export(batch(List.of(result(4)))))
                    .isInstanceOf(IOException.class).hasMessageStartingWith("the manager refused the API key (401");
        }
    }

    @Test
    void results_wait_in_the_outbox_while_the_manager_is_down_and_arrive_when_it_is_up() throws Exception {
        try (ManagerPeer manager = new ManagerPeer(dir.resolve("manager"))) {
            manager.start();
            String key = manager.apiKey();
            manager.stop();
            Spool spool = Spool.open(dir.resolve("outbox"), 64L << 20, 1L << 20, WhenFull.DROP_OLDEST,
                    List.of("manager"));
            Set<String> sent = new HashSet<>();
            try (Outbox outbox = new Outbox(spool, dir.resolve("outbox"), List.of(new ManagerSink(manager.url(),
                    Secret.of(key), 40, Duration.ofSeconds(5))), Duration.ofMillis(50), Duration.ofMillis(400))) {
                for (int i = 0; i < 150; i++) {
                    ProbeResult r = result(i);
                    sent.add(r.id().toString());
                    assertThat(outbox.accept(r)).isTrue();
                }
                outbox.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> outbox.status().getFirst().failures() >= 3);
                assertThat(outbox.status().getFirst().pending()).isEqualTo(150);
                assertThat(outbox.status().getFirst().lastError()).contains("ConnectException");

                manager.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> outbox.status().getFirst().pending() == 0);
                assertThat(outbox.status().getFirst().delivered()).isEqualTo(150);
            }
            assertThat(manager.storedIds()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void a_result_the_manager_refuses_is_set_aside_and_the_rest_go_through() throws Exception {
        try (ManagerPeer manager = new ManagerPeer(dir.resolve("manager"))) {
            manager.start();
            Spool spool = Spool.open(dir.resolve("outbox"), 64L << 20, 1L << 20, WhenFull.DROP_OLDEST,
                    List.of("manager"));
            try (Outbox outbox = new Outbox(spool, dir.resolve("outbox"), List.of(new ManagerSink(manager.url(),
                    Secret.of(manager.apiKey()), 10, Duration.ofSeconds(5))), Duration.ofMillis(50),
                    Duration.ofMillis(400))) {
                for (int i = 0; i < 5; i++) {
                    outbox.accept(result(i));
                }
                String bad = Json.write(result(5)).replace("\"success\":true", "\"success\":\"yes\"");
                spool.append(bad);
                for (int i = 6; i < 9; i++) {
                    outbox.accept(result(i));
                }
                outbox.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> outbox.status().getFirst().pending() == 0);
                assertThat(outbox.status().getFirst().delivered()).isEqualTo(8);
                assertThat(outbox.status().getFirst().rejected()).isEqualTo(1);
            }
            assertThat(manager.storedRows()).isEqualTo(8);
            assertThat(Files.readString(dir.resolve("outbox/rejected/manager.jsonl"))).contains("\"success\":\"yes\"");
        }
    }
}
