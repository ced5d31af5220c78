package io.waddleperf.probes.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.result.Source;
import io.waddleperf.net.UnsupportedPlatformException;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.ProbeRunner;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The icmp prober's pure parts: sequence mapping, tallying, and reading iputils ping output. */
class IcmpProberTest {

    private static final String PING_OUTPUT = """
            PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
            64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms
            64 bytes from 127.0.0.1: icmp_seq=3 ttl=63 time=0.120 ms
            64 bytes from 127.0.0.1: icmp_seq=3 ttl=63 time=0.130 ms (DUP!)

            --- 127.0.0.1 ping statistics ---
            4 packets transmitted, 2 received, +1 duplicates, 50% packet loss, time 3003ms
            rtt min/avg/max/mdev = 0.045/0.098/0.130/0.038 ms
            """;

    @Test
    void maps_16_bit_sequences_to_the_latest_request_index() {
        assertThat(EchoSession.index(0, 0)).isZero();
        assertThat(EchoSession.index(3, 5)).isEqualTo(3);
        assertThat(EchoSession.index(0xFFFF, 65_536)).isEqualTo(65_535);
        assertThat(EchoSession.index(1, 65_537)).isEqualTo(65_537);
        assertThat(EchoSession.index(0, -1)).isEqualTo(-1);
    }

    @Test
    void tallies_system_ping_output_with_loss_duplicates_and_ttl() {
        EchoTally tally = new EchoTally(4);
        assertThat(SystemPing.parse(PING_OUTPUT, 4, tally)).isTrue();
        ProbeResult.Builder b = ProbeResult.builder();
        tally.report(b);
        ProbeResult r = b.build();
        assertThat(r.packetsSent()).isEqualTo(4);
        assertThat(r.packetsReceived()).isEqualTo(2);
        assertThat(r.duplicatePackets()).isEqualTo(1);
        assertThat(r.packetLossPercent()).isEqualTo(50.0);
        assertThat(r.minLatencyMs()).isEqualTo(0.045);
        assertThat(r.maxLatencyMs()).isEqualTo(0.12);
    }

    @Test
    void an_unreachable_answer_explains_total_loss() {
        String output = """
                From 10.0.0.1 icmp_seq=1 Destination Host Unreachable

                --- 10.0.0.9 ping statistics ---
                1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
                """;
        EchoTally tally = new EchoTally(1);
        assertThat(SystemPing.parse(output, 1, tally)).isTrue();
        assertThatThrownBy(() -> tally.judge(1000)).isInstanceOfSatisfying(ProbeException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.HOST_UNREACHABLE);
            assertThat(e.detail()).isEqualTo("Destination Host Unreachable from 10.0.0.1");
        });
        assertThat(SystemPing.parse("ping: socket: Operation not permitted\n", 1, new EchoTally(1))).isFalse();
    }

    @Test
    void builds_the_system_ping_command_from_the_spec() throws Exception {
        IcmpSpec spec = (IcmpSpec) TargetParser.parse("icmp://[::1]?ttl=9&df=true",
                new ProbeOptions(3, Duration.ofMillis(250), Duration.ofSeconds(2), 100L, Map.of()));
        assertThat(new SystemPing("/usr/bin/ping").command(spec, InetAddress.getByName("::1"))).containsExactly(
                "/usr/bin/ping", "-6", "-n", "-c", "3", "-i", "0.250", "-W", "2.000", "-w", "3", "-s", "100",
                "-t", "9", "-M", "do", "::1");
    }

    @Test
    void a_platform_the_native_layer_refuses_gives_a_failed_result_not_a_crash() {
        String message = "unsupported platform: Windows 11/amd64; native probes need Linux on x86_64 or aarch64";
        IcmpProber prober = IcmpProber.withOpener(family -> {
            throw new UnsupportedPlatformException(message); // what IcmpSocket.open throws there, before any downcall
        });
        IcmpSpec spec = (IcmpSpec) TargetParser.parse("icmp://127.0.0.1",
                new ProbeOptions(1, Duration.ofMillis(100), Duration.ofSeconds(1), null, Map.of()));
        ProbeResult result = ProbeRunner.runWith(spec, prober, ProbeContext.of(Source.CLI));
        assertThat(result.success()).isFalse();
        assertThat(result.error()).isEqualTo("internal_error: " + message);
    }

    @Test
    void a_run_is_settled_once_every_request_has_a_reply_or_an_error() {
        EchoTally tally = new EchoTally(3);
        tally.sent(0);
        tally.sent(1);
        tally.reply(0, 0.05, 64);
        tally.failed(1);
        assertThat(tally.allSettled()).as("request 2 not sent yet").isFalse();
        tally.sent(2);
        assertThat(tally.allSettled()).as("request 2 unanswered").isFalse();
        tally.failed(2);
        assertThat(tally.allSettled()).isTrue();
    }
}
