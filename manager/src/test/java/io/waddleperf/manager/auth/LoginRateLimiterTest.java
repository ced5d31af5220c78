package io.waddleperf.manager.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoginRateLimiterTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginRateLimiter limiter = new LoginRateLimiter(3, 5, Duration.ofMinutes(15), now::get);

    @Test
    void an_account_is_blocked_after_its_failures_until_the_first_one_leaves_the_window() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.blockedFor("alice", "10.0.0." + i)).isEmpty();
            limiter.recordFailure("alice", "10.0.0." + i);
            now.set(now.get().plusSeconds(60));
        }
        assertThat(limiter.blockedFor("ALICE", "10.9.9.9")).contains(Duration.ofMinutes(12));
        now.set(now.get().plus(Duration.ofMinutes(12)));
        assertThat(limiter.blockedFor("alice", "10.9.9.9")).isEmpty();
    }

    @Test
    void an_address_is_blocked_after_failures_on_any_accounts_and_success_clears_only_the_account() {
        for (int i = 0; i < 5; i++) {
            limiter.recordFailure("user" + i, "192.0.2.7");
        }
        assertThat(limiter.blockedFor("someone-new", "192.0.2.7")).isPresent();
        assertThat(limiter.blockedFor("someone-new", "192.0.2.8")).isEmpty();
        limiter.recordFailure("bob", "198.51.100.1");
        limiter.recordFailure("bob", "198.51.100.2");
        limiter.recordSuccess("bob");
        limiter.recordFailure("bob", "198.51.100.3");
        limiter.recordFailure("bob", "198.51.100.4");
        assertThat(limiter.blockedFor("bob", "198.51.100.5")).isEmpty();
    }

    @Test
    void a_spray_of_names_does_not_grow_without_bound_once_the_window_passed() {
        for (int i = 0; i < 20_000; i++) {
            limiter.recordFailure("spray" + i, "203.0.113." + (i % 250));
        }
        now.set(now.get().plus(Duration.ofHours(1)));
        limiter.recordFailure("late", "203.0.113.1");
        assertThat(limiter.blockedFor("spray1", "203.0.113.1")).isEmpty();
    }
}
