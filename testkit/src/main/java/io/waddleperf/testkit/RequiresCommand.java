package io.waddleperf.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (or every test of the class) runs a program that must be installed: found on {@code PATH} or in the
 * sbin folders ({@link Requirements#command}). Skipped without it, failed under {@code CI=true}; see
 * {@link Requirements}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(RequiresCommand.All.class)
@ExtendWith(Requirements.class)
public @interface RequiresCommand {

    /** The program's name, e.g. {@code iperf3}. */
    String value();

    /** The Debian package that installs it, when its name differs from the program's (e.g. {@code mtr-tiny}). */
    String apt() default "";

    /** Several programs on one element. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @ExtendWith(Requirements.class)
    @interface All {
        RequiresCommand[] value();
    }
}
