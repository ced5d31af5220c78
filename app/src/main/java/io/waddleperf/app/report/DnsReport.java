package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.List;
import java.util.Locale;

/** {@code dns}: dig's sections: status, question, answer records, query time and server. */
final class DnsReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        List<Raw> answers = raw.list("answers");
        String rcode = raw.has("rcode") ? raw.str("rcode") : "?";
        String status = "NOERROR".equals(rcode) ? rcode : s.warn(rcode);
        page.line(";; status: " + status + (raw.flag("authoritative") ? ", flags: aa" : "") + "; ANSWER: " + answers.size());
        page.blank().line(s.bold(";; QUESTION SECTION:"));
        page.line(";" + raw.str("query_name") + "\t\tIN\t" + raw.str("query_type"));
        page.blank().line(s.bold(";; ANSWER SECTION:"));
        if (answers.isEmpty()) {
            page.line(s.dim(";; (no records)"));
        } else {
            Table t = new Table(false, true, false, false, false).gap("\t");
            for (Raw a : answers) {
                t.row(a.str("name"), a.str("ttl"), "IN", a.str("type"), a.str("data"));
            }
            page.table(t);
        }
        page.blank();
        long queries = r.packetsSent() == null ? 1 : r.packetsSent();
        double time = r.dnsMs() != null ? r.dnsMs() : r.latencyMs() == null ? 0 : r.latencyMs();
        if (queries > 1) {
            String spread = r.minLatencyMs() == null ? "" : "; min/avg/max/mdev = " + Latency.values(r);
            page.line(";; Query time: " + Units.ms(time) + " (mean of " + r.packetsReceived() + " answered of " + queries
                    + " queries" + spread + ")");
        } else {
            page.line(";; Query time: " + Units.ms(time));
        }
        String transport = raw.has("transport") ? raw.str("transport").toUpperCase(Locale.ROOT) : "UDP";
        String server = r.targetIp() != null ? r.targetIp() : r.targetHost();
        page.line(";; SERVER: " + server + "#" + (r.targetPort() == null ? 53 : r.targetPort()) + " (" + transport + ")"
                + (raw.flag("truncated_udp") ? ", truncated over UDP" : ""));
        List<Raw> attempts = raw.list("attempts");
        if (!attempts.isEmpty() && attempts.getLast().has("response_bytes")) {
            page.line(";; MSG SIZE  rcvd: " + attempts.getLast().integer("response_bytes"));
        }
    }
}
