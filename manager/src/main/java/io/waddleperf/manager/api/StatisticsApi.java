package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.stats.Percentiles;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultRepository.MetricRow;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/v1/statistics/recent?limit=} (the newest results in scope, as the original manager's path) and
 * {@code GET /api/v1/statistics/summary?from=&to=} (per target and test type over {@code [from, to)}: count,
 * success rate, latency p50/p95/p99 of the results' mean latencies, mean loss and throughput). Percentiles are
 * Hyndman &amp; Fan definition 7, as everywhere in WaddlePerf (docs/RESULTS.md).
 */
public final class StatisticsApi {

    static final String BASE = "/api/v1/statistics";
    /** Default and longest summary range. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    static final Duration MAX_RANGE = Duration.ofDays(400);

    private final ResultRepository results;
    private final Requests requests;
    private final InstantSource clock;

    public StatisticsApi(ResultRepository results, Requests requests, InstantSource clock) {
        this.results = results;
        this.requests = requests;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE + "/recent", this::recent);
        routes.get(BASE + "/summary", this::summary);
    }

    private void recent(Context ctx) {
        Principal p = requests.caller(ctx);
        int limit = Requests.intParam(ctx, "limit", ResultsApi.DEFAULT_LIMIT, 1, ResultsApi.MAX_LIMIT);
        ResultsApi.writeDocuments(ctx, results.recent(Scopes.of(p), limit));
    }

    private void summary(Context ctx) {
        Principal p = requests.caller(ctx);
        Instant to = Requests.timeParam(ctx, "to", clock.instant());
        Instant from = Requests.timeParam(ctx, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from", "must be before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ApiException.badRequest("from", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        List<Group> groups = new ArrayList<>();
        Group[] current = {null};
        // rows come ordered by target and type, so one group is open at a time
        results.metricsBetween(Scopes.of(p), from, to, row -> {
            if (current[0] == null || !current[0].matches(row)) {
                current[0] = new Group(row.target(), row.testType());
                groups.add(current[0]);
            }
            current[0].add(row);
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", from);
        answer.put("to", to);
        answer.put("groups", groups.stream().map(Group::summary).toList());
        ctx.json(answer);
    }

    /** The running figures of one target and test type. */
    private static final class Group {
        private final String target;
        private final String testType;
        private long count;
        private long successes;
        private double[] latencies = new double[16];
        private int latencyCount;
        private double lossSum;
        private long lossCount;
        private double throughputSum;
        private long throughputCount;

        Group(String target, String testType) {
            this.target = target;
            this.testType = testType;
        }

        boolean matches(MetricRow row) {
            return Objects.equals(target, row.target()) && Objects.equals(testType, row.testType());
        }

        void add(MetricRow row) {
            count++;
            if (row.success()) {
                successes++;
            }
            if (row.latencyMs() != null && Double.isFinite(row.latencyMs())) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = row.latencyMs();
            }
            if (row.packetLossPercent() != null) {
                lossSum += row.packetLossPercent();
                lossCount++;
            }
            if (row.throughputMbps() != null) {
                throughputSum += row.throughputMbps();
                throughputCount++;
            }
        }

        Map<String, Object> summary() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("target", target);
            s.put("test_type", testType);
            s.put("count", count);
            s.put("success_count", successes);
            s.put("success_rate", count == 0 ? null : (double) successes / count);
            s.put("latency_samples", latencyCount);
            if (latencyCount > 0) {
                double[] sorted = Arrays.copyOf(latencies, latencyCount);
                Arrays.sort(sorted);
                s.put("p50_latency_ms", Percentiles.of(sorted, 50));
                s.put("p95_latency_ms", Percentiles.of(sorted, 95));
                s.put("p99_latency_ms", Percentiles.of(sorted, 99));
            }
            if (lossCount > 0) {
                s.put("mean_packet_loss_percent", lossSum / lossCount);
            }
            if (throughputCount > 0) {
                s.put("mean_throughput_mbps", throughputSum / throughputCount);
            }
            return s;
        }
    }
}
