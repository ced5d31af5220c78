package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code GET /api/v1/export/results}: CSV with its escaping and formula guard, JSON, paging, bounds. */
class ExportIT {

    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void csv_quotes_what_needs_quoting_and_guards_formulas_and_json_holds_the_stored_objects(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            List<ProbeResult> batch = new ArrayList<>();
            // host names a device reports about itself: anyone who can submit a result can pick them
            String[] names = {"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)", "a, \"b\"\nc", "plain"};
            for (int i = 0; i < names.length; i++) {
                boolean ok = i != 4;
                batch.add(ManagerApiIT.result("tcp://host-" + i + ":80", T.plusSeconds(i), ok, ok ? 1.25 : null).toBuilder()
                        .error(ok ? null : "refused: twice, \"really\"")
                        .device(new Device("=cmd|' /C calc'!A0", names[i], null, null, null, null)).build());
            }
            Answer stored = m.call("POST", "/api/v1/results", admin, batch);
            assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
            String range = "from=" + T + "&to=" + T.plusSeconds(60);
            Answer csv = m.call("GET", "/api/v1/export/results?" + range, admin, null);
            assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            assertThat(csv.headers().firstValue("X-Export-Limit")).contains("100000");
            List<List<String>> rows = parseCsv(csv.body());
            assertThat(rows.getFirst()).isEqualTo(ExportApi.CSV_COLUMNS);
            assertThat(rows).hasSize(1 + names.length);
            int host = ExportApi.CSV_COLUMNS.indexOf("device_hostname");
            int error = ExportApi.CSV_COLUMNS.indexOf("error");
            int serial = ExportApi.CSV_COLUMNS.indexOf("device_serial");
            assertThat(rows.get(1).get(host)).isEqualTo("'=HYPERLINK(\"http://x\",\"y\")");
            assertThat(rows.get(2).get(host)).isEqualTo("'+1+1");
            assertThat(rows.get(3).get(host)).isEqualTo("'-2");
            assertThat(rows.get(4).get(host)).isEqualTo("'@SUM(A1)");
            assertThat(rows.get(5).get(host)).isEqualTo("a, \"b\"\nc");
            assertThat(rows.get(5).get(error)).isEqualTo("refused: twice, \"really\"");
            assertThat(rows.get(6).get(host)).isEqualTo("plain");
            assertThat(rows.get(6).get(error)).isEmpty();
            assertThat(rows.get(6).get(ExportApi.CSV_COLUMNS.indexOf("latency_ms"))).isEqualTo("1.25");
            assertThat(rows.get(1).get(serial)).isEqualTo("'=cmd|' /C calc'!A0");
            assertThat(rows.get(1).get(0)).isEqualTo(batch.get(0).id().toString());
            for (List<String> r : rows.subList(1, rows.size())) {
                for (String cell : r) {
                    assertThat(cell).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("@");
                }
            }

            Answer json = m.call("GET", "/api/v1/export/results?format=json&" + range, admin, null);
            assertThat(json.status()).isEqualTo(200);
            JsonNode arr = json.json();
            assertThat(arr).hasSize(names.length);
            for (int i = 0; i < names.length; i++) {
                assertThat(io.waddleperf.core.result.Json.readResult(arr.get(i).toString())).isEqualTo(batch.get(i));
            }
            assertField(m.call("GET", "/api/v1/export/results?format=xlsx", admin, null), 400, "format");
            assertField(m.call("GET", "/api/v1/export/results?limit=100001", admin, null), 400, "limit");
            assertField(m.call("GET", "/api/v1/export/results?from=2020-01-01T00:00:00Z", admin, null), 400, "from");
            assertField(m.call("GET", "/api/v1/export/results?to=2020-01-01T00:00:00Z&from=2021-01-01T00:00:00Z", admin, null), 400, "from");
        }
    }

    @Test
    void a_long_export_streams_page_after_page_in_order_up_to_its_limit() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            List<ProbeResult> all = new ArrayList<>();
            for (int b = 0; b < 3; b++) {
                List<ProbeResult> batch = new ArrayList<>();
                for (int i = 0; i < 900; i++) {
                    // many share a start time: paging must neither skip nor repeat them
                    batch.add(ManagerApiIT.result("tcp://a:1", T.plusSeconds((b * 900 + i) / 7).truncatedTo(ChronoUnit.SECONDS), true, 1.0));
                }
                assertThat(m.call("POST", "/api/v1/results", admin, batch).status()).isEqualTo(201);
                all.addAll(batch);
            }
            String range = "from=" + T + "&to=" + T.plusSeconds(3600);
            JsonNode json = m.call("GET", "/api/v1/export/results?format=json&" + range, admin, null).json();
            assertThat(json).hasSize(2700);
            List<String> ids = new ArrayList<>();
            json.forEach(n -> ids.add(n.get("id").asText()));
            assertThat(ids).doesNotHaveDuplicates();
            List<String> expected = all.stream().sorted(java.util.Comparator.comparing(ProbeResult::startedAt)
                    .thenComparing(r -> io.waddleperf.manager.store.Uuids.toBytes(r.id()), java.util.Arrays::compareUnsigned))
                    .map(r -> r.id().toString()).toList();
            assertThat(ids).isEqualTo(expected);
            List<List<String>> csv = parseCsv(m.call("GET", "/api/v1/export/results?limit=2100&" + range, admin, null).body());
            assertThat(csv).hasSize(2101);
            assertThat(csv.get(2100).get(0)).isEqualTo(expected.get(2099));
        }
    }

    /** A strict RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                assertThat(cell).as("a quote inside an unquoted field").isEmpty();
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("bare line break").isNotIn('\r', '\n');
                cell.append(c);
            }
        }
        assertThat(quoted).isFalse();
        assertThat(row).isEmpty();
        return rows;
    }
}
