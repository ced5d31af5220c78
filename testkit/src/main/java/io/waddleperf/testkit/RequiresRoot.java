package io.waddleperf.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (or every test of the class) needs to run as root: raw sockets, network namespaces. Skipped without
 * it, failed under {@code CI=true}; see {@link Requirements}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(Requirements.class)
public @interface RequiresRoot {

    /** What root is needed for, shown in the skip or failure message. */
    String value() default "";
}
