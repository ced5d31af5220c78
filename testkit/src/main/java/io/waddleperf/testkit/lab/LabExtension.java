package io.waddleperf.testkit.lab;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that builds a {@link Lab} for a test class and always tears it down, also when tests
 * fail; a JVM shutdown hook covers runs that are killed, and the next build removes what a crashed run left.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LabExtension LAB = LabExtension.of(Lab.builder().routers(3).link(2, LinkConfig.DEFAULT.withMtu(1400)));
 *
 * @Test
 * void reaches_the_server(Lab lab) { … }   // or LAB.lab()
 * }</pre>
 *
 * <p>Registered in a static field the lab lives for the whole class; in an instance field, one lab per test. Where no
 * lab can be built (not root, no {@code ip netns}) the tests are skipped with the reason printed, unless {@code CI}
 * is {@code true}: then they fail ({@link LabSupport#assumeAvailable()}).
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private final Supplier<Lab> factory;
    private volatile Lab lab;
    private volatile boolean perClass;

    private LabExtension(Supplier<Lab> factory) {
        this.factory = factory;
    }

    /** An extension building labs from {@code builder} (a builder may build many labs). */
    public static LabExtension of(Lab.Builder builder) {
        return new LabExtension(builder::build);
    }

    /** The lab of the running test. */
    public Lab lab() {
        Lab current = lab;
        if (current == null) {
            throw new IllegalStateException("no lab: the extension has not run its set-up (register it with @RegisterExtension)");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        LabSupport.assumeAvailable();
        lab = factory.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeLab();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            LabSupport.assumeAvailable();
            lab = factory.get();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            closeLab();
        }
    }

    private void closeLab() {
        Lab current = lab;
        lab = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return lab();
    }
}
