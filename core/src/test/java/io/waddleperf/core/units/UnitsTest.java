package io.waddleperf.core.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({
        "5ms, 5000000",
        "1.5s, 1500000000",
        "2m, 120000000000",
        "1h, 3600000000000",
        "1d, 86400000000000",
        "7d12h, 648000000000000",
        "250us, 250000",
        "250\u00b5s, 250000",
        "100ns, 100",
        "10, 10000000000",
        "0.5, 500000000",
        ".5s, 500000000",
        "0, 0",
        "1h30m, 5400000000000",
        "1h 30m, 5400000000000",
        "2m3.5s, 123500000000",
        "1.5ms, 1500000",
        "' 5 ms ', 5000000",
        "9223372036854775807ns, 9223372036854775807",
    })
    void parses_durations_in_every_accepted_form(String text, long nanos) {
        assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "-5s", "abc", "5 sec", "5S", "5M", "1.5ns", "1s1h", "1s1s", "5ms5ms",
        "1e3s", "+5s", "5.s", "1,5s", "9223372036854775808ns", "300000000h", "5D", "1h1d", "ms", "0x10s"})
    void rejects_bad_durations_naming_the_text_and_the_accepted_forms(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("ms, s, m, h or d");
    }

    @Test
    void rejects_null_and_overlong_durations_with_illegal_argument() {
        assertThatThrownBy(() -> Units.parseDuration(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing duration");
        assertThatThrownBy(() -> Units.parseDuration("1".repeat(100) + "s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
    }

    @Test
    void explains_why_a_duration_was_refused() {
        assertThatThrownBy(() -> Units.parseDuration("-5s")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Units.parseDuration("1.5ns")).hasMessageContaining("finer than one nanosecond");
        assertThatThrownBy(() -> Units.parseDuration("1s1h")).hasMessageContaining("largest to smallest");
        assertThatThrownBy(() -> Units.parseDuration("300000000h")).hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({
        "64, 64",
        "64B, 64",
        "64K, 65536",
        "64k, 65536",
        "64KB, 65536",
        "64kB, 65536",
        "64KiB, 65536",
        "128K, 131072",
        "1.5M, 1572864",
        "1.5 MiB, 1572864",
        "1.50 MiB, 1572864",
        "1G, 1073741824",
        "2T, 2199023255552",
        "1P, 1125899906842624",
        "7E, 8070450532247928832",
        "1.3K, 1331",
        "0, 0",
        "0.5K, 512",
        "9223372036854775807, 9223372036854775807",
    })
    void parses_sizes_with_binary_multipliers(String text, long bytes) {
        assertThat(Units.parseBytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "64Kb", "64b", "1.5", "64X", "64Ki", "64iB", "8E", "9223372036854775808",
        "64 K B", "1e3", "K", "64MBps"})
    void rejects_bad_sizes_naming_the_text_and_the_accepted_forms(String text) {
        assertThatThrownBy(() -> Units.parseBytes(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("1024^n");
    }

    @Test
    void says_that_lowercase_b_means_bits_in_a_size() {
        assertThatThrownBy(() -> Units.parseBytes("64Kb")).hasMessageContaining("'b' means bits");
    }

    @ParameterizedTest
    @CsvSource({
        "100M, 100000000",
        "100m, 100000000",
        "1.5G, 1500000000",
        "64K, 64000",
        "64k, 64000",
        "100Mbps, 100000000",
        "100Mbit/s, 100000000",
        "100 Mbits/s, 100000000",
        "100Mb/s, 100000000",
        "94.3 Mbit/s, 94300000",
        "1000, 1000",
        "1000bps, 1000",
        "512 bit/s, 512",
        "10T, 10000000000000",
        "0, 0",
        "1.0000005k, 1000",
    })
    void parses_bit_rates_with_decimal_multipliers(String text, long bitsPerSecond) {
        assertThat(Units.parseBitRate(text)).isEqualTo(bitsPerSecond);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-100M", "100MB/s", "100MBps", "100Mibps", "100Mi", "1.5", "fast", "100Mbpss",
        "10E", "100 M bps"})
    void rejects_bad_bit_rates_naming_the_text_and_the_accepted_forms(String text) {
        assertThatThrownBy(() -> Units.parseBitRate(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("1000^n");
    }

    @Test
    void says_that_rates_are_bits_and_decimal() {
        assertThatThrownBy(() -> Units.parseBitRate("100MB/s")).hasMessageContaining("B means bytes");
        assertThatThrownBy(() -> Units.parseBitRate("100Mibps")).hasMessageContaining("binary multipliers");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "100, 100ns",
        "999, 999ns",
        "1000, 1us",
        "250000, 250us",
        "1500, 1.5us",
        "5000000, 5ms",
        "1500000, 1.5ms",
        "1500000000, 1.5s",
        "59999999999, 59.999999999s",
        "60000000000, 1m",
        "123500000000, 2m3.5s",
        "3600000000000, 1h",
        "5400000000000, 1h30m",
        "3600500000000, 1h0.5s",
        "-5000000, -5ms",
    })
    void formats_durations_exactly(long nanos, String text) {
        assertThat(Units.formatDuration(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void formats_durations_beyond_the_nanosecond_range() {
        assertThat(Units.formatDuration(Duration.ofHours(10_000_000_000L))).isEqualTo("10000000000h");
        assertThat(Units.formatDuration(Duration.ofSeconds(Long.MIN_VALUE))).startsWith("-");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0 B",
        "512, 512 B",
        "1023, 1023 B",
        "1024, 1.00 KiB",
        "1536, 1.50 KiB",
        "1572864, 1.50 MiB",
        "1048063, 1020 KiB",
        "1048575, 1020 KiB",
        "1048576, 1.00 MiB",
        "10485760, 10.0 MiB",
        "104857600, 100 MiB",
        "1073741824, 1.00 GiB",
        "9223372036854775807, 7.99 EiB",
        "8070450532247928832, 7.00 EiB",
    })
    void formats_sizes_with_iec_units_and_three_digits(long bytes, String text) {
        assertThat(Units.formatBytes(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0 bit/s",
        "512, 512 bit/s",
        "999.4, 999 bit/s",
        "999.6, 1.00 kbit/s",
        "94300000, 94.3 Mbit/s",
        "94349999, 94.3 Mbit/s",
        "999600000, 1.00 Gbit/s",
        "1500000000, 1.50 Gbit/s",
        "20000000000, 20.0 Gbit/s",
        "0.4, 0 bit/s",
    })
    void formats_bit_rates_with_si_units_and_three_digits(double bitsPerSecond, String text) {
        assertThat(Units.formatBitRate(bitsPerSecond)).isEqualTo(text);
    }

    @Test
    void refuses_to_format_negative_or_non_finite_values() {
        assertThatThrownBy(() -> Units.formatBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.formatBitRate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.formatBitRate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Units.formatBitRate(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
