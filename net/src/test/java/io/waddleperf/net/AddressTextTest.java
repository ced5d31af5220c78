package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {

    @ParameterizedTest
    @CsvSource({
            "::1, ::1", "0:0:0:0:0:0:0:0, ::", "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80:0:0:0:0:0:0:1, fe80::1", "1:0:0:2:0:0:0:3, 1:0:0:2::3", "192.0.2.1, 192.0.2.1"})
    void formats_as_rfc_5952(String in, String expected) throws Exception {
        assertThat(AddressText.of(InetAddress.getByName(in))).isEqualTo(expected);
    }
}
