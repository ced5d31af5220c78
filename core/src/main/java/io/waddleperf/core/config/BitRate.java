package io.waddleperf.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long}/{@code Long} record component (or the elements of a {@code List<Long>} or values of a
 * {@code Map<String, Long>}) as a rate in bit/s, read with {@link io.waddleperf.core.units.Units#parseBitRate}
 * ({@code 100M}, {@code 1.5Gbps}; multipliers are 1000^n). Name such components with their unit, e.g.
 * {@code maxRateBitsPerSecond}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface BitRate {
}
