package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The requirements extension on sample test classes run by a launcher of their own, once as on a developer's
 * machine and once as in CI (the {@code waddleperf.ci} parameter standing in for the environment).
 */
class RequirementsTest {

    private static final String MISSING = "waddleperf-no-such-command";

    /** What happened to each test (by method or class name) of a launcher run. */
    private static Map<String, TestExecutionResult> run(Class<?> fixture, boolean ci) {
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameter(Requirements.CI_PARAMETER, Boolean.toString(ci))
                // The samples are @Disabled so that the build's own test run leaves them alone.
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                results.put(name(id), result);
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                throw new AssertionError("unexpected JUnit skip of " + id.getDisplayName() + ": " + reason);
            }
        });
        return results;
    }

    /** A test method's name, or a test class's simple name. */
    private static String name(TestIdentifier id) {
        return switch (id.getSource().orElse(null)) {
            case MethodSource m -> m.getMethodName();
            case ClassSource c -> c.getJavaClass().getSimpleName();
            case null, default -> id.getUniqueId();
        };
    }

    private static Throwable thrown(TestExecutionResult result) {
        return result.getThrowable().orElseThrow();
    }

    @Disabled("a sample for RequirementsTest's own launcher")
    static class MethodSample {
        static final List<String> RAN = new ArrayList<>();

        @Test
        @RequiresCommand(MISSING)
        void needsAMissingCommand() {
            RAN.add("needsAMissingCommand");
        }

        @Test
        @RequiresCommand("sh")
        @RequiresCommand(value = "/bin/sh", apt = "dash")
        void needsPresentCommands() {
            RAN.add("needsPresentCommands");
        }

        @Test
        @RequiresRoot("raw sockets")
        void needsRoot() {
            RAN.add("needsRoot");
        }

        @Test
        void checksAtRunTime() {
            Requirements.require(false, "nothing to measure against");
        }
    }

    @Disabled("a sample for RequirementsTest's own launcher")
    @RequiresCommand(value = MISSING, apt = "Missing-Package")
    static class ClassSample {
        static boolean setUp;

        @BeforeAll
        static void setUp() {
            setUp = true;
        }

        @Test
        void anything() {
        }
    }

    @Test
    void outside_ci_a_missing_command_skips_the_test_with_the_reason_and_a_present_one_runs_it() {
        MethodSample.RAN.clear();
        Map<String, TestExecutionResult> r = run(MethodSample.class, false);

        assertThat(r.get("needsAMissingCommand").getStatus()).isEqualTo(TestExecutionResult.Status.ABORTED);
        assertThat(thrown(r.get("needsAMissingCommand"))).isInstanceOf(TestAbortedException.class)
                .hasMessage(MISSING + " is not installed (apt-get install " + MISSING + ")");
        assertThat(r.get("needsPresentCommands").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(MethodSample.RAN).contains("needsPresentCommands").doesNotContain("needsAMissingCommand");
    }

    @Test
    void in_ci_a_missing_command_fails_the_test_with_the_reason() {
        MethodSample.RAN.clear();
        Map<String, TestExecutionResult> r = run(MethodSample.class, true);

        assertThat(r.get("needsAMissingCommand").getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(thrown(r.get("needsAMissingCommand"))).isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith(MISSING + " is not installed").hasMessageContaining("CI=true");
        assertThat(r.get("needsPresentCommands").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(MethodSample.RAN).doesNotContain("needsAMissingCommand");
    }

    @Test
    void root_is_required_exactly_when_not_running_as_root() {
        for (boolean ci : new boolean[] {false, true}) {
            TestExecutionResult result = run(MethodSample.class, ci).get("needsRoot");
            if (Requirements.isRoot()) {
                assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
            } else {
                assertThat(result.getStatus()).isEqualTo(ci ? TestExecutionResult.Status.FAILED : TestExecutionResult.Status.ABORTED);
                assertThat(thrown(result)).hasMessageStartingWith("needs root: raw sockets");
            }
        }
        assertThat(Requirements.isRoot()).isEqualTo("root".equals(System.getProperty("user.name")));
    }

    @Test
    void a_class_requirement_is_checked_before_the_class_set_up() {
        ClassSample.setUp = false;
        TestExecutionResult skipped = run(ClassSample.class, false).get(ClassSample.class.getSimpleName());
        assertThat(skipped.getStatus()).isEqualTo(TestExecutionResult.Status.ABORTED);
        assertThat(thrown(skipped)).hasMessage(MISSING + " is not installed (apt-get install missing-package)");

        TestExecutionResult failed = run(ClassSample.class, true).get(ClassSample.class.getSimpleName());
        assertThat(failed.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(ClassSample.setUp).as("@BeforeAll never ran").isFalse();
    }

    @Test
    void the_static_check_skips_or_fails_by_the_environment() {
        Requirements.require(true, "met: nothing happens", true);
        assertThatThrownBy(() -> Requirements.require(false, "no lab", false)).isInstanceOf(TestAbortedException.class).hasMessage("no lab");
        assertThatThrownBy(() -> Requirements.require(false, "no lab", true)).isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("no lab");
        // Outside the parameter, the sample's run-time check follows the real environment.
        assertThat(run(MethodSample.class, true).get("checksAtRunTime").getStatus())
                .isEqualTo(Requirements.inCi() ? TestExecutionResult.Status.FAILED : TestExecutionResult.Status.ABORTED);
    }

    @Test
    void reads_ci_as_the_ci_services_set_it() {
        assertThat(Requirements.isCi("true")).isTrue();
        assertThat(Requirements.isCi("TRUE")).isTrue();
        assertThat(Requirements.isCi("1")).isTrue();
        assertThat(Requirements.isCi(null)).isFalse();
        assertThat(Requirements.isCi("")).isFalse();
        assertThat(Requirements.isCi("false")).isFalse();
    }

    @Test
    void finds_commands_on_the_path_in_sbin_and_by_absolute_path() {
        assertThat(Requirements.command("sh")).isPresent();
        assertThat(Requirements.command("/bin/sh")).contains(java.nio.file.Path.of("/bin/sh"));
        assertThat(Requirements.command(MISSING)).isEmpty();
        assertThat(Requirements.command("/nonexistent/" + MISSING)).isEqualTo(Optional.empty());
    }
}
