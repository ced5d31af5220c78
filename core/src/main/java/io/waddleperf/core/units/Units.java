package io.waddleperf.core.units;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parser and formatter of durations, byte sizes and bit rates: one syntax for CLI flags, YAML and environment
 * variables. Every parse method accepts surrounding whitespace and throws only {@link IllegalArgumentException},
 * whose message quotes the rejected text and lists the accepted forms. Numbers are plain decimals ({@code 1.5},
 * {@code .5}); signs, exponents and thousands separators are rejected.
 *
 * <h2>Durations</h2>
 * A number followed by {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m} (minutes) or
 * {@code h}; parts may be combined from the largest unit to the smallest, each at most once ({@code 1h30m},
 * {@code 2m3.5s}). A bare number means seconds ({@code 10}, {@code 0.5}). Units are case-sensitive (as in Go's
 * {@code time.ParseDuration}) so that {@code m} and {@code M} cannot be confused. Resolution is one nanosecond:
 * finer fractions are rejected, as are negative values and values above {@code Long.MAX_VALUE} nanoseconds.
 *
 * <h2>Sizes (bytes)</h2>
 * Multipliers are always binary, following iperf3's {@code -l 128K}: {@code K}, {@code M}, {@code G}, {@code T},
 * {@code P}, {@code E} mean 1024^1 … 1024^6 in either case and with an optional {@code B} or {@code iB} suffix, so
 * {@code 64k}, {@code 64K}, {@code 64KB}, {@code 64kB} and {@code 64KiB} are all 65536 bytes. There is no decimal
 * size syntax: one rule, no {@code kB}/{@code KB} trap. A lowercase {@code b} is rejected (it means bits). A value
 * with a multiplier may have a fraction and is rounded half up to whole bytes ({@code 1.5M} = 1572864); a value
 * without one must be whole.
 *
 * <h2>Bit rates (bit/s)</h2>
 * Multipliers are always decimal, following iperf3's {@code -b 100M}: {@code k}, {@code M}, {@code G}, {@code T},
 * {@code P}, {@code E} mean 1000^1 … 1000^6 in either case, optionally followed by {@code bps}, {@code bit/s},
 * {@code bits/s} or {@code b/s} ({@code 100M} = {@code 100Mbps} = 100,000,000). Byte rates ({@code MB/s}) and
 * binary multipliers ({@code Mi}) are rejected. Fractions with a multiplier are rounded half up to whole bit/s.
 *
 * <h2>Formatting</h2>
 * {@link #formatDuration} is exact and parses back to the same value; {@link #formatBytes} (IEC units,
 * {@code 1.50 MiB}) and {@link #formatBitRate} (SI units, {@code 94.3 Mbit/s}) keep three significant digits and
 * parse back to within 0.5 % (for values up to {@code Long.MAX_VALUE}). Output does not depend on the default locale.
 */
public final class Units {

    static final String DURATION_FORMS = "a non-negative number followed by ns, us (or \u00b5s), ms, s, m, h or d "
            + "(24h), parts combined from largest to smallest unit (250us, 5ms, 1.5s, 2m, 1h30m, 7d); a bare number means "
            + "seconds (10, 0.5)";
    static final String SIZE_FORMS = "a non-negative number of bytes with an optional binary multiplier K, M, G, "
            + "T, P or E (1024^n, any case) optionally followed by B or iB (64, 64B, 64K, 64KB, 64KiB, 1.5M)";
    static final String RATE_FORMS = "a non-negative number of bits per second with an optional decimal "
            + "multiplier k, M, G, T, P or E (1000^n, any case) optionally followed by bps, bit/s, bits/s or b/s "
            + "(100M, 1.5G, 64K, 100Mbps, 94.3 Mbit/s)";

    private static final int MAX_INPUT_CHARS = 64;
    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)";
    private static final String MULTIPLIERS = "KMGTPE";
    private static final Pattern BARE_NUMBER = Pattern.compile(NUMBER);
    private static final Pattern DURATION_PART = Pattern.compile("\\s*" + NUMBER + "\\s*(ns|us|\u00b5s|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile(NUMBER + "\\s*(?:([kKmMgGtTpPeE])(?:iB|B)?|B)?");
    private static final Pattern RATE = Pattern.compile(NUMBER + "\\s*([kKmMgGtTpPeE])?(?:bps|bits?/s|b/s)?");

    /** Duration units from the largest to the smallest, with their length in nanoseconds. */
    private static final List<String> DURATION_UNITS = List.of("d", "h", "m", "s", "ms", "us", "ns");
    private static final long[] DURATION_UNIT_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L,
            1_000_000L, 1_000L, 1L};

    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger NANOS_PER_MINUTE = BigInteger.valueOf(60_000_000_000L);
    private static final BigInteger NANOS_PER_HOUR = BigInteger.valueOf(3_600_000_000_000L);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);
    private static final List<String> BYTE_UNITS = List.of("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB");
    private static final List<String> RATE_UNITS =
            List.of("bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s", "Pbit/s", "Ebit/s");

    private Units() {
    }

    /** Parses a duration such as {@code 5ms}, {@code 1.5s}, {@code 1h30m} or {@code 10} (seconds). */
    public static Duration parseDuration(String text) {
        String s = checked(text, "duration", DURATION_FORMS);
        if (BARE_NUMBER.matcher(s).matches()) {
            return toDuration(text, new BigDecimal(s).multiply(new BigDecimal(NANOS_PER_SECOND)));
        }
        Matcher m = DURATION_PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int previousUnit = -1;
        int pos = 0;
        while (pos < s.length()) {
            m.region(pos, s.length());
            if (!m.lookingAt()) {
                throw invalid(text, "duration", null, DURATION_FORMS);
            }
            String unit = m.group(2).equals("\u00b5s") ? "us" : m.group(2);
            int unitIndex = DURATION_UNITS.indexOf(unit);
            if (unitIndex <= previousUnit) {
                throw invalid(text, "duration", "units must go from largest to smallest, each at most once",
                        DURATION_FORMS);
            }
            previousUnit = unitIndex;
            BigDecimal unitNanos = BigDecimal.valueOf(DURATION_UNIT_NANOS[unitIndex]);
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unitNanos));
            pos = m.end();
        }
        return toDuration(text, nanos);
    }

    /** Parses a size in bytes such as {@code 64}, {@code 64K}, {@code 64KiB} or {@code 1.5M} (multipliers 1024^n). */
    public static long parseBytes(String text) {
        String s = checked(text, "size", SIZE_FORMS);
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw invalid(text, "size", s.endsWith("b") ? "'b' means bits, sizes take B" : null, SIZE_FORMS);
        }
        return scaled(text, "size", SIZE_FORMS, m.group(1), m.group(2), 1024);
    }

    /** Parses a rate in bit/s such as {@code 100M}, {@code 1.5G} or {@code 100Mbps}; multipliers are 1000^n. */
    public static long parseBitRate(String text) {
        String s = checked(text, "bit rate", RATE_FORMS);
        Matcher m = RATE.matcher(s);
        if (!m.matches()) {
            String hint = s.contains("B") ? "B means bytes, rates are in bits per second"
                    : s.contains("i") ? "binary multipliers (Ki, Mi) are for sizes, rates use k, M, G" : null;
            throw invalid(text, "bit rate", hint, RATE_FORMS);
        }
        return scaled(text, "bit rate", RATE_FORMS, m.group(1), m.group(2), 1000);
    }

    /**
     * Formats a duration exactly in the syntax {@link #parseDuration} reads: {@code 0s}, {@code 100ns},
     * {@code 250us}, {@code 1.5ms}, {@code 1.5s}, {@code 2m}, {@code 1h30m}, {@code 1h0.5s} (zero parts omitted);
     * a negative duration gets a leading {@code -}.
     */
    public static String formatDuration(Duration duration) {
        BigInteger nanos = BigInteger.valueOf(duration.getSeconds()).multiply(NANOS_PER_SECOND)
                .add(BigInteger.valueOf(duration.getNano()));
        return nanos.signum() < 0 ? "-" + formatNanos(nanos.negate()) : formatNanos(nanos);
    }

    /** Formats a byte count with IEC units and three significant digits: {@code 512 B}, {@code 1.50 MiB}. */
    public static String formatBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot format a negative size: " + bytes);
        }
        return threeDigits(BigDecimal.valueOf(bytes), 1024, BYTE_UNITS);
    }

    /** Formats a rate with SI units and three significant digits: {@code 512 bit/s}, {@code 94.3 Mbit/s}. */
    public static String formatBitRate(double bitsPerSecond) {
        if (!(bitsPerSecond >= 0) || Double.isInfinite(bitsPerSecond)) {
            throw new IllegalArgumentException("cannot format a bit rate that is negative or not finite: "
                    + bitsPerSecond);
        }
        return threeDigits(new BigDecimal(bitsPerSecond), 1000, RATE_UNITS);
    }

    private static String checked(String text, String what, String forms) {
        if (text == null) {
            throw new IllegalArgumentException("missing " + what + "; expected " + forms);
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw invalid(text, what, "it is empty", forms);
        }
        if (s.length() > MAX_INPUT_CHARS) {
            throw invalid(s.substring(0, MAX_INPUT_CHARS) + "…", what, "it is too long", forms);
        }
        if (s.startsWith("-")) {
            throw invalid(text, what, "negative values are not allowed", forms);
        }
        return s;
    }

    private static IllegalArgumentException invalid(String text, String what, String reason, String forms) {
        return new IllegalArgumentException("invalid " + what + " '" + text + "'"
                + (reason == null ? "" : ": " + reason) + "; expected " + forms);
    }

    private static Duration toDuration(String text, BigDecimal nanos) {
        if (nanos.stripTrailingZeros().scale() > 0) {
            throw invalid(text, "duration", "finer than one nanosecond", DURATION_FORMS);
        }
        if (nanos.compareTo(LONG_MAX) > 0) {
            throw invalid(text, "duration", "too large (at most " + formatDuration(Duration.ofNanos(Long.MAX_VALUE))
                    + ")", DURATION_FORMS);
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    private static long scaled(String text, String what, String forms, String number, String multiplier, int base) {
        BigDecimal value = new BigDecimal(number);
        if (multiplier == null) {
            if (value.stripTrailingZeros().scale() > 0) {
                throw invalid(text, what, "a value without a multiplier must be a whole number", forms);
            }
        } else {
            int power = MULTIPLIERS.indexOf(Character.toUpperCase(multiplier.charAt(0))) + 1;
            value = value.multiply(BigDecimal.valueOf(base).pow(power)).setScale(0, RoundingMode.HALF_UP);
        }
        if (value.compareTo(LONG_MAX) > 0) {
            throw invalid(text, what, "too large (at most " + Long.MAX_VALUE + ")", forms);
        }
        return value.longValueExact();
    }

    private static String formatNanos(BigInteger nanos) {
        if (nanos.signum() == 0) {
            return "0s";
        }
        if (nanos.compareTo(BigInteger.valueOf(1_000L)) < 0) {
            return nanos + "ns";
        }
        if (nanos.compareTo(BigInteger.valueOf(1_000_000L)) < 0) {
            return plain(nanos, 3) + "us";
        }
        if (nanos.compareTo(NANOS_PER_SECOND) < 0) {
            return plain(nanos, 6) + "ms";
        }
        if (nanos.compareTo(NANOS_PER_MINUTE) < 0) {
            return plain(nanos, 9) + "s";
        }
        BigInteger[] hours = nanos.divideAndRemainder(NANOS_PER_HOUR);
        BigInteger[] minutes = hours[1].divideAndRemainder(NANOS_PER_MINUTE);
        StringBuilder out = new StringBuilder();
        if (hours[0].signum() > 0) {
            out.append(hours[0]).append('h');
        }
        if (minutes[0].signum() > 0) {
            out.append(minutes[0]).append('m');
        }
        if (minutes[1].signum() > 0) {
            out.append(plain(minutes[1], 9)).append('s');
        }
        return out.toString();
    }

    /** The decimal {@code unscaled / 10^scale} without trailing zeros or exponent. */
    private static String plain(BigInteger unscaled, int scale) {
        return new BigDecimal(unscaled, scale).stripTrailingZeros().toPlainString();
    }

    /**
     * Scales {@code value} to the largest unit that keeps it at or above 1 and rounds it to three significant digits;
     * the smallest unit shows whole numbers. A value that rounds up to {@code base} moves to the next unit; a value
     * that would round past {@code Long.MAX_VALUE} is truncated so that the text still parses.
     */
    private static String threeDigits(BigDecimal value, int base, List<String> units) {
        BigDecimal divisor = BigDecimal.valueOf(base);
        BigDecimal v = value;
        int unit = 0;
        while (unit < units.size() - 1 && v.compareTo(divisor) >= 0) {
            v = v.divide(divisor);
            unit++;
        }
        if (unit == 0) {
            BigDecimal whole = v.setScale(0, RoundingMode.HALF_UP);
            if (whole.compareTo(divisor) < 0) {
                return whole.toPlainString() + " " + units.getFirst();
            }
            v = v.divide(divisor);
            unit = 1;
        }
        BigDecimal rounded = v.round(THREE_DIGITS);
        if (rounded.compareTo(divisor) >= 0 && unit < units.size() - 1) {
            v = v.divide(divisor);
            unit++;
            rounded = v.round(THREE_DIGITS);
        }
        if (rounded.multiply(divisor.pow(unit)).compareTo(LONG_MAX) > 0) {
            // Rounding up near Long.MAX_VALUE would print a value that no longer parses; truncate instead.
            rounded = v.round(new MathContext(3, RoundingMode.DOWN));
        }
        int integerDigits = rounded.precision() - rounded.scale();
        rounded = rounded.setScale(Math.max(0, 3 - integerDigits), RoundingMode.HALF_UP);
        return rounded.toPlainString() + " " + units.get(unit);
    }
}
