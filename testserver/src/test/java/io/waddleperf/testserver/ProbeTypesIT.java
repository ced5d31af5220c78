package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.Dnsmasq;
import io.waddleperf.testkit.OpenSshServer;
import io.waddleperf.testkit.ResultSchema;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every API type with a prober, end to end against real loopback peers: the server's own HTTP listener, dnsmasq,
 * OpenSSH, the UDP echo responder and a plain datagram echo. Checks the protocol mapping of docs/TEST-API.md (tcp+ssh → ssh probe, udp+dns → dns probe,
 * udp+raw → udp_raw probe) and that every answer is a schema-valid result.
 */
class ProbeTypesIT {

    @TempDir
    static Path dir;

    private static TestServer server;
    private static ApiClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(LoopbackConfig.of(dir, "api_keys", ApiClient.KEY,
                "allow_private_targets", "true",
                // every probe type in one class: more calls than the default burst of 10 (LimitsIT tests the limits)
                "limits.per_client_requests_per_minute", "600", "limits.per_client_burst", "100"));
        client = new ApiClient(server.httpPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient.Answer run(String type, String body) {
        ApiClient.Answer a = client.test(type, body);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        return a;
    }

    @Test
    void runs_an_http_test_against_its_own_health_endpoint() {
        ApiClient.Answer a = run("http", "{\"target\":\"http://127.0.0.1:" + server.httpPort()
                + "/health\",\"protocol\":\"http/1.1\",\"method\":\"GET\",\"count\":2}");
        assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
        assertThat(a.json().get("test_type").asText()).isEqualTo("http");
        assertThat(a.json().get("status_code").asInt()).isEqualTo(200);
    }

    @Test
    void runs_dns_tests_through_the_dns_route_and_udp_with_protocol_dns() throws Exception {
        Dnsmasq.assumeInstalled();
        try (Dnsmasq dns = Dnsmasq.start(dir.resolve("dnsmasq"))) {
            for (String[] route : new String[][] {{"dns", ""}, {"udp", ",\"protocol\":\"dns\""}}) {
                ApiClient.Answer a = run(route[0], "{\"target\":\"127.0.0.1\",\"port\":" + dns.port() + ",\"query\":\""
                        + Dnsmasq.WWW + "\"" + route[1] + "}");
                assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
                assertThat(a.json().get("test_type").asText()).isEqualTo("dns");
            }
        }
    }

    @Test
    void runs_ssh_tests_through_the_ssh_route_and_tcp_with_protocol_ssh() throws Exception {
        OpenSshServer.assumeAvailable();
        try (OpenSshServer sshd = OpenSshServer.start(dir.resolve("sshd"), false)) {
            for (String[] route : new String[][] {{"ssh", ""}, {"tcp", ",\"protocol\":\"ssh\""}}) {
                ApiClient.Answer a = run(route[0], "{\"target\":\"127.0.0.1\",\"port\":" + sshd.port() + route[1] + "}");
                assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
                assertThat(a.json().get("test_type").asText()).isEqualTo("ssh");
            }
        }
    }

    @Test
    void runs_a_udp_echo_test_against_a_responder_started_as_one_of_the_servers_listeners() throws Exception {
        UdpEchoResponder[] echo = new UdpEchoResponder[1];
        int echoPort;
        TestServer.Listener udpEcho = config -> echo[0] = UdpEchoResponder.start(
                new InetSocketAddress(config.bind(), config.udpEchoPort()), Set.of());
        try (TestServer withEcho = TestServer.start(LoopbackConfig.of(dir, "api_keys", ApiClient.KEY,
                "allow_private_targets", "true"),
                List.of(udpEcho))) {
            echoPort = echo[0].port();
            ApiClient.Answer a = new ApiClient(withEcho.httpPort()).test("udp", "{\"target\":\"127.0.0.1\",\"port\":"
                    + echoPort + ",\"count\":5}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            ResultSchema.assertValidJson(a.body());
            assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
            assertThat(a.json().get("test_type").asText()).isEqualTo("udp");
            assertThat(a.json().get("packets_received").asInt()).isEqualTo(5);
        }
        assertThat(echo[0].stats().received()).isEqualTo(5);
        try (DatagramSocket rebind = new DatagramSocket(echoPort, InetAddress.getLoopbackAddress())) {
            assertThat(rebind.getLocalPort()).as("closing the server closed its listeners").isEqualTo(echoPort);
        }
    }

    @Test
    void runs_an_icmp_ping_and_refuses_a_port_for_it() {
        ApiClient.Answer a = run("icmp", "{\"target\":\"127.0.0.1\",\"count\":2,\"timeout\":1}");
        assertThat(a.json().get("test_type").asText()).isEqualTo("icmp");
        assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
        assertThat(a.json().get("packets_received").asInt()).isEqualTo(2);
        ApiClient.Answer withPort = client.test("icmp", "{\"target\":\"127.0.0.1\",\"port\":80}");
        assertThat(withPort.status()).isEqualTo(400);
        assertThat(withPort.field()).isEqualTo("port");
        ApiClient.Answer traceroute = run("icmp", "{\"target\":\"127.0.0.1\",\"protocol\":\"traceroute\",\"count\":1}");
        assertThat(traceroute.json().get("test_type").asText()).as("the original's icmp+traceroute").isEqualTo("traceroute");
    }

    @Test
    void runs_path_probes_to_loopback_where_the_destination_is_hop_1() {
        for (String type : new String[] {"traceroute", "mtr"}) {
            ApiClient.Answer a = run(type, "{\"target\":\"127.0.0.1\",\"count\":2,\"timeout\":2}");
            assertThat(a.json().get("test_type").asText()).isEqualTo(type);
            assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
            assertThat(a.json().get("hop_count").asInt()).as(a.body()).isEqualTo(1);
        }
        ApiClient.Answer mtu = run("mtu", "{\"target\":\"127.0.0.1\",\"count\":1,\"timeout\":1}");
        assertThat(mtu.json().get("success").asBoolean()).as(mtu.body()).isTrue();
        assertThat(mtu.json().get("path_mtu_bytes").asInt()).as("loopback's MTU caps the search").isPositive();
        ApiClient.Answer udpTrace = run("traceroute", "{\"target\":\"127.0.0.1\",\"protocol\":\"udp\",\"count\":1}");
        assertThat(udpTrace.json().get("raw_results").get("method").asText()).contains("udp");
        ApiClient.Answer tcpTrace = run("tcp_trace", "{\"target\":\"127.0.0.1\",\"port\":" + server.httpPort() + "}");
        assertThat(tcpTrace.json().get("test_type").asText()).isEqualTo("tcp_trace");
        assertThat(tcpTrace.json().get("success").asBoolean()).as(tcpTrace.body()).isTrue();
        assertThat(tcpTrace.json().get("connect_ms").asDouble()).isPositive();
    }

    @Test
    void runs_a_raw_udp_test_for_udp_with_protocol_raw() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread responder = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    }
                } catch (SocketException closed) {
                    // the test is over
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ApiClient.Answer a = run("udp", "{\"target\":\"127.0.0.1\",\"port\":" + echo.getLocalPort()
                    + ",\"protocol\":\"raw\",\"timeout\":2}");
            assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
            assertThat(a.json().get("test_type").asText()).isEqualTo("udp_raw");
            echo.close();
            responder.join();
        }
    }
}
