package io.waddleperf.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.trust.TlsTrust;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.Test;

/**
 * Each warm-up path runs to its end: they swallow their failures (a failed warm-up only leaves the first attempt
 * slower), so without this a broken one would go unnoticed.
 */
class HttpWarmupTest {

    @Test
    void every_path_warms_completely() throws Exception {
        TlsTrust trust = TlsTrust.of(TlsClientSpec.DEFAULT);
        OkHttpClient base = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10))
                .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)).retryOnConnectionFailure(false).build();
        MonotonicClock clock = MonotonicClock.SYSTEM;
        for (boolean[] path : new boolean[][] {{false, false}, {true, true}, {true, false}}) {
            HttpWarmup.warm(base, path[0], path[1], trust, clock);
            assertThat(HttpWarmup.warmed(path[0], path[1])).as("https=%s openssl=%s", path[0], path[1]).isTrue();
        }
        // the base client offers h2, so an https warm-up ran OkHttp's HTTP/2 path too
        assertThat(HttpWarmup.warmedHttp2()).isTrue();
    }
}
