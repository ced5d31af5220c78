package io.waddleperf.testserver.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassifierTest {

    private static AddressClass classify(String literal) {
        return AddressClassifier.classify(InetAddress.ofLiteral(literal));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, UNSPECIFIED",
            "0.1.2.3, UNSPECIFIED",
            "10.0.0.1, PRIVATE",
            "10.255.255.255, PRIVATE",
            "100.64.0.1, SHARED_ADDRESS_SPACE",
            "100.127.255.254, SHARED_ADDRESS_SPACE",
            "127.0.0.1, LOOPBACK",
            "127.255.255.254, LOOPBACK",
            "169.254.169.254, LINK_LOCAL",
            "172.16.0.1, PRIVATE",
            "172.31.255.255, PRIVATE",
            "192.0.0.8, RESERVED",
            "192.0.2.1, DOCUMENTATION",
            "192.88.99.1, RESERVED",
            "192.168.1.1, PRIVATE",
            "198.18.0.1, BENCHMARKING",
            "198.19.255.255, BENCHMARKING",
            "198.51.100.7, DOCUMENTATION",
            "203.0.113.9, DOCUMENTATION",
            "224.0.0.1, MULTICAST",
            "239.255.255.250, MULTICAST",
            "240.0.0.1, RESERVED",
            "255.255.255.255, BROADCAST",
            "::, UNSPECIFIED",
            "::1, LOOPBACK",
            "::ffff:127.0.0.1, LOOPBACK",
            "::ffff:10.1.2.3, PRIVATE",
            "::ffff:8.8.8.8, PUBLIC",
            "::127.0.0.1, RESERVED",
            "64:ff9b::a00:1, PRIVATE",
            "64:ff9b::808:808, PUBLIC",
            "64:ff9b:1::1, PRIVATE",
            "100::1, RESERVED",
            "2001:db8::1, DOCUMENTATION",
            "2001:2::1, RESERVED",
            "2002:7f00:1::1, LOOPBACK",
            "2002:c0a8:101::1, PRIVATE",
            "2002:808:808::1, PUBLIC",
            "3fff::1, DOCUMENTATION",
            "5f00::1, RESERVED",
            "fc00::1, UNIQUE_LOCAL",
            "fd12:3456:789a::1, UNIQUE_LOCAL",
            "fe80::1, LINK_LOCAL",
            "febf::1, LINK_LOCAL",
            "fec0::1, UNIQUE_LOCAL",
            "ff02::1, MULTICAST",
            "4000::1, RESERVED",
            "8.8.8.8, PUBLIC",
            "1.1.1.1, PUBLIC",
            "100.63.255.255, PUBLIC",
            "100.128.0.0, PUBLIC",
            "172.15.255.255, PUBLIC",
            "172.32.0.0, PUBLIC",
            "192.167.255.255, PUBLIC",
            "198.17.255.255, PUBLIC",
            "223.255.255.255, PUBLIC",
            "2606:4700:4700::1111, PUBLIC",
            "2a00:1450:4001::1, PUBLIC",
    })
    void classifies_special_purpose_ranges(String address, AddressClass expected) {
        assertThat(classify(address)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "teredo client {0}")
    @CsvSource({
            // RFC 4380 §4: client IPv4 inverted in the last 32 bits; 10.0.0.1 → f5ff:fffe, 8.8.8.8 → f7f7:f7f7
            "2001:0:4136:e378:8000:63bf:f5ff:fffe, PRIVATE",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7, PUBLIC",
    })
    void classifies_teredo_by_the_embedded_client_address(String address, AddressClass expected) {
        assertThat(classify(address)).isEqualTo(expected);
    }

    @Property
    void ipv4_mapped_addresses_classify_like_their_ipv4_address(@ForAll byte a, @ForAll byte b, @ForAll byte c, @ForAll byte d) {
        byte[] v4 = {a, b, c, d};
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, a, b, c, d};
        assertThat(AddressClassifier.classify(mapped)).isEqualTo(AddressClassifier.classify(v4));
    }

    @Property
    void every_rfc1918_address_is_private(@ForAll @IntRange(min = 0, max = 0xffffff) int low) {
        byte[] ten = {10, (byte) (low >> 16), (byte) (low >> 8), (byte) low};
        byte[] oneSevenTwo = {(byte) 172, (byte) (16 | ((low >> 16) & 0x0f)), (byte) (low >> 8), (byte) low};
        byte[] oneNineTwo = {(byte) 192, (byte) 168, (byte) (low >> 8), (byte) low};
        assertThat(AddressClassifier.classify(ten)).isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClassifier.classify(oneSevenTwo)).isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClassifier.classify(oneNineTwo)).isEqualTo(AddressClass.PRIVATE);
    }

    @Property
    void every_loopback_and_unique_local_address_is_refused(@ForAll @IntRange(min = 0, max = 0xffffff) int low,
                                                            @ForAll byte[] rest) {
        byte[] loop = {127, (byte) (low >> 16), (byte) (low >> 8), (byte) low};
        assertThat(AddressClassifier.classify(loop)).isEqualTo(AddressClass.LOOPBACK);
        byte[] ula = new byte[16];
        System.arraycopy(rest, 0, ula, 1, Math.min(rest.length, 15));
        ula[0] = (byte) (0xfc | (low & 1));
        assertThat(AddressClassifier.classify(ula)).isEqualTo(AddressClass.UNIQUE_LOCAL);
    }
}
