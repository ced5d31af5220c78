package io.waddleperf.testserver.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.FakeClock;
import io.waddleperf.testserver.api.ApiKeyAuth.Remote.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache in front of the manager's key check; the check itself runs against a real manager in ManagerForwardingIT. */
class ManagerKeyCheckTest {

    private final FakeClock clock = new FakeClock();
    private final List<String> asked = new ArrayList<>();
    private final Map<String, Verdict> answers = new java.util.HashMap<>(Map.of("good", Verdict.VALID, "bad", Verdict.INVALID));

    private ManagerKeyCheck check(int maxEntries) {
        return new ManagerKeyCheck(key -> {
            asked.add(key);
            return answers.getOrDefault(key, Verdict.UNAVAILABLE);
        }, Duration.ofSeconds(60), Duration.ofSeconds(10), clock, maxEntries);
    }

    @Test
    void answers_are_remembered_for_their_time_and_unavailability_not_at_all() {
        ManagerKeyCheck c = check(100);
        assertThat(c.check("good")).isEqualTo(Verdict.VALID);
        assertThat(c.check("bad")).isEqualTo(Verdict.INVALID);
        assertThat(c.check("down")).isEqualTo(Verdict.UNAVAILABLE);
        assertThat(c.check("down")).isEqualTo(Verdict.UNAVAILABLE);
        assertThat(asked).containsExactly("good", "bad", "down", "down");
        clock.advance(Duration.ofSeconds(9));
        assertThat(c.check("good")).isEqualTo(Verdict.VALID);
        assertThat(c.check("bad")).isEqualTo(Verdict.INVALID);
        assertThat(asked).hasSize(4);
        clock.advance(Duration.ofSeconds(1));
        answers.put("bad", Verdict.VALID); // a key made valid since: a refusal is remembered only briefly
        assertThat(c.check("bad")).isEqualTo(Verdict.VALID);
        clock.advance(Duration.ofSeconds(50));
        answers.put("good", Verdict.INVALID); // a key revoked since: accepted until its minute is up
        assertThat(c.check("good")).isEqualTo(Verdict.INVALID);
        assertThat(asked).containsExactly("good", "bad", "down", "down", "bad", "good");
    }

    @Test
    void a_flood_of_distinct_keys_keeps_the_cache_bounded() {
        ManagerKeyCheck c = check(50);
        for (int i = 0; i < 1000; i++) {
            answers.put("k" + i, Verdict.INVALID);
            c.check("k" + i);
            assertThat(c.size()).isLessThanOrEqualTo(50);
        }
    }
}
