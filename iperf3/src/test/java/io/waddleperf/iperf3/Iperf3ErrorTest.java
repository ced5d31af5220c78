package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Iperf3ErrorTest {

    @Test
    void codes_are_unique_and_found_by_number() {
        assertThat(Arrays.stream(Iperf3Error.values()).map(Iperf3Error::code).distinct().count())
                .isEqualTo(Iperf3Error.values().length);
        for (Iperf3Error e : Iperf3Error.values()) {
            assertThat(Iperf3Error.fromCode(e.code())).contains(e);
        }
        assertThat(Iperf3Error.fromCode(9999)).isEmpty();
    }

    @Test
    void the_numbers_stock_clients_know() {
        assertThat(Iperf3Error.IEACCESSDENIED.code()).isEqualTo(121);
        assertThat(Iperf3Error.IEACCESSDENIED.message()).isEqualTo("the server is busy running a test. try again later");
        assertThat(Iperf3Error.IENUMSTREAMS.code()).isEqualTo(6);
        assertThat(Iperf3Error.IERECVPARAMS.code()).isEqualTo(114);
        assertThat(Iperf3Error.IESTREAMID.code()).isEqualTo(208);
        assertThat(Iperf3Error.IESERVERTESTDURATIONEXPIRED.code()).isEqualTo(160);
    }

    @Test
    void exception_carries_code_errno_and_text() {
        Iperf3Exception e = new Iperf3Exception(Iperf3Error.IESETBUF, 105, "SO_RCVBUF", null);
        assertThat(e.error()).isEqualTo(Iperf3Error.IESETBUF);
        assertThat(e.errno()).isEqualTo(105);
        assertThat(e.getMessage()).isEqualTo("unable to set socket buffer size: SO_RCVBUF");
    }
}
