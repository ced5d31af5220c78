package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.MutableClock;
import io.waddleperf.manager.stats.LatencyHistogram;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statistics routes over real HTTP on both databases: summaries from rollups agree with the exact ones from raw
 * results (counts exactly, percentiles within the histogram's 1 %), groupings and filters, time series, the device
 * view, and every limit answered 400 naming its parameter.
 */
class StatisticsIT {

    private static final Instant NOW = Instant.parse("2026-06-10T12:30:20Z");

    static ProbeResult result(Random rnd, String target, TestType type, String serial, Instant at) {
        boolean ok = rnd.nextInt(10) != 0;
        return ProbeResult.builder().id(UuidV7.next()).testType(type).target(target).startedAt(at).durationMs(3.0)
                .success(ok).error(ok ? null : "timeout: no answer").source(Source.AGENT)
                .device(new Device(serial, "host-" + serial, null, null, null, null))
                .latencyMs(ok ? Math.exp(rnd.nextGaussian() + 3) : null)
                .packetLossPercent(ok ? (double) rnd.nextInt(5) : 100.0).build();
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void summaries_time_series_and_device_views_come_from_rollups_and_agree_with_the_raw_results(Kind kind) {
        MutableClock clock = new MutableClock(NOW);
        try (Harness m = Harness.start(kind, Map.of(), clock)) {
            String admin = m.adminLogin();
            Random rnd = new Random(3);
            List<ProbeResult> all = new ArrayList<>();
            for (int b = 0; b < 4; b++) {
                List<ProbeResult> batch = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    // the last three days, two targets, two types, three devices
                    Instant at = NOW.minusSeconds(1 + rnd.nextInt(3 * 86_400));
                    batch.add(result(rnd, "tcp://t" + rnd.nextInt(2) + ":80", rnd.nextBoolean() ? TestType.TCP : TestType.ICMP,
                            "SN-" + rnd.nextInt(3), at));
                }
                Answer a = m.call("POST", "/api/v1/results", admin, batch);
                assertThat(a.status()).as(a.toString()).isEqualTo(201);
                all.addAll(batch);
            }
            String range = "from=" + NOW.minus(Duration.ofDays(3)) + "&to=" + NOW;
            JsonNode rolled = ok(m.call("GET", "/api/v1/statistics/summary?" + range, admin, null));
            JsonNode exact = ok(m.call("GET", "/api/v1/statistics/summary?exact=true&" + range, admin, null));
            assertThat(rolled.get("from").asText()).isEqualTo(NOW.minus(Duration.ofDays(3)).minusSeconds(20).toString());
            assertThat(rolled.get("to").asText()).isEqualTo(NOW.plusSeconds(40).toString());
            assertThat(rolled.get("resolution").toString()).isEqualTo("[\"minute\",\"hour\",\"day\"]");
            assertThat(exact.get("resolution").toString()).isEqualTo("[\"raw\"]");
            JsonNode rg = rolled.get("groups");
            JsonNode eg = exact.get("groups");
            assertThat(rg).hasSize(4);
            assertThat(eg).hasSize(4);
            long total = 0;
            for (int i = 0; i < 4; i++) {
                JsonNode r = rg.get(i);
                JsonNode e = eg.get(i);
                assertThat(r.get("target")).isEqualTo(e.get("target"));
                assertThat(r.get("test_type")).isEqualTo(e.get("test_type"));
                for (String f : List.of("count", "success_count", "latency_samples")) {
                    assertThat(r.get(f).asLong()).as(f).isEqualTo(e.get(f).asLong());
                }
                for (String f : List.of("success_rate", "mean_latency_ms", "min_latency_ms", "max_latency_ms", "mean_packet_loss_percent")) {
                    assertThat(r.get(f).asDouble()).as(f).isCloseTo(e.get(f).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
                }
                for (String f : List.of("p50_latency_ms", "p95_latency_ms", "p99_latency_ms")) {
                    double x = e.get(f).asDouble();
                    assertThat(Math.abs(r.get(f).asDouble() - x)).as(f).isLessThanOrEqualTo(x * LatencyHistogram.RELATIVE_ACCURACY * 1.000001);
                }
                total += r.get("count").asLong();
            }
            assertThat(total).isEqualTo(all.size());

            // per test type (read from the per-OU-and-type rollups for the whole hours and days): the per-target
            // groups added up per type
            JsonNode perType = ok(m.call("GET", "/api/v1/statistics/summary?group_by=test_type&" + range, admin, null))
                    .get("groups");
            assertThat(perType).hasSize(2);
            for (JsonNode t : perType) {
                long n = 0;
                long successes = 0;
                long samples = 0;
                double min = Double.MAX_VALUE;
                double max = 0;
                for (JsonNode r : rg) {
                    if (r.get("test_type").equals(t.get("test_type"))) {
                        n += r.get("count").asLong();
                        successes += r.get("success_count").asLong();
                        samples += r.get("latency_samples").asLong();
                        min = Math.min(min, r.get("min_latency_ms").asDouble());
                        max = Math.max(max, r.get("max_latency_ms").asDouble());
                    }
                }
                assertThat(t.get("count").asLong()).isEqualTo(n);
                assertThat(t.get("success_count").asLong()).isEqualTo(successes);
                assertThat(t.get("latency_samples").asLong()).isEqualTo(samples);
                assertThat(t.get("min_latency_ms").asDouble()).isEqualTo(min);
                assertThat(t.get("max_latency_ms").asDouble()).isEqualTo(max);
            }

            // one target, whole and per type (read from the per-OU-target-and-type rollups for the whole hours and
            // days): what the raw results of that target say
            for (String target : List.of("tcp://t0:80", "tcp://t1:80")) {
                String q = "target=" + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8) + "&"
                        + range;
                for (String groupBy : List.of("", "group_by=test_type&")) {
                    JsonNode fromRollups = ok(m.call("GET", "/api/v1/statistics/summary?" + groupBy + q, admin, null))
                            .get("groups");
                    JsonNode fromRaw = ok(m.call("GET", "/api/v1/statistics/summary?exact=true&" + groupBy + q, admin,
                            null)).get("groups");
                    assertThat(fromRollups).hasSameSizeAs(fromRaw).isNotEmpty();
                    for (int i = 0; i < fromRaw.size(); i++) {
                        for (String f : List.of("count", "success_count", "latency_samples")) {
                            assertThat(fromRollups.get(i).get(f).asLong()).as(target + " " + groupBy + f)
                                    .isEqualTo(fromRaw.get(i).get(f).asLong());
                        }
                        for (String f : List.of("min_latency_ms", "max_latency_ms")) {
                            assertThat(fromRollups.get(i).get(f).asDouble()).as(target + " " + groupBy + f)
                                    .isEqualTo(fromRaw.get(i).get(f).asDouble());
                        }
                    }
                }
            }

            // the busiest two of the four groups, in group order, and what the others hold
            JsonNode top = ok(m.call("GET", "/api/v1/statistics/summary?limit=2&" + range, admin, null));
            List<JsonNode> busiest = new ArrayList<>();
            rg.forEach(busiest::add);
            busiest.sort(java.util.Comparator.comparingLong((JsonNode g) -> g.get("count").asLong()).reversed());
            List<JsonNode> expected = new ArrayList<>(busiest.subList(0, 2));
            expected.sort(java.util.Comparator.comparingInt(g -> indexIn(rg, g)));
            assertThat(top.get("groups")).containsExactlyElementsOf(expected);
            assertThat(top.get("group_count").asInt()).isEqualTo(4);
            assertThat(top.get("others").get("groups").asInt()).isEqualTo(2);
            assertThat(top.get("others").get("count").asLong()).isEqualTo(busiest.get(2).get("count").asLong()
                    + busiest.get(3).get("count").asLong());
            assertThat(top.get("others").get("success_count").asLong()).isEqualTo(busiest.get(2).get("success_count")
                    .asLong() + busiest.get(3).get("success_count").asLong());

            // grouped by device, filtered by type and target
            JsonNode byDevice = ok(m.call("GET", "/api/v1/statistics/summary?group_by=device&test_type=icmp&target=tcp://t1:80&"
                    + range, admin, null)).get("groups");
            assertThat(byDevice).hasSize(3);
            assertThat(byDevice.get(0).get("device_serial").asText()).isEqualTo("SN-0");
            assertThat(byDevice.get(0).has("target")).isFalse();
            long pingT1 = all.stream().filter(r -> r.testType() == TestType.ICMP && r.target().equals("tcp://t1:80")).count();
            long sum = 0;
            for (JsonNode g : byDevice) {
                sum += g.get("count").asLong();
            }
            assertThat(sum).isEqualTo(pingT1);

            // time series: hourly points add up to the summary
            JsonNode ts = ok(m.call("GET", "/api/v1/statistics/timeseries?interval=1h&group_by=test_type&" + range, admin, null));
            assertThat(ts.get("interval_seconds").asLong()).isEqualTo(3600);
            assertThat(ts.get("resolution").asText()).isEqualTo("hour");
            assertThat(ts.get("series")).hasSize(2);
            long points = 0;
            long counted = 0;
            for (JsonNode s : ts.get("series")) {
                for (JsonNode p : s.get("points")) {
                    points++;
                    counted += p.get("count").asLong();
                    assertThat(Instant.parse(p.get("time").asText()).getEpochSecond() % 3600).isZero();
                }
            }
            assertThat(counted).isEqualTo(all.size());
            assertThat(points).isBetween(140L, 146L);
            JsonNode auto = ok(m.call("GET", "/api/v1/statistics/timeseries?" + range, admin, null));
            assertThat(auto.get("interval").asText()).isEqualTo("15m");
            JsonNode minutes = ok(m.call("GET", "/api/v1/statistics/timeseries?interval=5m&from=" + NOW.minusSeconds(3600), admin, null));
            assertThat(minutes.get("resolution").asText()).isEqualTo("minute");

            // one device: its groups and newest results
            JsonNode dev = ok(m.call("GET", "/api/v1/statistics/device/SN-2?limit=5&" + range, admin, null));
            assertThat(dev.get("device_serial").asText()).isEqualTo("SN-2");
            assertThat(dev.get("recent")).hasSize(5);
            for (JsonNode r : dev.get("recent")) {
                assertThat(r.get("device").get("serial").asText()).isEqualTo("SN-2");
            }
            assertThat(dev.get("groups")).hasSize(4);
            assertField(m.call("GET", "/api/v1/statistics/device/SN-9", admin, null), 404, "serial");
            JsonNode recent = ok(m.call("GET", "/api/v1/statistics/recent?device=SN-1&test_type=tcp&limit=1000", admin, null));
            assertThat(recent.size()).isEqualTo((int) all.stream().filter(r -> r.testType() == TestType.TCP
                    && r.device().serial().equals("SN-1")).count());
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_daily_series_reads_day_rows_inside_and_finer_rows_at_the_edges_and_equals_the_exact_figures(Kind kind) {
        MutableClock clock = new MutableClock(NOW);
        try (Harness m = Harness.start(kind, Map.of(), clock)) {
            String admin = m.adminLogin();
            Random rnd = new Random(11);
            List<ProbeResult> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                // eight days, so some results lie before the requested week inside its first day
                Instant at = NOW.minusSeconds(1 + rnd.nextInt(8 * 86_400));
                batch.add(result(rnd, "tcp://t" + rnd.nextInt(2) + ":80", rnd.nextBoolean() ? TestType.TCP : TestType.ICMP,
                        "SN-" + rnd.nextInt(3), at));
            }
            Answer a = m.call("POST", "/api/v1/results", admin, batch);
            assertThat(a.status()).as(a.toString()).isEqualTo(201);
            Instant weekAgo = NOW.minus(Duration.ofDays(7));
            JsonNode ts = ok(m.call("GET", "/api/v1/statistics/timeseries?interval=1d&group_by=test_type&from=" + weekAgo
                    + "&to=" + NOW, admin, null));
            assertThat(ts.get("resolution").asText()).isEqualTo("day");
            assertThat(ts.get("resolutions").toString()).isEqualTo("[\"minute\",\"hour\",\"day\"]");
            // the edges are cut at whole hours (the minute rollups of a week ago are past their 7 days) and whole
            // minutes, not widened to whole days
            Instant coveredFrom = Instant.parse(ts.get("covered_from").asText());
            Instant coveredTo = Instant.parse(ts.get("covered_to").asText());
            assertThat(coveredFrom).isEqualTo(weekAgo.minusSeconds(30 * 60 + 20));
            assertThat(coveredTo).isEqualTo(NOW.plusSeconds(40));
            long inRange = batch.stream().filter(r -> !r.startedAt().isBefore(coveredFrom)
                    && r.startedAt().isBefore(coveredTo)).count();
            assertThat(inRange).isLessThan(batch.size());
            long counted = 0;
            int points = 0;
            for (JsonNode s : ts.get("series")) {
                for (JsonNode p : s.get("points")) {
                    points++;
                    Instant start = Instant.parse(p.get("time").asText());
                    Instant from = start.isBefore(coveredFrom) ? coveredFrom : start;
                    Instant end = start.plus(Duration.ofDays(1));
                    Instant to = end.isAfter(coveredTo) ? coveredTo : end;
                    JsonNode groups = ok(m.call("GET", "/api/v1/statistics/summary?exact=true&group_by=test_type&test_type="
                            + s.get("test_type").asText() + "&from=" + from + "&to=" + to, admin, null)).get("groups");
                    assertThat(groups).hasSize(1);
                    JsonNode e = groups.get(0);
                    for (String f : List.of("count", "success_count", "latency_samples")) {
                        assertThat(p.get(f).asLong()).as(start + " " + f).isEqualTo(e.get(f).asLong());
                    }
                    for (String f : List.of("success_rate", "mean_latency_ms", "min_latency_ms", "max_latency_ms",
                            "mean_packet_loss_percent")) {
                        assertThat(p.get(f).asDouble()).as(start + " " + f).isCloseTo(e.get(f).asDouble(),
                                org.assertj.core.data.Offset.offset(1e-9));
                    }
                    for (String f : List.of("p50_latency_ms", "p95_latency_ms", "p99_latency_ms")) {
                        double x = e.get(f).asDouble();
                        assertThat(Math.abs(p.get(f).asDouble() - x)).as(start + " " + f)
                                .isLessThanOrEqualTo(x * LatencyHistogram.RELATIVE_ACCURACY * 1.000001);
                    }
                    counted += p.get("count").asLong();
                }
            }
            assertThat(points).isEqualTo(2 * 8);
            assertThat(counted).isEqualTo(inRange);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void every_limit_is_a_400_naming_its_parameter(Kind kind) {
        MutableClock clock = new MutableClock(NOW);
        try (Harness m = Harness.start(kind, Map.of(), clock)) {
            String admin = m.adminLogin();
            Random rnd = new Random(5);
            List<ProbeResult> batch = new ArrayList<>();
            for (int i = 0; i <= StatisticsApi.MAX_SERIES; i++) {
                batch.add(result(rnd, "tcp://target-" + i + ":80", TestType.TCP, "SN-1", NOW.minusSeconds(60)));
            }
            assertThat(m.call("POST", "/api/v1/results", admin, batch).status()).isEqualTo(201);
            String s = "/api/v1/statistics/";
            assertField(m.call("GET", s + "summary?group_by=target,colour", admin, null), 400, "group_by");
            assertField(m.call("GET", s + "summary?from=2020-01-01T00:00:00Z", admin, null), 400, "from");
            assertField(m.call("GET", s + "summary?exact=true&from=" + NOW.minus(Duration.ofDays(40)), admin, null), 400, "exact");
            assertField(m.call("GET", s + "summary?exact=yes", admin, null), 400, "exact");
            assertField(m.call("GET", s + "summary?device=" + "x".repeat(256), admin, null), 400, "device");
            assertField(m.call("GET", s + "timeseries?interval=2m", admin, null), 400, "interval");
            // one-minute points over two days: too many
            assertField(m.call("GET", s + "timeseries?interval=1m&from=" + NOW.minus(Duration.ofDays(2)), admin, null), 400, "interval");
            // minute rollups of a month ago are gone
            assertField(m.call("GET", s + "timeseries?interval=15m&from=" + NOW.minus(Duration.ofDays(30))
                    + "&to=" + NOW.minus(Duration.ofDays(29)), admin, null), 400, "interval");
            // 101 targets are more series than a chart takes; grouped by type they are one
            assertField(m.call("GET", s + "timeseries", admin, null), 400, "group_by");
            assertThat(ok(m.call("GET", s + "timeseries?group_by=test_type", admin, null)).get("series")).hasSize(1);
            assertField(m.call("GET", s + "device/SN-1?limit=1001", admin, null), 400, "limit");
            assertField(m.call("GET", s + "summary?limit=0", admin, null), 400, "limit");
            // 101 targets: a summary ranks them and answers the busiest
            JsonNode ranked = ok(m.call("GET", s + "summary?limit=10", admin, null));
            assertThat(ranked.get("groups")).hasSize(10);
            assertThat(ranked.get("group_count").asInt()).isEqualTo(StatisticsApi.MAX_SERIES + 1);
        }
    }

    private static int indexIn(JsonNode array, JsonNode element) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).equals(element)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode ok(Answer a) {
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }
}
