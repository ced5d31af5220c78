package io.waddleperf.manager.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.BulkFill;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.Uuids;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scale benchmark's bulk fill stores what the realistic path stores: a small fleet's weeks loaded once through
 * {@code ResultRepository.store} with the manager's folder folding the deltas, once through {@link BulkFill}, into two
 * fresh databases, give the same results rows and the same rollup rows in every tier and per-type table, row by row.
 * Ids differ (the OUs, users and devices are enrolled anew in each database and results get fresh UUIDv7s), so rows
 * are compared with those ids replaced by names; a rollup row's series id is checked against the manager's key of its
 * columns in each database. Counts, extremes and histograms must be equal; sums of doubles equal up to the order of
 * their additions (a fold adds deltas in the order of their random ids, so two store-and-fold loads differ there too).
 */
class ScaleBulkLoadTest {

    private static final String[] ROLLUP_TABLES = {"rollup_minute", "rollup_hour", "rollup_day", "rollup_type_hour",
            "rollup_type_day", "rollup_target_hour", "rollup_target_day"};
    private static final List<String> SUMS = List.of("latency_sum", "loss_sum", "throughput_sum");

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void bulkFillLeavesTheRowsOfStoreAndFold(TestDatabases.Kind kind) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // a denser schedule than the benchmark's (a tier 1 run every ~7 h per series) for day rows of several results,
        // 12 devices of several OUs over the last 24 days (two windows): a few thousand results
        ScaleData data = new ScaleData(15, 20_000_000, now);
        List<Integer> devs = new ArrayList<>();
        for (int d = 0; d < ScaleData.DEVICES; d++) {
            devs.add(d);
        }
        Collections.shuffle(devs, new Random(3));
        devs = new ArrayList<>(devs.subList(0, 12));
        List<long[]> windows = ScaleBench.windows(now.minus(Duration.ofDays(24)), now);
        try (TestDatabases.Fresh a = TestDatabases.fresh(kind); TestDatabases.Fresh b = TestDatabases.fresh(kind)) {
            Snapshot viaStore;
            Snapshot viaBulk;
            try (Harness m = ScaleBench.manager(a.url(), user(a), 6, false)) {
                ScaleBench.Fleet fleet = ScaleBench.enrol(m.db(), data, now, devs);
                long n = ScaleBench.fillStore("store", m.db(), data, fleet, devs, windows, 2, 0);
                assertTrue(n > 2000 && n < 20_000, "a few thousand results: " + n);
                viaStore = snapshot(m.db(), fleet);
            }
            try (Harness m = ScaleBench.manager(b.url(), user(b), 6, false)) {
                ScaleBench.Fleet fleet = ScaleBench.enrol(m.db(), data, now, devs);
                long n = ScaleBench.fillBulk("bulk", m.db(), data, fleet, devs, windows, 2, 0);
                assertEquals(viaStore.results.size(), n);
                viaBulk = snapshot(m.db(), fleet);
            }
            assertEquals(0, viaStore.deltas, "the store path's deltas are all folded");
            assertEquals(0, viaBulk.deltas, "the bulk fill writes no delta");
            assertEquals(viaStore.results.size(), viaBulk.results.size());
            for (int i = 0; i < viaStore.results.size(); i++) {
                assertEquals(viaStore.results.get(i), viaBulk.results.get(i), "results row " + i);
            }
            for (String table : ROLLUP_TABLES) {
                Map<String, double[]> s = viaStore.rollups.get(table);
                Map<String, double[]> k = viaBulk.rollups.get(table);
                assertTrue(s.size() > 100, table + " has rows: " + s.size());
                // the rows one side has and the other lacks, the first few of each (the tables are thousands of rows)
                List<String> onlyStore = s.keySet().stream().filter(r -> !k.containsKey(r)).limit(3).toList();
                List<String> onlyBulk = k.keySet().stream().filter(r -> !s.containsKey(r)).limit(3).toList();
                assertTrue(onlyStore.isEmpty() && onlyBulk.isEmpty() && s.size() == k.size(), table
                        + ": the same rows (all but the sums); only after store and fold: " + onlyStore
                        + "; only after the bulk fill: " + onlyBulk);
                for (Map.Entry<String, double[]> e : s.entrySet()) {
                    double[] x = e.getValue();
                    double[] y = k.get(e.getKey());
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(x[i], y[i], 1e-9 * Math.max(1, Math.abs(x[i])),
                                table + " " + SUMS.get(i) + " of " + e.getKey());
                    }
                }
            }
        }
    }

    private static String user(TestDatabases.Fresh f) {
        return f.user() == null ? "sa" : f.user();
    }

    /**
     * A database's results rows (sorted, ids named) and rollup rows (per table: the row with ids named and sums left
     * out, to its sums).
     */
    private record Snapshot(List<String> results, Map<String, Map<String, double[]>> rollups, long deltas) {
    }

    private static Snapshot snapshot(Database db, ScaleBench.Fleet fleet) {
        Map<UUID, String> names = new HashMap<>();
        for (int o = 0; o < fleet.ous().length; o++) {
            names.put(fleet.ous()[o], "ou-" + o);
            names.put(fleet.users()[o], "user-" + o);
        }
        for (int d = 0; d < fleet.devices().length; d++) {
            if (fleet.devices()[d] != null) {
                names.put(fleet.devices()[d], "device-" + d);
            }
        }
        List<String> results = db.read(h -> h.createQuery("SELECT * FROM results").map((rs, ctx) -> {
            StringBuilder row = new StringBuilder();
            ResultSetMetaData md = rs.getMetaData();
            for (int c = 1; c <= md.getColumnCount(); c++) {
                String col = md.getColumnLabel(c).toLowerCase(java.util.Locale.ROOT);
                if (col.equals("id")) {
                    continue;
                }
                String v = value(rs, c, names);
                if (col.equals("document") && v != null) {
                    // the document's own id is the row's fresh UUIDv7
                    v = v.replaceFirst("\"id\":\"[0-9a-f-]{36}\"", "\"id\":\"*\"");
                }
                row.append(col).append('=').append(v).append(';');
            }
            return row.toString();
        }).list());
        Collections.sort(results);
        Map<String, Map<String, double[]>> rollups = new TreeMap<>();
        for (String table : ROLLUP_TABLES) {
            boolean perType = table.startsWith("rollup_type_");
            boolean perTarget = table.startsWith("rollup_target_");
            Map<String, double[]> rows = new TreeMap<>();
            db.read(h -> h.createQuery("SELECT * FROM " + table).map((rs, ctx) -> {
                UUID ou = uuid(rs.getBytes("ou_id"));
                UUID series = uuid(rs.getBytes("series_id"));
                UUID expected = perType ? BulkFill.typeSeriesId(ou, rs.getString("test_type"))
                        : perTarget ? BulkFill.targetSeriesId(ou, rs.getString("target"), rs.getString("test_type"))
                        : BulkFill.seriesId(ou, uuid(rs.getBytes("submitted_by")), rs.getString("device_serial"),
                        rs.getString("target"), rs.getString("test_type"));
                assertEquals(expected, series, table + ": the series id is the manager's key of the row's columns");
                StringBuilder key = new StringBuilder();
                ResultSetMetaData md = rs.getMetaData();
                double[] sums = new double[SUMS.size()];
                for (int c = 1; c <= md.getColumnCount(); c++) {
                    String col = md.getColumnLabel(c).toLowerCase(java.util.Locale.ROOT);
                    if (SUMS.contains(col)) {
                        sums[SUMS.indexOf(col)] = rs.getDouble(c);
                    } else if (!col.equals("series_id")) {
                        key.append(col).append('=').append(value(rs, c, names)).append(';');
                    }
                }
                rows.put(key.toString(), sums);
                return 1;
            }).list());
            rollups.put(table, rows);
        }
        long deltas = db.read(h -> h.createQuery("SELECT COUNT(*) FROM rollup_delta").mapTo(Long.class).one());
        return new Snapshot(results, rollups, deltas);
    }

    private static UUID uuid(byte[] b) {
        return b == null ? null : Uuids.fromBytes(b);
    }

    /** A column's value as text: ids by name, bytes in hex, numbers and times as the driver gives them. */
    private static String value(ResultSet rs, int c, Map<UUID, String> names) throws java.sql.SQLException {
        Object o = rs.getObject(c);
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] b) {
            if (b.length == 16) {
                UUID id = Uuids.fromBytes(b);
                if (names.containsKey(id)) {
                    return names.get(id);
                }
            }
            return HexFormat.of().formatHex(b);
        }
        if (o instanceof java.sql.Blob blob) {
            return HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
        }
        return o.toString();
    }
}
