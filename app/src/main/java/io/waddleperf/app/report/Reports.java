package io.waddleperf.app.report;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.text.SafeText;
import java.util.Locale;

/**
 * Renders a result as the report a network engineer would write for its probe type (one {@link Report} per type);
 * a failure is one line that says what went wrong. {@code --json} output does not come through here.
 */
public final class Reports {

    private Reports() {
    }

    /**
     * The report for {@code result}; {@code progressShown} when the run's progress lines are already on the screen.
     * Every text of the result may have come from the network (a banner, a certificate, a DNS name, a peer's error),
     * so the report is made from a copy with each made safe for a terminal ({@link SafeText}).
     */
    public static String render(ProbeResult result, Style style, boolean progressShown) {
        ProbeResult r = SafeText.result(result);
        Page page = new Page(style, progressShown);
        Report report = forType(r);
        if (r.success()) {
            report.render(r, page);
        } else {
            page.line(failureLine(r, style));
            report.afterFailure(r, page);
        }
        return page.toString();
    }

    /** Plain text, nothing shown before. */
    public static String render(ProbeResult r) {
        return render(r, Style.PLAIN, false);
    }

    private static Report forType(ProbeResult r) {
        return switch (r.testType()) {
            case TCP -> new TcpReport();
            case TLS -> new TlsReport();
            case UDP -> new UdpEchoReport();
            case UDP_RAW -> new UdpRawReport();
            case DNS -> new DnsReport();
            case HTTP -> new HttpReport();
            case SSH -> new SshReport();
            case ICMP -> new IcmpReport();
            case TRACEROUTE -> new TraceReport();
            case MTR -> new MtrReport();
            case MTU -> new MtuReport();
            case HTTP_TRACE, TCP_TRACE, UDP_TRACE -> new ServiceTraceReport();
            case IPERF3 -> new Iperf3Report();
            case SPEEDTEST -> new SpeedtestReport();
            case RPM -> new RpmReport();
        };
    }

    /** {@code FAILED tcp://127.0.0.1:1: connection refused}. */
    public static String failureLine(ProbeResult r, Style style) {
        return style.bad("FAILED") + " " + SafeText.line(r.target()) + ": " + SafeText.line(why(r.error()));
    }

    /**
     * An {@code error} in words: the kind as a phrase and the probe's detail, without saying the same thing twice
     * ({@code no_reply: no reply within 2000 ms} reads {@code no reply within 2000 ms}).
     */
    public static String why(String error) {
        if (error == null || error.isBlank()) {
            return "failed";
        }
        int colon = error.indexOf(": ");
        String kind = colon < 0 ? error : error.substring(0, colon);
        String detail = colon < 0 ? null : error.substring(colon + 2).strip();
        String phrase;
        try {
            phrase = phrase(ErrorKind.valueOf(kind.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return error; // not one of ours: say it as it came
        }
        if (detail == null || detail.isEmpty()) {
            return phrase;
        }
        String d = detail.toLowerCase(Locale.ROOT);
        return d.startsWith(phrase.toLowerCase(Locale.ROOT)) || d.startsWith(kind.replace('_', ' ')) ? detail : phrase + ": " + detail;
    }

    private static String phrase(ErrorKind kind) {
        return switch (kind) {
            case TIMEOUT -> "timed out";
            case CONNECTION_REFUSED -> "connection refused";
            case CONNECTION_RESET -> "connection reset";
            case DNS_FAILURE -> "name did not resolve";
            case HOST_UNREACHABLE -> "host unreachable";
            case NETWORK_UNREACHABLE -> "network unreachable";
            case TLS_ERROR -> "TLS failed";
            case SSH_ERROR -> "SSH failed";
            case AUTH_FAILED -> "authentication failed";
            case PROTOCOL_ERROR -> "protocol error";
            case HTTP_ERROR -> "HTTP error";
            case NO_REPLY -> "no reply";
            case PACKET_LOSS -> "packet loss";
            case PERMISSION_DENIED -> "permission denied";
            case INVALID_TARGET -> "invalid target";
            case INTERNAL_ERROR -> "internal error";
        };
    }

    /** {@code host} or {@code host (ip)} when they differ, with {@code :port} when there is one. */
    static String where(ProbeResult r, boolean withPort) {
        String host = r.targetHost() == null ? r.target() : r.targetHost();
        String shown = host.indexOf(':') >= 0 && withPort && r.targetPort() != null ? "[" + host + "]" : host;
        if (withPort && r.targetPort() != null) {
            shown += ":" + r.targetPort();
        }
        if (r.targetIp() != null && !r.targetIp().equals(host)) {
            shown += " (" + r.targetIp() + ")";
        }
        return shown;
    }
}
