package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;

/**
 * {@code http_trace}, {@code tcp_trace}, {@code udp_trace}: the path's hop lines, then the service check's own report
 * on the same result (a trace that failed while the service answered is said in one line).
 */
final class ServiceTraceReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        if (r.hops() != null && !r.hops().isEmpty()) {
            page.line(page.style().bold(TraceReport.heading(r)));
            TraceReport.hops(r, page);
        }
        if (raw.has("trace_error")) {
            page.line(page.style().warn("trace failed: " + Reports.why(raw.str("trace_error"))));
        }
        page.blank();
        Report service = service(raw.str("service_check"));
        if (service != null) {
            service.render(r, page);
        }
    }

    @Override
    public void afterFailure(ProbeResult r, Page page) {
        if (r.hops() != null && !r.hops().isEmpty()) {
            page.line(TraceReport.heading(r));
            TraceReport.hops(r, page);
        }
    }

    private static Report service(String type) {
        if (type == null) {
            return null;
        }
        return switch (TestType.fromWireName(type)) {
            case TCP -> new TcpReport();
            case UDP -> new UdpEchoReport();
            case HTTP -> new HttpReport();
            case DNS -> new DnsReport();
            case TLS -> new TlsReport();
            case SSH -> new SshReport();
            default -> null;
        };
    }
}
