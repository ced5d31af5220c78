package io.waddleperf.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long}/{@code Long} record component (or the elements of a {@code List<Long>} or values of a
 * {@code Map<String, Long>}) as a size in bytes, read with {@link io.waddleperf.core.units.Units#parseBytes}
 * ({@code 64K}, {@code 1.5M}; multipliers are 1024^n). Name such components with their unit, e.g. {@code bufferBytes}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Bytes {
}
