package io.waddleperf.testserver.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private static InetAddress ip(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void allows_a_burst_then_the_rate() throws UnknownHostException {
        SourceRateLimiter l = new SourceRateLimiter(10, 3, 100);
        InetAddress a = ip(1);
        assertThat(l.tryAcquire(a, 0)).isTrue();
        assertThat(l.tryAcquire(a, 0)).isTrue();
        assertThat(l.tryAcquire(a, 0)).isTrue();
        assertThat(l.tryAcquire(a, 0)).isFalse();
        assertThat(l.tryAcquire(a, SECOND / 10)).isTrue();
        assertThat(l.tryAcquire(a, SECOND / 10)).isFalse();
        assertThat(l.tryAcquire(ip(2), SECOND / 10)).as("other sources have their own bucket").isTrue();
    }

    @Test
    void refills_no_more_than_the_burst() throws UnknownHostException {
        SourceRateLimiter l = new SourceRateLimiter(10, 2, 100);
        InetAddress a = ip(1);
        l.tryAcquire(a, 0);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += l.tryAcquire(a, 100 * SECOND) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(2);
    }

    @Test
    void refuses_new_sources_when_full_of_active_ones_and_forgets_idle_ones() throws UnknownHostException {
        SourceRateLimiter l = new SourceRateLimiter(1, 2, 2);
        assertThat(l.tryAcquire(ip(1), 0)).isTrue();
        assertThat(l.tryAcquire(ip(2), 0)).isTrue();
        assertThat(l.tryAcquire(ip(3), 0)).as("table full of active sources: fail closed").isFalse();
        assertThat(l.tryAcquire(ip(3), 5 * SECOND)).as("idle buckets refilled and were forgotten").isTrue();
        assertThat(l.trackedSources()).isEqualTo(1);
    }
}
