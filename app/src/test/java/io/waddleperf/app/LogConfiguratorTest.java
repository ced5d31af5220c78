package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {

    @Test
    void logback_finds_it_and_logs_to_stderr() {
        // The program's logger context was configured by the service-loaded configurator: its appender is ours.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) root.getAppender("STDERR")).getTarget()).isEqualTo("System.err");
        assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void level_comes_from_the_variable_and_a_bad_value_is_named() {
        assertThat(LogConfigurator.rootLevel(null)).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.rootLevel(" debug ")).isEqualTo(Level.DEBUG);
        assertThat(LogConfigurator.rootLevel("off")).isEqualTo(Level.OFF);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(LogConfigurator.rootLevel("loud")).isEqualTo(Level.INFO);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WADDLEPERF_LOG_LEVEL=loud is not a log level").contains("using INFO");
    }

    @Test
    void remote_text_in_a_log_line_is_made_safe_message_and_exception_alike() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext fresh = new LoggerContext();
        fresh.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as SLF4J's provider would
        try {
            LogConfigurator configurator = new LogConfigurator();
            configurator.setContext(fresh);
            configurator.configure(fresh);
            String hostile = "\u001b]0;PWNED-TITLE\u0007\u001b[2J\u001b[31m";
            fresh.getLogger("org.apache.sshd.client").warn("server version {}\nFAKE INFO line", hostile,
                    new java.io.IOException("peer said " + hostile, new IllegalStateException("cause " + hostile)));
        } finally {
            System.setErr(err);
            fresh.stop();
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\u001b", "\u0007");
        assertThat(out).contains("server version \\x1b]0;PWNED-TITLE\\x07\\x1b[2J\\x1b[31m\\x0aFAKE INFO line");
        assertThat(out).contains("java.io.IOException: peer said \\x1b]0;PWNED-TITLE");
        assertThat(out).contains("Caused by: java.lang.IllegalStateException: cause \\x1b]0;");
        assertThat(out).contains("\tat io.waddleperf.app.LogConfiguratorTest");
    }

    @Test
    void a_configuration_file_the_user_names_takes_over() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
        try {
            LoggerContext fresh = new LoggerContext();
            LogConfigurator configurator = new LogConfigurator();
            configurator.setContext(fresh);
            assertThat(configurator.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
