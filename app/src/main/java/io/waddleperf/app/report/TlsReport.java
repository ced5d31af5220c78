package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code tls}: the handshake's cost and what the server's certificate says, as {@code openssl s_client} would show. */
final class TlsReport implements Report {

    /** Certificates expiring sooner than this are worth a look (Let's Encrypt renews at 30 days left). */
    static final int WARN_DAYS = 30;

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        String negotiated = join(r.tlsVersion(), raw.str("cipher"));
        page.line(s.bold(r.target()) + (negotiated.isEmpty() ? "" : "  " + negotiated));
        long attempts = r.packetsSent() == null ? 1 : r.packetsSent();
        String of = attempts > 1 ? "   mean of " + r.packetsReceived() + " handshakes" : "";
        Table t = new Table(false, true).indent("  ");
        if (r.connectMs() != null) {
            t.row("tcp connect", Units.ms(r.connectMs()) + of);
        }
        if (r.tlsMs() != null) {
            t.row("tls handshake", Units.ms(r.tlsMs()) + of);
        }
        page.table(t);
        if (raw.has("tls_library")) {
            // which implementation's handshake was timed: OpenSSL's (as curl's) or the JDK's
            page.line("  handshake by " + raw.str("tls_library"));
        }
        if (attempts > 1) {
            Latency.lines(page, "  " + Latency.summary("connect+handshake", r));
        }
        page.line(s.bold("certificate"));
        Table c = new Table(false, false).indent("  ");
        if (raw.has("cert_subject")) {
            c.row("subject", raw.str("cert_subject"));
        }
        if (raw.has("cert_issuer")) {
            boolean self = raw.str("cert_issuer").equals(raw.str("cert_subject"));
            c.row("issuer", self ? "the subject itself (self-signed)" : raw.str("cert_issuer"));
        }
        if (raw.has("cert_not_before") && raw.has("cert_not_after")) {
            c.row("valid", day(raw.str("cert_not_before")) + " to " + day(raw.str("cert_not_after")));
        }
        if (r.certDaysLeft() != null) {
            int days = r.certDaysLeft();
            c.row(days < 0 ? "expired" : "expires", days < 0 ? Units.count(-days, "day") + " ago" : "in " + Units.count(days, "day"));
            if (days < 0) {
                c.paint(1, s::bad);
            } else if (days < WARN_DAYS) {
                c.paint(1, s::warn);
            }
        }
        if (raw.has("cert_chain_length")) {
            c.row("chain", Units.count(raw.integer("cert_chain_length"), "certificate"));
        }
        if (raw.has("server_name")) {
            c.row("server name", raw.str("server_name"));
        }
        Boolean verified = raw.bool("verified");
        if (verified != null) {
            c.row("verified", verified ? "yes" : "no" + (raw.has("verify_reason") ? ": " + raw.str("verify_reason") : ""));
            c.paint(1, verified ? s::good : s::warn);
        }
        page.table(c);
    }

    /** {@code 2029-03-10 00:03 UTC} from an RFC 3339 instant; the text as given when it is not one. */
    static String day(String instant) {
        try {
            String t = Instant.parse(instant).toString();
            return t.substring(0, 10) + " " + t.substring(11, 16) + " UTC";
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static String join(String a, String b) {
        return a == null ? b == null ? "" : b : b == null ? a : a + ", " + b;
    }
}
