package io.waddleperf.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The program's logging set-up, in code rather than a {@code logback.xml}: one line per event on stderr (stdout stays
 * clean for JSON output), level from {@code WADDLEPERF_LOG_LEVEL} (INFO by default), chatty libraries at WARN, and
 * every message and exception text made safe for a terminal and a log reader ({@link SafeLogText}).
 *
 * <p>Why code: Logback reads an XML file with the JDK's XML parser, and loading that parser and Logback's
 * configuration model is a few hundred classes — 0.9 s on a loaded machine, measured in a cold
 * {@code waddleperf iperf3 -c} whose first log call came after TEST_RUNNING and held its first datagram back by that
 * much (docs/ACCURACY.md, iperf3 section). Found by Logback through {@code META-INF/services}. A user who points
 * {@code -Dlogback.configurationFile} at a file of their own gets that file instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String LEVEL_VARIABLE = "WADDLEPERF_LOG_LEVEL";
    /** {@code safeMsg} and {@code safeEx}: message and exception texts made safe (see {@link SafeLogText}). */
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{20} - %safeMsg%n%safeEx";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Map<String, Supplier<DynamicConverter>> words = new HashMap<>();
        words.put("safeMsg", SafeLogText.Message::new);
        words.put("safeEx", SafeLogText.Throwable::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, words);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(System.getenv(LEVEL_VARIABLE)));
        root.addAppender(stderr);
        for (String chatty : new String[] {"org.eclipse.jetty", "io.javalin", "org.apache.sshd", "com.zaxxer.hikari",
                "org.flywaydb"}) {
            context.getLogger(chatty).setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The root level a {@code WADDLEPERF_LOG_LEVEL} value names; INFO when unset, INFO with a warning when unknown. */
    static Level rootLevel(String value) {
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        String name = value.trim().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "ALL" -> Level.toLevel(name);
            default -> {
                System.err.println("waddleperf: " + LEVEL_VARIABLE + "=" + value
                        + " is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF); using INFO");
                yield Level.INFO;
            }
        };
    }
}
