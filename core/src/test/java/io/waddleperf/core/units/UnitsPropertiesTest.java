package io.waddleperf.core.units;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class UnitsPropertiesTest {

    @Property
    void durations_round_trip_exactly(@ForAll @LongRange(min = 0) long nanos) {
        Duration d = Duration.ofNanos(nanos);
        assertThat(Units.parseDuration(Units.formatDuration(d))).isEqualTo(d);
    }

    @Property
    void sizes_round_trip_within_three_significant_digits(@ForAll @LongRange(min = 0) long bytes) {
        long back = Units.parseBytes(Units.formatBytes(bytes));
        assertThat((double) Math.abs(back - bytes)).isLessThanOrEqualTo(bytes * 0.005 + 0.5);
    }

    @Property
    void bit_rates_round_trip_within_three_significant_digits(
            @ForAll @DoubleRange(min = 0, max = 9.0e18) double bitsPerSecond) {
        long back = Units.parseBitRate(Units.formatBitRate(bitsPerSecond));
        assertThat(Math.abs(back - bitsPerSecond)).isLessThanOrEqualTo(bitsPerSecond * 0.005 + 0.5);
    }

    @Property
    void whole_numbers_with_a_multiplier_scale_by_the_documented_base(
            @ForAll @IntRange(min = 0, max = 999_999) int value, @ForAll @IntRange(min = 0, max = 4) int power) {
        String suffix = power == 0 ? "" : String.valueOf("KMGT".charAt(power - 1));
        assertThat(Units.parseBytes(value + suffix)).isEqualTo(value * (long) Math.pow(1024, power));
        assertThat(Units.parseBitRate(value + suffix)).isEqualTo(value * (long) Math.pow(1000, power));
    }

    @Property
    void parsing_arbitrary_text_fails_only_with_illegal_argument(@ForAll("unitLike") String text) {
        onlyIllegalArgument(text, Units::parseDuration);
        onlyIllegalArgument(text, Units::parseBytes);
        onlyIllegalArgument(text, Units::parseBitRate);
    }

    @Property
    void parsing_any_string_fails_only_with_illegal_argument(@ForAll String text) {
        onlyIllegalArgument(text, Units::parseDuration);
        onlyIllegalArgument(text, Units::parseBytes);
        onlyIllegalArgument(text, Units::parseBitRate);
    }

    /** Strings over the alphabet of the unit syntax, so that many come close to being valid. */
    @Provide
    Arbitrary<String> unitLike() {
        return Arbitraries.strings().withChars("0123456789.. -+kKmMgGtTpPeEiIbB/psnu\u00b5hs").ofMaxLength(24);
    }

    private static void onlyIllegalArgument(String text, Consumer<String> parser) {
        try {
            parser.accept(text);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).contains("expected");
        }
    }
}
