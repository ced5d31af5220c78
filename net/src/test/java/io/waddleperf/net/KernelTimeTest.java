package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the kernel's time stamps from control messages and choosing between kernel and user round trips. */
class KernelTimeTest {

    private static byte[] scmTimestamping(long seconds, long nanos) {
        // struct scm_timestamping: three struct timespec { long tv_sec; long tv_nsec; }, software stamp first.
        return ByteBuffer.allocate(48).order(ByteOrder.nativeOrder()).putLong(seconds).putLong(nanos).array();
    }

    private static byte[] extendedError(int origin) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(42).put((byte) origin).put((byte) 0)
                .put((byte) 0).put((byte) 0).putInt(LinuxNet.SCM_TSTAMP_SCHED).putInt(0).array();
    }

    @Test
    void reads_the_software_stamp_in_nanoseconds() {
        Datagram d = new Datagram(new byte[0], null, List.of(new ControlMessage(LinuxNet.SOL_SOCKET,
                LinuxNet.SCM_TIMESTAMPING, scmTimestamping(1_700_000_000L, 123_456_789L))), 0);
        assertThat(KernelTime.of(d)).isEqualTo(1_700_000_000_123_456_789L);
    }

    @Test
    void no_stamp_or_an_empty_one_is_minus_one() {
        assertThat(KernelTime.of(new Datagram(new byte[0], null, List.of(), 0))).isEqualTo(-1);
        assertThat(KernelTime.of(new Datagram(new byte[0], null, List.of(new ControlMessage(LinuxNet.SOL_SOCKET,
                LinuxNet.SCM_TIMESTAMPING, scmTimestamping(0, 0))), 0))).isEqualTo(-1);
    }

    @Test
    void a_transmit_report_is_told_from_an_icmp_error() {
        Datagram tx = new Datagram(new byte[0], null, List.of(new ControlMessage(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR,
                extendedError(LinuxNet.SO_EE_ORIGIN_TIMESTAMPING))), LinuxNet.MSG_ERRQUEUE);
        Datagram icmp = new Datagram(new byte[0], null, List.of(new ControlMessage(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR,
                extendedError(LinuxNet.SO_EE_ORIGIN_ICMP))), LinuxNet.MSG_ERRQUEUE);
        assertThat(KernelTime.isTransmitReport(tx)).isTrue();
        assertThat(KernelTime.isTransmitReport(icmp)).isFalse();
    }

    @Test
    void the_kernel_round_trip_wins_when_the_user_one_brackets_it() {
        assertThat(KernelTime.roundTrip(900_000, 60_000)).isEqualTo(60_000);
        assertThat(KernelTime.roundTrip(60_000, 60_000 + KernelTime.SLACK_NANOS)).isEqualTo(60_000 + KernelTime.SLACK_NANOS);
    }

    @Test
    void the_user_round_trip_stands_without_a_stamp_or_after_a_clock_step() {
        assertThat(KernelTime.roundTrip(900_000, -1)).isEqualTo(900_000);
        assertThat(KernelTime.roundTrip(900_000, -5_000)).isEqualTo(900_000);
        assertThat(KernelTime.roundTrip(900_000, 2_000_000_000L)).isEqualTo(900_000);
    }
}
