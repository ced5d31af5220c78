package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultRepository.ExportRow;
import io.waddleperf.manager.store.ResultScope;
import io.waddleperf.manager.store.RollupRepository.Filter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/export/results?format=csv|json&from=&to=&device=&target=&test_type=&limit=}: the results in the
 * caller's scope started in {@code [from, to)}, oldest first, as CSV (one row per result, the indexed columns) or as a
 * JSON array of the stored result objects. The answer is streamed page by page (each page its own short query), so
 * neither the manager's memory nor a database connection is held by a slow client; it is bounded by {@code limit}
 * (default and most {@link #MAX_ROWS}) and a range of at most {@link #MAX_RANGE}. Headers go out before the rows, so
 * the answer states its limit up front in {@code X-Export-Limit}: a client that got that many rows asks again with
 * {@code from} set to the last row's start time.
 *
 * <p>CSV follows RFC 4180 (fields with a comma, quote or line break are quoted, quotes doubled) and guards against
 * formula injection: a text cell starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return
 * gets a leading {@code '}, so a spreadsheet shows it as text instead of running it (OWASP "CSV Injection").
 */
public final class ExportApi {

    static final String PATH = "/api/v1/export/results";
    static final int MAX_ROWS = 100_000;
    static final Duration MAX_RANGE = Duration.ofDays(400);
    static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    static final int PAGE = 1000;
    static final List<String> CSV_COLUMNS = List.of("id", "started_at", "test_type", "target", "target_host",
            "target_ip", "success", "error", "tier", "source", "device_serial", "device_hostname", "duration_ms",
            "latency_ms", "jitter_ms", "packet_loss_percent", "throughput_mbps", "ou_id");

    private final ResultRepository results;
    private final Requests requests;
    private final InstantSource clock;

    public ExportApi(ResultRepository results, Requests requests, InstantSource clock) {
        this.results = results;
        this.requests = requests;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(PATH, this::export);
    }

    private void export(Context ctx) throws IOException {
        Principal p = requests.caller(ctx);
        String format = ctx.queryParam("format") == null ? "csv" : ctx.queryParam("format");
        if (!format.equals("csv") && !format.equals("json")) {
            throw ApiException.badRequest("format", "must be csv or json, got '" + format + "'");
        }
        Instant to = Requests.timeParam(ctx, "to", clock.instant());
        Instant from = Requests.timeParam(ctx, "from", to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from", "must be before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw ApiException.badRequest("from", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        int limit = Requests.intParam(ctx, "limit", MAX_ROWS, 1, MAX_ROWS);
        Filter filter = StatisticsApi.filter(ctx);
        ResultScope scope = Scopes.of(p);
        // the first page is read before anything is sent, so a database failure still gets a proper error answer
        List<ExportRow> page = results.exportPage(scope, filter, from, to, null, null, Math.min(PAGE, limit));
        boolean csv = format.equals("csv");
        ctx.status(200);
        ctx.header("X-Export-Limit", Integer.toString(limit));
        ctx.header("Content-Disposition", "attachment; filename=\"waddleperf-results." + format + "\"");
        ctx.contentType(csv ? "text/csv; charset=utf-8" : "application/json");
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
        if (csv) {
            out.write(String.join(",", CSV_COLUMNS));
            out.write("\r\n");
        } else {
            out.write('[');
        }
        int written = 0;
        while (!page.isEmpty()) {
            for (ExportRow r : page) {
                if (csv) {
                    writeCsv(out, r);
                } else {
                    out.write(written == 0 ? "\n" : ",\n");
                    out.write(r.document());
                }
                written++;
            }
            if (page.size() < PAGE || written >= limit) {
                break;
            }
            ExportRow last = page.getLast();
            page = results.exportPage(scope, filter, from, to, last.startedAt(), last.id(), Math.min(PAGE, limit - written));
        }
        if (!csv) {
            out.write("\n]\n");
        }
        out.flush();
    }

    private static void writeCsv(Writer out, ExportRow r) throws IOException {
        Object[] cells = {r.id(), r.startedAt(), r.testType(), r.target(), r.targetHost(), r.targetIp(), r.success(),
                r.error(), r.tier(), r.source(), r.deviceSerial(), r.deviceHostname(), r.durationMs(), r.latencyMs(),
                r.jitterMs(), r.packetLossPercent(), r.throughputMbps(), r.ouId()};
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            Object c = cells[i];
            if (c instanceof String s) {
                out.write(csvText(s));
            } else if (c != null) {
                // numbers, booleans, ids and times we wrote ourselves: never quoted, never guarded
                out.write(c instanceof UUID || c instanceof Instant || c instanceof Boolean || c instanceof Integer
                        ? c.toString() : number((Double) c));
            }
        }
        out.write("\r\n");
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** One text cell: formula-guarded, then quoted when it must be (RFC 4180). */
    static String csvText(String s) {
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
