package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NativePlatformTest {

    @ParameterizedTest
    @CsvSource({"Linux, amd64", "Linux, x86_64", "Linux, aarch64", "linux, AMD64"})
    void linux_on_x86_64_and_aarch64_is_supported(String os, String arch) {
        assertThatCode(() -> NativePlatform.check(os, arch)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({
        "Mac OS X, aarch64",
        "Mac OS X, x86_64",
        "Windows 11, amd64",
        "FreeBSD, amd64",
        "Linux, arm",
        "Linux, x86",
        "Linux, riscv64",
        "Linux, ppc64le",
        "Linux, s390x",
        "Linux, mips64el"})
    void every_other_os_or_architecture_is_refused_by_name(String os, String arch) {
        assertThatThrownBy(() -> NativePlatform.check(os, arch))
                .isExactlyInstanceOf(UnsupportedPlatformException.class)
                .hasMessage("unsupported platform: " + os + "/" + arch
                        + "; native probes need Linux on x86_64 or aarch64");
    }

    @Test
    void this_build_machine_is_supported_and_libc_calls_go_through() throws Exception {
        // The build runs on Linux x86-64 or aarch64; on anything else this test says so instead of passing.
        assertThat(NativePlatform.supported()).as(System.getProperty("os.name") + "/" + System.getProperty("os.arch")).isTrue();
        assertThatCode(NativePlatform::require).doesNotThrowAnyException();
        try (NativeSocket socket = NativeSocket.open(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM, LinuxNet.IPPROTO_UDP)) {
            assertThat(socket.fd()).isNotNegative();
        }
    }
}
