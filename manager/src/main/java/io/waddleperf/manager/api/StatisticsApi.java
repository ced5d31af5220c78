package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.stats.Figures;
import io.waddleperf.manager.stats.RangePlan;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultScope;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.RollupRepository.Filter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Statistics over stored results, from the rollups (docs/MANAGER.md, "Statistics"):
 * <ul>
 *   <li>{@code GET /api/v1/statistics/recent?limit=&device=&target=&test_type=}: the newest results in scope (the
 *       original manager's path);</li>
 *   <li>{@code GET /api/v1/statistics/summary?from=&to=&group_by=&device=&target=&test_type=&exact=&limit=}: count,
 *       success rate, latency mean/min/max/p50/p95/p99, loss and throughput per group over a range; with
 *       {@code limit}, only the busiest groups and the count and successes of the others;</li>
 *   <li>{@code GET /api/v1/statistics/timeseries?…&interval=}: the same figures per time bucket, for charts;</li>
 *   <li>{@code GET /api/v1/statistics/device/{serial}?from=&to=&limit=}: one device's summary per target and type and
 *       its newest results.</li>
 * </ul>
 * Every query is limited to the caller's scope. Percentiles from rollups come from merged latency histograms, within
 * 1 % of the exact ones; {@code exact=true} reads the raw results instead (short ranges only).
 */
public final class StatisticsApi {

    static final String BASE = "/api/v1/statistics";
    /** Default and longest summary range. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    static final Duration MAX_RANGE = Duration.ofDays(400);
    /** Longest range read from raw results ({@code exact=true}). */
    static final Duration MAX_EXACT_RANGE = Duration.ofDays(31);
    /** Most groups a summary answers; most series a time series answers. */
    static final int MAX_GROUPS = 1000;
    /**
     * Most groups a summary with {@code limit} adds up before it answers the busiest: enough for every target and type
     * of a fleet of thousands of targets, bounded because each group holds a latency histogram.
     */
    static final int MAX_RANKED_GROUPS = 20_000;
    static final int MAX_SERIES = 100;
    /** Most points per series; {@code interval=auto} aims at no more than {@link #AUTO_POINTS}. */
    static final int MAX_POINTS = 1000;
    static final int AUTO_POINTS = 300;
    /** The intervals a time series may use, each a whole number of buckets of one rollup tier. */
    static final Map<String, Duration> INTERVALS = intervals();
    static final int MAX_SERIAL_CHARS = 255;

    /** What a group is keyed by. */
    enum Dimension {
        TARGET, TEST_TYPE, DEVICE;

        String field() {
            return this == DEVICE ? "device_serial" : name().toLowerCase(Locale.ROOT);
        }
    }

    private final ResultRepository results;
    private final RollupRepository rollups;
    private final Requests requests;
    private final ManagerConfig.Retention retention;
    private final InstantSource clock;

    public StatisticsApi(ResultRepository results, RollupRepository rollups, Requests requests,
                         ManagerConfig.Retention retention, InstantSource clock) {
        this.results = results;
        this.rollups = rollups;
        this.requests = requests;
        this.retention = retention;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE + "/recent", this::recent);
        routes.get(BASE + "/summary", this::summary);
        routes.get(BASE + "/timeseries", this::timeseries);
        routes.get(BASE + "/device/{serial}", this::device);
    }

    private static Map<String, Duration> intervals() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1m", Duration.ofMinutes(1));
        m.put("5m", Duration.ofMinutes(5));
        m.put("15m", Duration.ofMinutes(15));
        m.put("1h", Duration.ofHours(1));
        m.put("6h", Duration.ofHours(6));
        m.put("1d", Duration.ofDays(1));
        m.put("7d", Duration.ofDays(7));
        return m;
    }

    private void recent(Context ctx) {
        Principal p = requests.caller(ctx);
        int limit = Requests.intParam(ctx, "limit", ResultsApi.DEFAULT_LIMIT, 1, ResultsApi.MAX_LIMIT);
        ResultsApi.writeDocuments(ctx, results.recent(Scopes.of(p), filter(ctx), limit));
    }

    /** The requested range: {@code from} and {@code to}, checked; default the last day. */
    private Instant[] range(Context ctx) {
        Instant to = Requests.timeParam(ctx, "to", clock.instant());
        Instant from = Requests.timeParam(ctx, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from", "must be before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ApiException.badRequest("from", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        return new Instant[] {from, to};
    }

    /** The {@code device}, {@code target} and {@code test_type} filters. */
    static Filter filter(Context ctx) {
        return new Filter(textParam(ctx, "device", MAX_SERIAL_CHARS), textParam(ctx, "target",
                ResultRepository.MAX_TARGET_CHARS), textParam(ctx, "test_type", 32));
    }

    static String textParam(Context ctx, String name, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.length() > max) {
            throw ApiException.badRequest(name, "is longer than " + max + " characters");
        }
        return v;
    }

    private static boolean boolParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty() || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw ApiException.badRequest(name, "must be true or false, got '" + v + "'");
    }

    private static List<Dimension> groupBy(Context ctx) {
        String v = ctx.queryParam("group_by");
        if (v == null || v.isEmpty()) {
            return List.of(Dimension.TARGET, Dimension.TEST_TYPE);
        }
        List<Dimension> dims = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            Dimension d = switch (part.strip()) {
                case "target" -> Dimension.TARGET;
                case "test_type" -> Dimension.TEST_TYPE;
                case "device", "device_serial" -> Dimension.DEVICE;
                default -> throw ApiException.badRequest("group_by", "'" + part.strip()
                        + "' is not one of target, test_type, device (comma-separated)");
            };
            if (!dims.contains(d)) {
                dims.add(d);
            }
        }
        dims.sort(null);
        return dims;
    }

    /** A group's key: the values of its dimensions, compared as text with null (no device) first. */
    private record GroupKey(List<String> values) implements Comparable<GroupKey> {
        @Override
        public int compareTo(GroupKey o) {
            for (int i = 0; i < values.size(); i++) {
                int c = Objects.compare(values.get(i), o.values.get(i),
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        static GroupKey of(List<Dimension> dims, String target, String testType, String device) {
            List<String> v = new ArrayList<>(dims.size());
            for (Dimension d : dims) {
                v.add(switch (d) {
                    case TARGET -> target;
                    case TEST_TYPE -> testType;
                    case DEVICE -> device;
                });
            }
            return new GroupKey(v);
        }

        Map<String, Object> describe(List<Dimension> dims) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < dims.size(); i++) {
                m.put(dims.get(i).field(), values.get(i));
            }
            return m;
        }
    }

    /** Groups' figures, refusing more than {@code max} groups. */
    private static final class Groups {
        final TreeMap<GroupKey, Figures> map = new TreeMap<>();
        final int max;
        final boolean exact;

        Groups(int max, boolean exact) {
            this.max = max;
            this.exact = exact;
        }

        Figures get(GroupKey key) {
            Figures f = map.get(key);
            if (f == null) {
                if (map.size() >= max) {
                    throw ApiException.badRequest("group_by", "more than " + max + " groups in this range; narrow it "
                            + "with device, target or test_type, or group by fewer dimensions");
                }
                f = exact ? Figures.exact() : Figures.fromRollups();
                map.put(key, f);
            }
            return f;
        }
    }

    private void summary(Context ctx) {
        Principal p = requests.caller(ctx);
        Instant[] r = range(ctx);
        Filter filter = filter(ctx);
        List<Dimension> dims = groupBy(ctx);
        boolean exact = boolParam(ctx, "exact");
        Integer limit = ctx.queryParam("limit") == null || ctx.queryParam("limit").isEmpty() ? null
                : Requests.intParam(ctx, "limit", MAX_GROUPS, 1, MAX_GROUPS);
        ctx.json(summarize(Scopes.of(p), filter, dims, r[0], r[1], exact, limit));
    }

    /**
     * The summary's answer; {@code limit} (or null: every group, at most {@link #MAX_GROUPS}) keeps the busiest
     * groups (most results; ties in key order), answered in key order, with {@code group_count} (all groups) and
     * {@code others} (count and successes of the groups left out), so totals stay whole.
     */
    private Map<String, Object> summarize(ResultScope scope, Filter filter, List<Dimension> dims, Instant from,
                                          Instant to, boolean exact, Integer limit) {
        Groups groups = new Groups(limit == null ? MAX_GROUPS : MAX_RANKED_GROUPS, exact);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (exact) {
            if (Duration.between(from, to).compareTo(MAX_EXACT_RANGE) > 0) {
                throw ApiException.badRequest("exact", "exact statistics read every raw result, for ranges of at most "
                        + MAX_EXACT_RANGE.toDays() + " days; leave exact out for longer ones");
            }
            results.metricsBetween(scope, filter, from, to, row -> groups.get(GroupKey.of(dims, row.target(),
                    row.testType(), row.deviceSerial())).addResult(row.success(), row.latencyMs(),
                    row.packetLossPercent(), row.throughputMbps()));
            answer.put("from", from);
            answer.put("to", to);
            answer.put("resolution", List.of("raw"));
        } else {
            RangePlan plan = RangePlan.of(from, to, clock.instant(), retention::ofRollups);
            for (RangePlan.Piece piece : plan.pieces()) {
                rollups.scan(piece.tier(), scope, filter, detail(dims), piece.from(), piece.to(), row -> add(groups.get(
                        GroupKey.of(dims, row.target(), row.testType(), row.deviceSerial())), row));
            }
            answer.put("from", plan.from());
            answer.put("to", plan.to());
            answer.put("resolution", plan.resolutions());
        }
        Map<GroupKey, Figures> shown = groups.map;
        if (limit != null) {
            List<Map.Entry<GroupKey, Figures>> ranked = new ArrayList<>(groups.map.entrySet());
            // stable: equal counts stay in key order
            ranked.sort(java.util.Comparator.comparingLong((Map.Entry<GroupKey, Figures> e) -> e.getValue().count())
                    .reversed());
            TreeMap<GroupKey, Figures> top = new TreeMap<>();
            long otherCount = 0;
            long otherSuccesses = 0;
            for (int i = 0; i < ranked.size(); i++) {
                if (i < limit) {
                    top.put(ranked.get(i).getKey(), ranked.get(i).getValue());
                } else {
                    otherCount += ranked.get(i).getValue().count();
                    otherSuccesses += ranked.get(i).getValue().successCount();
                }
            }
            shown = top;
            answer.put("group_count", ranked.size());
            answer.put("others", Map.of("groups", ranked.size() - top.size(), "count", otherCount,
                    "success_count", otherSuccesses));
        }
        List<Map<String, Object>> out = new ArrayList<>(shown.size());
        shown.forEach((key, figures) -> {
            Map<String, Object> g = key.describe(dims);
            figures.writeTo(g);
            out.add(g);
        });
        answer.put("groups", out);
        return answer;
    }

    /**
     * What the rollup rows read must carry: groups by device need the per-series rows; groups by target (and type)
     * need no device, so the per-OU-target-and-type rows may answer, and groups by test type alone (or none) need no
     * target either, so the per-OU-and-type rows may (a few per OU, type and bucket instead of one per device, target
     * and type).
     */
    static RollupRepository.Detail detail(List<Dimension> dims) {
        return dims.contains(Dimension.DEVICE) ? RollupRepository.Detail.SERIES
                : dims.contains(Dimension.TARGET) ? RollupRepository.Detail.TARGET_TYPE
                : RollupRepository.Detail.TEST_TYPE;
    }

    private static void add(Figures f, RollupRepository.Row row) {
        f.addRollup(row.count(), row.successCount(), row.latencyCount(), row.latencySum(), row.latencyMin(),
                row.latencyMax(), row.lossCount(), row.lossSum(), row.throughputCount(), row.throughputSum(),
                row.latencyHistogram());
    }

    private void timeseries(Context ctx) {
        Principal p = requests.caller(ctx);
        Instant[] r = range(ctx);
        Filter filter = filter(ctx);
        List<Dimension> dims = groupBy(ctx);
        Instant now = clock.instant();
        String requested = Objects.requireNonNullElse(ctx.queryParam("interval"), "auto");
        Duration interval;
        if (requested.equals("auto") || requested.isEmpty()) {
            interval = INTERVALS.values().stream()
                    .filter(i -> holds(tierOf(i), r[0], now) && points(r[0], r[1], i) <= AUTO_POINTS)
                    .findFirst().orElse(INTERVALS.get("7d"));
        } else {
            interval = INTERVALS.get(requested);
            if (interval == null) {
                throw ApiException.badRequest("interval", "'" + requested + "' is not one of auto, "
                        + String.join(", ", INTERVALS.keySet()));
            }
            RollupTier tier = tierOf(interval);
            if (!holds(tier, r[0], now)) {
                throw ApiException.badRequest("interval", tier.externalName() + " rollups are kept for "
                        + retention.ofRollups(tier).toDays() + " days (retention." + tier.externalName()
                        + "_rollups); choose a longer interval for a range starting at " + r[0]);
            }
            long n = points(r[0], r[1], interval);
            if (n > MAX_POINTS) {
                throw ApiException.badRequest("interval", "gives " + n + " points per series; at most " + MAX_POINTS
                        + " are answered: choose a longer interval or a shorter range");
            }
        }
        RollupTier tier = tierOf(interval);
        long step = interval.toSeconds();
        Instant from = Instant.ofEpochSecond(Math.floorDiv(r[0].getEpochSecond(), step) * step);
        Instant to = Instant.ofEpochSecond(-Math.floorDiv(-r[1].getEpochSecond(), step) * step);
        // Read as the summary does: the coarsest rows that fit inside the points (day rows for the whole days of a
        // daily chart), finer ones only where the requested range cuts a point, so the edge points hold what the
        // range holds and a long chart reads few rows. Every row read lies inside exactly one point: points are whole
        // multiples of the interval's tier since the epoch, and no row is coarser than that tier.
        RangePlan plan = RangePlan.of(r[0], r[1], now, retention::ofRollups, tier);
        TreeMap<GroupKey, TreeMap<Instant, Figures>> series = new TreeMap<>();
        ResultScope scope = Scopes.of(p);
        for (RangePlan.Piece piece : plan.pieces()) {
            rollups.scan(piece.tier(), scope, filter, detail(dims), piece.from(), piece.to(), row -> {
                GroupKey key = GroupKey.of(dims, row.target(), row.testType(), row.deviceSerial());
                TreeMap<Instant, Figures> points = series.get(key);
                if (points == null) {
                    if (series.size() >= MAX_SERIES) {
                        throw ApiException.badRequest("group_by", "more than " + MAX_SERIES + " series in this range; "
                                + "narrow it with device, target or test_type, or group by fewer dimensions");
                    }
                    points = new TreeMap<>();
                    series.put(key, points);
                }
                Instant bucket = Instant.ofEpochSecond(Math.floorDiv(row.bucketStart().getEpochSecond(), step) * step);
                add(points.computeIfAbsent(bucket, b -> Figures.fromRollups()), row);
            });
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", from);
        answer.put("to", to);
        answer.put("interval", INTERVALS.entrySet().stream().filter(e -> e.getValue().equals(interval))
                .findFirst().orElseThrow().getKey());
        answer.put("interval_seconds", step);
        answer.put("resolution", tier.externalName());
        answer.put("covered_from", plan.from());
        answer.put("covered_to", plan.to());
        answer.put("resolutions", plan.resolutions());
        List<Map<String, Object>> out = new ArrayList<>();
        series.forEach((key, points) -> {
            Map<String, Object> s = key.describe(dims);
            List<Map<String, Object>> ps = new ArrayList<>(points.size());
            points.forEach((t, figures) -> {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("time", t);
                figures.writeTo(point);
                ps.add(point);
            });
            s.put("points", ps);
            out.add(s);
        });
        answer.put("series", out);
        ctx.json(answer);
    }

    /** The tier whose buckets an interval is made of: the coarsest whose bucket divides it. */
    static RollupTier tierOf(Duration interval) {
        RollupTier[] coarseFirst = {RollupTier.DAY, RollupTier.HOUR, RollupTier.MINUTE};
        return Arrays.stream(coarseFirst).filter(t -> interval.toSeconds() % t.size().toSeconds() == 0)
                .findFirst().orElseThrow();
    }

    private boolean holds(RollupTier tier, Instant from, Instant now) {
        return !tier.floor(from).isBefore(now.minus(retention.ofRollups(tier)));
    }

    private static long points(Instant from, Instant to, Duration interval) {
        long step = interval.toSeconds();
        return -Math.floorDiv(-to.getEpochSecond(), step) - Math.floorDiv(from.getEpochSecond(), step);
    }

    private void device(Context ctx) throws java.io.IOException {
        Principal p = requests.caller(ctx);
        String serial = ctx.pathParam("serial");
        if (serial.isEmpty() || serial.length() > MAX_SERIAL_CHARS) {
            throw ApiException.badRequest("serial", "must be 1-" + MAX_SERIAL_CHARS + " characters");
        }
        Instant[] r = range(ctx);
        int limit = Requests.intParam(ctx, "limit", 20, 0, ResultsApi.MAX_LIMIT);
        ResultScope scope = Scopes.of(p);
        // a device outside the caller's scope does not exist for it
        if (!results.hasDevice(scope, serial) && !rollups.hasDevice(RollupTier.DAY, scope, serial)) {
            throw ApiException.notFound("serial", "no results of device " + serial);
        }
        Filter filter = new Filter(serial, textParam(ctx, "target", ResultRepository.MAX_TARGET_CHARS),
                textParam(ctx, "test_type", 32));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("device_serial", serial);
        answer.putAll(summarize(scope, filter, List.of(Dimension.TARGET, Dimension.TEST_TYPE), r[0], r[1], false, null));
        List<Object> recent = new ArrayList<>();
        if (limit > 0) {
            for (ResultRepository.Stored s : results.recent(scope, filter, limit)) {
                recent.add(io.waddleperf.core.result.Json.mapper().readTree(s.document()));
            }
        }
        answer.put("recent", recent);
        ctx.json(answer);
    }
}
