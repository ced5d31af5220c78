package io.waddleperf.testkit;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine (root, an installed program, network namespaces, a browser) and what
 * happens when it is missing: on a developer's machine the test is skipped with the reason printed; under
 * {@code CI=true} it fails with the reason, because CI installs everything and a skip there would hide a test
 * that never ran.
 *
 * <p>Declare requirements with {@link RequiresRoot} and {@link RequiresCommand} (checked before the class's or
 * the method's own set-up runs), or check at run time with {@link #require(boolean, String)}.
 */
public final class Requirements implements BeforeAllCallback, BeforeEachCallback {

    /**
     * JUnit configuration parameter that, when set, stands for the {@code CI} environment variable: lets the
     * extension's own tests run both ways in one JVM.
     */
    public static final String CI_PARAMETER = "waddleperf.ci";

    /** Where Debian keeps programs that are not on a normal user's {@code PATH} (sshd, dnsmasq). */
    private static final List<String> SBIN = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    /**
     * Skips the calling test when {@code met} is false (printing {@code reason}), or fails it under
     * {@code CI=true}.
     */
    public static void require(boolean met, String reason) {
        require(met, reason, inCi());
    }

    /** Whether the environment variable {@code CI} says this is a CI run ({@code true} or {@code 1}). */
    public static boolean inCi() {
        return isCi(System.getenv("CI"));
    }

    /** Whether this process runs as root (uid 0). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // not Linux: no uid to read, and none of the root-only tests apply
        }
    }

    /** The executable {@code name} on {@code PATH} or in an sbin folder; an absolute {@code name} is checked as is. */
    public static Optional<Path> command(String name) {
        if (name.indexOf('/') >= 0) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SBIN);
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static boolean isCi(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    static void require(boolean met, String reason, boolean ci) {
        if (met) {
            return;
        }
        if (ci) {
            throw new AssertionFailedError(reason + " (CI=true: this test must run, not skip)");
        }
        System.out.println("SKIPPED: " + reason);
        throw new TestAbortedException(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getTestClass().ifPresent(c -> check(c, context));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getTestMethod().ifPresent(m -> check(m, context));
    }

    private static void check(AnnotatedElement element, ExtensionContext context) {
        boolean ci = context.getConfigurationParameter(CI_PARAMETER).map(Boolean::parseBoolean).orElseGet(Requirements::inCi);
        List<String> missing = new ArrayList<>();
        AnnotationSupport.findAnnotation(element, RequiresRoot.class).ifPresent(root -> {
            if (!isRoot()) {
                missing.add("needs root" + (root.value().isEmpty() ? "" : ": " + root.value()));
            }
        });
        for (RequiresCommand command : AnnotationSupport.findRepeatableAnnotations(element, RequiresCommand.class)) {
            if (command(command.value()).isEmpty()) {
                String pkg = command.apt().isEmpty() ? command.value() : command.apt();
                missing.add(command.value() + " is not installed (apt-get install " + pkg.toLowerCase(Locale.ROOT) + ")");
            }
        }
        require(missing.isEmpty(), String.join("; ", missing), ci);
    }
}
