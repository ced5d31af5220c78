package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ServiceTraceSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabExtension;
import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * http_trace, tcp_trace and udp_trace from the lab's client to real services in the server's namespace: a TCP
 * listener, an HTTP server and a UDP echo responder; the route and the service check in one result.
 *
 * <p>All run in this JVM: the trace and the check run on the scope's platform thread, which joined the client's
 * namespace, and each check opens its socket on that thread (OkHttp's synchronous call connects on the caller's
 * thread; fast fallback, which would race connects on its task threads, is off in {@code HttpProber}). A server's
 * accepted sockets belong to its listener's namespace, whatever thread accepts them.
 */
class ServiceTraceLabIT {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder().routers(3).setup(TracerouteLabIT::noIcmpRateLimitAtTheServer));

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    private static ProbeResult run(Lab lab, String target) {
        ServiceTraceSpec spec = (ServiceTraceSpec) TargetParser.parse(target,
                new ProbeOptions(null, null, Duration.ofSeconds(2), null, Map.of("resolve", "false")));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, ServiceTraceProber.in(TracerouteLabIT.clientScope(lab)), CONTEXT));
    }

    private static void assertRoute(Lab lab, ProbeResult r, TestType type) {
        assertThat(r.testType()).isEqualTo(type);
        assertThat(r.hopCount()).isEqualTo(4);
        assertThat(r.hops()).extracting(Hop::ip).containsExactlyElementsOf(TracerouteLabIT.groundTruth(lab, false));
        assertThat(r.rawResults()).containsEntry("destination_reached", true).doesNotContainKey("trace_error");
    }

    @Test
    void tcp_trace_traces_to_the_listener_then_connects() throws Exception {
        Lab lab = LAB.lab();
        try (ServerSocket listener = lab.server().run(() -> new ServerSocket(0, 50, lab.server().addressV4()))) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        listener.accept().close();
                    }
                } catch (Exception e) {
                    // The test closed the listener.
                }
            });
            ProbeResult r = run(lab, "tcp-trace://" + lab.server().addressV4().getHostAddress() + ":" + listener.getLocalPort());

            assertThat(r.success()).as(r.error()).isTrue();
            assertRoute(lab, r, TestType.TCP_TRACE);
            assertThat(r.connectMs()).isPositive();
            assertThat(r.rawResults()).containsEntry("method", "tcp_syn_recverr").containsEntry("service_check", "tcp")
                    .containsEntry("trace_method", "tcp_syn_recverr");
        }
    }

    @Test
    void tcp_trace_to_a_closed_port_reports_the_route_and_fails_the_check() throws Exception {
        Lab lab = LAB.lab();
        int closed;
        try (ServerSocket s = lab.server().run(() -> new ServerSocket(0, 1, lab.server().addressV4()))) {
            closed = s.getLocalPort();
        }
        ProbeResult r = run(lab, "tcp-trace://" + lab.server().addressV4().getHostAddress() + ":" + closed);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertRoute(lab, r, TestType.TCP_TRACE);
    }

    @Test
    void http_trace_traces_to_the_web_server_then_gets_200() throws Exception {
        Lab lab = LAB.lab();
        HttpServer server = lab.server().run(() -> HttpServer.create(new InetSocketAddress(lab.server().addressV4(), 0), 50));
        byte[] body = "waddle".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ProbeResult r = run(lab, "http-trace://" + lab.server().addressV4().getHostAddress() + ":"
                    + server.getAddress().getPort() + "?scheme=http");

            assertThat(r.success()).as(r.error()).isTrue();
            assertRoute(lab, r, TestType.HTTP_TRACE);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.connectMs()).isPositive();
            assertThat(r.rawResults()).containsEntry("service_check", "http").containsEntry("method", "GET")
                    .containsEntry("trace_method", "tcp_syn_recverr")
                    .containsEntry("final_url", "http://" + lab.server().addressV4().getHostAddress() + ":"
                            + server.getAddress().getPort() + "/");
            // The trace's SYNs went to the web server's port and found it open.
            assertThat(details(r).getLast()).containsEntry("port_state", "open");
        } finally {
            server.stop(0);
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<Map<String, Object>> details(ProbeResult r) {
        return (java.util.List<Map<String, Object>>) r.rawResults().get("hop_details");
    }

    @Test
    void udp_trace_traces_to_the_responder_then_gets_a_reply() throws Exception {
        Lab lab = LAB.lab();
        try (DatagramSocket echo = lab.server().run(() -> new DatagramSocket(0, lab.server().addressV4()))) {
            Thread.ofPlatform().daemon().start(() -> {
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                try {
                    while (true) {
                        packet.setLength(2048);
                        echo.receive(packet);
                        echo.send(packet);
                    }
                } catch (Exception e) {
                    // The test closed the socket.
                }
            });
            ProbeResult r = run(lab, "udp-trace://" + lab.server().addressV4().getHostAddress() + ":" + echo.getLocalPort());

            assertThat(r.success()).as(r.error()).isTrue();
            assertRoute(lab, r, TestType.UDP_TRACE);
            assertThat(r.packetsReceived()).isEqualTo(1);
            assertThat(r.rawResults()).containsEntry("method", "udp_recverr").containsEntry("service_check", "udp_raw");
        }
    }
}
