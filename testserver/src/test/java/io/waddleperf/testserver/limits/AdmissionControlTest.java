package io.waddleperf.testserver.limits;

import io.waddleperf.speed.LimitExceededException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.testkit.FakeClock;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.TestServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {

    private final FakeClock clock = new FakeClock(123_456_789L);

    private AdmissionControl control(int perClient, int perMinute, int burst, int global) {
        return new AdmissionControl(LoopbackConfig.limits(perClient, perMinute, burst, global, null), clock);
    }

    @Test
    void allows_a_burst_then_refuses_with_the_time_to_the_next_token() throws Exception {
        AdmissionControl c = control(4, 60, 3, 10);
        for (int i = 0; i < 3; i++) {
            c.checkRate("a");
        }
        assertThatThrownBy(() -> c.checkRate("a"))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(e.getMessage()).contains("60 requests per minute");
                });
        clock.advance(Duration.ofMillis(400));
        assertThatThrownBy(() -> c.checkRate("a")).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(600)));
        clock.advance(Duration.ofMillis(600));
        c.checkRate("a");
    }

    @Test
    void keeps_each_clients_bucket_separate() throws Exception {
        AdmissionControl c = control(4, 60, 1, 10);
        c.checkRate("a");
        c.checkRate("b");
        assertThatThrownBy(() -> c.checkRate("a")).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void refills_no_further_than_the_burst() throws Exception {
        AdmissionControl c = control(4, 60, 2, 10);
        clock.advance(Duration.ofHours(1));
        c.checkRate("a");
        c.checkRate("a");
        assertThatThrownBy(() -> c.checkRate("a")).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void limits_running_tests_per_client_and_frees_slots_on_close() throws Exception {
        AdmissionControl c = control(2, 60, 10, 10);
        AdmissionControl.Permit p1 = c.acquire("a");
        AdmissionControl.Permit p2 = c.acquire("a");
        assertThatThrownBy(() -> c.acquire("a")).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.getMessage()).contains("per client"));
        try (AdmissionControl.Permit other = c.acquire("b")) {
            assertThat(c.running()).isEqualTo(3);
        }
        p1.close();
        p1.close(); // a second close must not free a slot it does not hold
        c.acquire("a").close();
        assertThat(c.running()).isEqualTo(1);
        p2.close();
        assertThat(c.running()).isZero();
    }

    @Test
    void limits_running_tests_per_api_key_across_clients() throws Exception {
        AdmissionControl c = new AdmissionControl(TestServerConfig.of(java.util.Map.of(
                "limits.per_key_concurrency", "2")).limits(), clock);
        AdmissionControl.Permit first = c.acquire("a", "key1");
        c.acquire("b", "key1");
        assertThatThrownBy(() -> c.acquire("c", "key1")).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.getMessage()).contains("per API key");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(c.running()).as("a refused test holds no slot").isEqualTo(2);
        c.acquire("c", "key2");
        c.acquire("c");
        first.close();
        c.acquire("c", "key1");
        assertThat(c.running()).isEqualTo(4);
    }

    @Test
    void a_test_refused_for_its_key_gives_its_server_slot_back() throws Exception {
        AdmissionControl c = new AdmissionControl(TestServerConfig.of(java.util.Map.of(
                "limits.global_concurrency", "2", "limits.per_key_concurrency", "1", "limits.per_client_concurrency",
                "2")).limits(), clock);
        c.acquire("a", "key1");
        assertThatThrownBy(() -> c.acquire("b", "key1")).hasMessageContaining("per API key");
        assertThat(c.running()).isEqualTo(1);
        c.acquire("b", "key2");
        assertThatThrownBy(() -> c.acquire("c", "key3")).hasMessageContaining("maximum of 2");
    }

    @Test
    void reserves_bytes_from_the_client_and_the_key_and_settles_with_what_moved() throws Exception {
        AdmissionControl c = new AdmissionControl(TestServerConfig.of(java.util.Map.of(
                "limits.per_client_bytes", "2M", "limits.per_key_bytes", "3M")).limits(), clock);
        AdmissionControl.ByteGrant g = c.reserveBytes("a", "key1", 1 << 20, 1024);
        assertThat(g.bytes()).isEqualTo(1 << 20);
        g.settle(100);
        g.settle(1 << 20); // settled once only
        assertThat(c.reserveBytes("a", "key1", 4 << 20, 1024).bytes()).as("the client's 2 MiB less 100 bytes")
                .isEqualTo((2 << 20) - 100);
        assertThatThrownBy(() -> c.reserveBytes("a", "key1", 1024, 1024)).hasMessageContaining("per client");
        AdmissionControl.ByteGrant fromB = c.reserveBytes("b", "key1", 4 << 20, 1024);
        assertThat(fromB.bytes()).as("what the key has left").isEqualTo(3 * (1 << 20) - 100 - ((2 << 20) - 100));
        assertThatThrownBy(() -> c.reserveBytes("d", "key1", 1024, 1024)).isInstanceOfSatisfying(
                LimitExceededException.class, e -> {
                    assertThat(e.getMessage()).contains("per API key");
                    assertThat(e.retryAfter()).isPositive();
                });
        assertThat(c.reserveBytes("d", null, 1024, 1024).bytes()).as("no key, no key budget").isEqualTo(1024);
    }

    @Test
    void limits_running_tests_across_all_clients() throws Exception {
        AdmissionControl c = control(2, 60, 10, 3);
        c.acquire("a");
        c.acquire("b");
        AdmissionControl.Permit last = c.acquire("c");
        assertThatThrownBy(() -> c.acquire("d")).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.getMessage()).contains("maximum of 3"));
        assertThat(c.running()).isEqualTo(3);
        last.close();
        c.acquire("d");
    }

    @Test
    void forgets_idle_clients_once_the_table_is_large() throws Exception {
        AdmissionControl c = control(2, 60, 1, 10);
        AdmissionControl.Permit busy = c.acquire("busy");
        for (int i = 0; i <= AdmissionControl.SWEEP_THRESHOLD; i++) {
            c.checkRate("client-" + i);
        }
        clock.advance(Duration.ofSeconds(2)); // buckets refill; idle clients can go
        c.checkRate("newcomer");
        assertThat(c.trackedClients()).isLessThan(10);
        // the busy client kept its running test: its limit still counts it
        c.acquire("busy");
        assertThatThrownBy(() -> c.acquire("busy")).isInstanceOf(LimitExceededException.class);
        busy.close();
    }
}
