package io.waddleperf.testserver.web;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.LoopbackConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client's statistics ({@code js/stats.js}, as the test server serves it) run in headless Chromium give
 * the JVM's {@link LatencyStats} figures for the same samples: one definition per result field whoever computes it.
 */
class BrowserStatsIT {

    private static HeadlessChromium chromium;

    @TempDir
    Path dataDir;

    private TestServer server;
    private BrowserContext context;
    private Page page;

    @BeforeAll
    static void launch() {
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void quit() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", "browser-stats-test-key"));
        context = chromium.browser().newContext();
        page = context.newPage();
        page.navigate("http://127.0.0.1:" + server.httpPort() + "/");
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    static List<List<Double>> sampleSets() {
        List<List<Double>> sets = new ArrayList<>();
        sets.add(List.of(10.0, 20.0, 30.0, 40.0));
        sets.add(List.of(7.5));
        sets.add(List.of(3.3, 3.3, 3.3));
        sets.add(List.of(12.345678, 11.2, 13.9, 12.0001, 40.5, 11.9, 12.1, 12.2, 11.95, 12.05));
        sets.add(List.of(0.0, 0.1, 0.2, 0.3, 1e-4, 5e-7));
        Random random = new Random(20261205);
        List<Double> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // mostly a few ms, a long tail now and then, as real round trips
            double v = 2 + random.nextDouble() * 3 + (random.nextInt(50) == 0 ? random.nextDouble() * 200 : 0);
            many.add(v);
        }
        sets.add(many);
        return sets;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> inBrowser(List<List<Double>> sets) {
        return (List<Map<String, Object>>) page.evaluate("""
                async (sets) => {
                  const m = await import('/js/stats.js');
                  return sets.map((xs) => ({ summary: m.latencySummary(xs), fields: m.latencyStats(xs) }));
                }""", sets);
    }

    private static double num(Map<String, Object> m, String key) {
        assertThat(m).containsKey(key);
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void stats_js_gives_the_jvm_figures_for_the_same_samples() {
        List<List<Double>> sets = sampleSets();
        List<Map<String, Object>> browser = inBrowser(sets);
        assertThat(browser).hasSize(sets.size());
        for (int i = 0; i < sets.size(); i++) {
            double[] samples = sets.get(i).stream().mapToDouble(Double::doubleValue).toArray();
            LatencyStats jvm = LatencyStats.of(samples);
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) browser.get(i).get("summary");
            String set = "sample set " + i;
            assertThat(num(s, "count")).as(set).isEqualTo(jvm.count());
            assertThat(num(s, "minMs")).as(set + " min").isCloseTo(jvm.minMs(), within(1e-9));
            assertThat(num(s, "avgMs")).as(set + " mean").isCloseTo(jvm.avgMs(), within(1e-9));
            assertThat(num(s, "maxMs")).as(set + " max").isCloseTo(jvm.maxMs(), within(1e-9));
            assertThat(num(s, "stddevMs")).as(set + " stddev").isCloseTo(jvm.stddevMs(), within(1e-9));
            assertThat(num(s, "p50Ms")).as(set + " p50").isCloseTo(jvm.p50Ms(), within(1e-9));
            assertThat(num(s, "p95Ms")).as(set + " p95").isCloseTo(jvm.p95Ms(), within(1e-9));
            assertThat(num(s, "p99Ms")).as(set + " p99").isCloseTo(jvm.p99Ms(), within(1e-9));
            assertThat(num(s, "jitterMs")).as(set + " jitter").isCloseTo(jvm.jitterMs(), within(1e-9));
            assertThat(num(s, "ipdvMs")).as(set + " ipdv").isCloseTo(jvm.ipdvMs(), within(1e-9));

            // the posted result fields: the same figures rounded the same way, so they agree exactly
            LatencyStats r = jvm.roundedToMicroseconds();
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) browser.get(i).get("fields");
            assertThat(num(f, "latency_ms")).as(set).isEqualTo(r.avgMs());
            assertThat(num(f, "min_latency_ms")).as(set).isEqualTo(r.minMs());
            assertThat(num(f, "max_latency_ms")).as(set).isEqualTo(r.maxMs());
            assertThat(num(f, "p50_latency_ms")).as(set).isEqualTo(r.p50Ms());
            assertThat(num(f, "p95_latency_ms")).as(set).isEqualTo(r.p95Ms());
            assertThat(num(f, "p99_latency_ms")).as(set).isEqualTo(r.p99Ms());
            assertThat(num(f, "stddev_latency_ms")).as(set).isEqualTo(r.stddevMs());
            assertThat(num(f, "jitter_ms")).as(set).isEqualTo(r.jitterMs());
            assertThat(num(f, "ipdv_ms")).as(set).isEqualTo(r.ipdvMs());
        }
    }

    @Test
    void known_figures_population_stddev_and_interpolated_percentiles() {
        // [10, 20, 30, 40]: population stddev sqrt(125) (not the n - 1 figure sqrt(166.7)); type 7 p50 25, p95 38.5
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) inBrowser(List.of(List.of(10.0, 20.0, 30.0, 40.0)))
                .getFirst().get("summary");
        assertThat(num(s, "stddevMs")).isCloseTo(Math.sqrt(125), within(1e-12));
        assertThat(num(s, "p50Ms")).isEqualTo(25.0);
        assertThat(num(s, "p95Ms")).isEqualTo(38.5);
        assertThat(num(s, "p99Ms")).isCloseTo(39.7, within(1e-12));
        // RFC 3550: three differences of 10 from J = 0: 10/16, then + (10 - J)/16 twice
        double j = 0;
        for (int i = 0; i < 3; i++) {
            j += (10 - j) / 16;
        }
        assertThat(num(s, "jitterMs")).isCloseTo(j, within(1e-12));
        assertThat(num(s, "ipdvMs")).isEqualTo(10.0);
    }

    @Test
    void a_negative_or_non_finite_sample_is_refused_as_in_the_jvm() {
        Object message = page.evaluate("""
                async () => {
                  const m = await import('/js/stats.js');
                  try { m.latencyStats([1, -2]); return 'accepted'; } catch (e) { return e.message; }
                }""");
        assertThat(message).asString().contains("sample 1");
    }
}
