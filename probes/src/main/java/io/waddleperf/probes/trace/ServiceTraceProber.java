package io.waddleperf.probes.trace;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.ServiceTraceSpec;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.core.spec.UdpRawSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.http.HttpProber;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.SocketScope;
import io.waddleperf.probes.tcp.TcpProber;
import io.waddleperf.probes.udpraw.UdpRawProber;
import java.net.InetAddress;

/**
 * The {@code http_trace}, {@code tcp_trace} and {@code udp_trace} prober (as the original WaddlePerf): a traceroute
 * toward the service port (TCP SYN probes for http/tcp, UDP probes for udp; {@link PathTracer}), then one service
 * check by the ordinary prober of that kind — {@link HttpProber} (one GET), {@link TcpProber} (one connect),
 * {@link UdpRawProber} (one datagram, a reply awaited) — into the same result: {@code hops}, {@code hop_count},
 * {@code raw_results.destination_reached} and {@code trace_method} (the trace's {@code method}, which the http check's
 * request method would otherwise overwrite) beside the service's own metrics.
 *
 * <p>Outcome rule: the result's {@code success} and {@code error} are the service check's, since that is what the user
 * asked about; the route is reported whether or not the trace reached the destination (firewalls often drop trace
 * probes that a service would accept), and a trace that could not run at all is noted in
 * {@code raw_results.trace_error} without failing the check.
 */
public final class ServiceTraceProber implements Prober<ServiceTraceSpec> {

    public static final ServiceTraceProber INSTANCE = new ServiceTraceProber(SocketScope.HOST);

    private final SocketScope scope;
    private final PathTracer tracer;

    private ServiceTraceProber(SocketScope scope) {
        this.scope = scope;
        this.tracer = new PathTracer(scope);
    }

    /** A prober whose sockets, the service check's included, live in {@code scope} (tests: a lab node's namespace). */
    public static ServiceTraceProber in(SocketScope scope) {
        return new ServiceTraceProber(scope);
    }

    @Override
    public void probe(ServiceTraceSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.path().endpoint().host());
        result.targetIp(AddressText.of(address));
        try {
            tracer.trace(spec.path(), address, context.clock(), result);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            result.raw("trace_error", Failures.classify(e).describe());
        }
        // The http check writes its request method to raw_results.method; the trace's method keeps its own key.
        Object method = result.rawResults().get("method");
        if (method != null) {
            result.raw("trace_method", method);
        }
        result.raw("service_check", spec.service().testType().wireName());
        scope.call("service-check", () -> {
            switch (spec.service()) {
                case TcpSpec s -> TcpProber.INSTANCE.probe(s, context, result);
                case HttpSpec s -> HttpProber.INSTANCE.probe(s, context, result);
                case UdpRawSpec s -> UdpRawProber.INSTANCE.probe(s, context, result);
                default -> throw new IllegalArgumentException("no service check for " + spec.service().testType().wireName());
            }
            return null;
        });
    }
}
