package io.waddleperf.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void milliseconds_keep_three_significant_digits_and_no_more_than_microseconds() {
        assertThat(Units.ms(0.0194)).isEqualTo("0.019 ms");
        assertThat(Units.ms(1.001)).isEqualTo("1.00 ms");
        assertThat(Units.ms(38.647)).isEqualTo("38.6 ms");
        assertThat(Units.ms(214.171)).isEqualTo("214 ms");
        assertThat(Units.ms(0)).isEqualTo("0 ms");
        assertThat(Units.ms3(9.6624)).isEqualTo("9.662");
    }

    @Test
    void rates_are_decimal_bits_per_second() {
        assertThat(Units.rate(2907.053995326099)).isEqualTo("2.91 Gbit/s");
        assertThat(Units.rate(1.0244711587907165)).isEqualTo("1.02 Mbit/s");
        assertThat(Units.rate(0.662)).isEqualTo("662 kbit/s");
        assertThat(Units.rate(999.7)).isEqualTo("1.00 Gbit/s");
        assertThat(Units.rate(10241.85165)).isEqualTo("10.2 Gbit/s");
    }

    @Test
    void amounts_of_data_are_binary() {
        assertThat(Units.bytes(47)).isEqualTo("47 B");
        assertThat(Units.bytes(1280)).isEqualTo("1.25 KiB");
        assertThat(Units.bytes(16_454_778_880L)).isEqualTo("15.3 GiB");
        assertThat(Units.bytes(8 << 20)).isEqualTo("8.00 MiB");
        assertThat(Units.bytes(1023L << 20)).isEqualTo("1023 MiB");
        assertThat(Units.bytes(1024L << 20)).isEqualTo("1.00 GiB");
    }

    @Test
    void percentages_and_counts() {
        assertThat(Units.percent(0)).isEqualTo("0%");
        assertThat(Units.percent(100.0 / 3)).isEqualTo("33.3%");
        assertThat(Units.percent(0.05)).isEqualTo("0.05%");
        assertThat(Units.count(1, "hop")).isEqualTo("1 hop");
        assertThat(Units.count(3, "late reply")).isEqualTo("3 late replies");
        assertThat(Units.count(2, "day")).isEqualTo("2 days");
    }
}
