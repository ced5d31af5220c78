package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.TestType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTraceSpecTest {

    private static ServiceTraceSpec parse(String target, ProbeOptions o) {
        return (ServiceTraceSpec) TargetParser.parse(target, o);
    }

    @Test
    void tcp_trace_traces_with_syns_to_the_port_then_connects_once() {
        ServiceTraceSpec s = parse("tcp-trace://h:8080", ProbeOptions.DEFAULTS);
        assertThat(s.testType()).isEqualTo(TestType.TCP_TRACE);
        assertThat(s.path().proto()).isEqualTo("tcp");
        assertThat(s.path().endpoint().port()).isEqualTo(8080);
        assertThat(s.path().probesPerHop()).isEqualTo(3);
        assertThat(s.service()).isInstanceOfSatisfying(TcpSpec.class, t -> assertThat(t.endpoint().port()).isEqualTo(8080));
        assertThat(parse("tcp_trace://h", ProbeOptions.DEFAULTS).endpoint().port()).isEqualTo(22);
        assertThat(s.budget()).isEqualTo(s.path().budget().plus(s.service().budget()));
    }

    @Test
    void udp_trace_probes_the_one_service_port() {
        ServiceTraceSpec s = parse("udp-trace://h", ProbeOptions.DEFAULTS);
        assertThat(s.path().proto()).isEqualTo("udp");
        assertThat(s.path().endpoint().port()).isEqualTo(53);
        assertThat(s.path().udpPortPerProbe()).isFalse();
        assertThat(s.service()).isInstanceOf(UdpRawSpec.class);
    }

    @Test
    void http_trace_defaults_to_https_on_443() {
        ServiceTraceSpec s = parse("http-trace://h", ProbeOptions.DEFAULTS);
        assertThat(s.path().proto()).isEqualTo("tcp");
        assertThat(s.path().endpoint().port()).isEqualTo(443);
        assertThat(((HttpSpec) s.service()).url()).isEqualTo(URI.create("https://h:443/"));
    }

    @Test
    void http_trace_query_options_reach_the_trace_and_the_request() {
        // The scheme of http-trace:// starts with "http" but its query holds probe options, not the request's query.
        ServiceTraceSpec s = parse("http-trace://h:8080?scheme=http&max_hops=9&resolve=false", ProbeOptions.DEFAULTS);
        assertThat(((HttpSpec) s.service()).url()).isEqualTo(URI.create("http://h:8080/"));
        assertThat(s.path().maxHops()).isEqualTo(9);
        assertThat(s.path().resolve()).isFalse();
        TracerouteSpecTest.assertField("http-trace://h?scheme=ftp", "scheme");
    }

    @Test
    void http_trace_of_a_url_keeps_its_path_and_scheme() {
        ServiceTraceSpec s = (ServiceTraceSpec) TargetParser.forType(TestType.HTTP_TRACE, "http://h/status?x=1", null,
                new ProbeOptions(null, null, Duration.ofSeconds(3), null, Map.of("max_hops", "7")));
        HttpSpec http = (HttpSpec) s.service();
        assertThat(http.url()).isEqualTo(URI.create("http://h:80/status"));
        assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.path().endpoint().port()).isEqualTo(80);
        assertThat(s.path().maxHops()).isEqualTo(7);
    }

    @Test
    void trace_options_are_strict_and_service_options_go_to_the_check() {
        ServiceTraceSpec s = parse("tcp-trace://h:22", new ProbeOptions(4, null, null, null, Map.of()));
        assertThat(((TcpSpec) s.service()).count()).isEqualTo(4);
        assertThat(s.path().probesPerHop()).isEqualTo(3);
        TracerouteSpecTest.assertField("tcp-trace://h?max_hops=0", "max_hops");
    }
}
