package io.waddleperf.probes.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.net.Errno;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NetNamespace;
import io.waddleperf.testkit.lab.ThrowawayNamespace;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testkit.ResultSchema;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The icmp probe against loopback: raw sockets on the host (root), datagram sockets inside a throwaway namespace
 * that allows them (entered with setns on a platform thread), total loss, and the system-ping fallback.
 */
class IcmpProberIT {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    private static IcmpSpec spec(String target, int count, Map<String, String> params) {
        ProbeOptions options = new ProbeOptions(count, Duration.ofMillis(20), Duration.ofSeconds(2), null, params);
        return (IcmpSpec) TargetParser.parse(target, options);
    }

    private static ProbeResult run(IcmpSpec spec, IcmpProber prober) {
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, prober, CONTEXT));
    }

    private static void assertAllAnswered(ProbeResult r, int count, String method, String address) {
        assertThat(r.success()).as("error %s", r.error()).isTrue();
        assertThat(r.testType()).isEqualTo(TestType.ICMP);
        assertThat(r.targetIp()).isEqualTo(address);
        assertThat(r.targetPort()).isNull();
        assertThat(r.packetsSent()).isEqualTo(count);
        assertThat(r.packetsReceived()).isEqualTo(count);
        assertThat(r.packetLossPercent()).isZero();
        assertThat(r.duplicatePackets()).isZero();
        assertThat(r.minLatencyMs()).isPositive();
        assertThat(r.maxLatencyMs()).isGreaterThanOrEqualTo(r.latencyMs()).isLessThan(2000.0);
        assertThat(r.rawResults()).containsEntry("method", method).containsEntry("reply_ttl", 64)
                .containsEntry("payload_bytes", 56);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void pings_loopback_over_raw_sockets(String address) {
        ThrowawayNamespace.assumeRoot("raw ICMP sockets need CAP_NET_RAW");
        IcmpProber prober = IcmpProber.withOpener(family -> IcmpSocket.open(family, IcmpSocket.Method.RAW));
        String target = address.contains(":") ? "icmp://[" + address + "]" : "icmp://" + address;
        ProbeResult r = run(spec(target, 5, Map.of()), prober);
        assertAllAnswered(r, 5, "icmp_raw", address);
        assertThat(r.rawResults()).containsEntry("ip_version", address.contains(":") ? 6 : 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void pings_loopback_over_datagram_sockets_inside_a_namespace(String address) throws Exception {
        try (ThrowawayNamespace ns = ThrowawayNamespace.create()) {
            IcmpProber prober = IcmpProber.withOpener(family -> NetNamespace.call(ns.file(), () -> IcmpSocket.open(family, true)));
            String target = address.contains(":") ? "icmp://[" + address + "]" : "icmp://" + address;
            ProbeResult r = run(spec(target, 4, Map.of("ttl", "7", "df", "true")), prober);
            assertAllAnswered(r, 4, "icmp_datagram", address);
            assertThat(r.rawResults()).containsEntry("ttl", 7).containsEntry("dont_fragment", true);
        }
    }

    @Test
    void total_loss_is_a_failed_result_with_counters() throws Exception {
        try (ThrowawayNamespace ns = ThrowawayNamespace.create()) {
            ns.sysctl("net.ipv4.icmp_echo_ignore_all", "1");
            IcmpProber prober = IcmpProber.withOpener(family -> NetNamespace.call(ns.file(), () -> IcmpSocket.open(family, true)));
            IcmpSpec spec = (IcmpSpec) TargetParser.parse("icmp://127.0.0.1",
                    new ProbeOptions(3, Duration.ofMillis(20), Duration.ofMillis(300), 16L, Map.of()));
            ProbeResult r = run(spec, prober);
            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("no_reply: no echo reply to 3 requests");
            assertThat(r.packetsSent()).isEqualTo(3);
            assertThat(r.packetsReceived()).isZero();
            assertThat(r.packetLossPercent()).isEqualTo(100.0);
            assertThat(r.latencyMs()).isNull();
            assertThat(r.rawResults()).containsEntry("method", "icmp_datagram").doesNotContainKey("reply_ttl");
        }
    }

    @Test
    void falls_back_to_the_system_ping_when_no_icmp_socket_may_be_opened() {
        SystemPing ping = SystemPing.onPath();
        Requirements.require(ping != null, "no system ping on PATH (apt-get install iputils-ping)");
        ThrowawayNamespace.assumeRoot("the system ping needs a raw socket on this host");
        IcmpProber prober = new IcmpProber(family -> {
            throw new NativeException("socket", Errno.EPERM);
        }, ping);
        ProbeResult r = run(spec("icmp://127.0.0.1", 3, Map.of()), prober);
        assertAllAnswered(r, 3, "system_ping", "127.0.0.1");
        assertThat(r.rawResults()).containsEntry("native_error", "socket: EPERM (operation not permitted)");
    }

    @Test
    void the_registered_prober_picks_a_native_method() {
        ThrowawayNamespace.assumeRoot("needs an ICMP socket: root, or a ping_group_range that includes us");
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.run(spec("icmp://localhost", 2, Map.of()), CONTEXT));
        assertThat(r.success()).as("error %s", r.error()).isTrue();
        assertThat(r.packetsReceived()).isEqualTo(2);
        assertThat(r.rawResults().get("method")).isIn("icmp_datagram", "icmp_raw");
    }
}
