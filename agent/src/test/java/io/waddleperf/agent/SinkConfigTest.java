package io.waddleperf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.agent.sink.SyslogSink;
import io.waddleperf.core.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local sinks' configuration: defaults, and every error naming its key path. */
class SinkConfigTest {

    /** {@code settings} over the defaults, with the target server the default tiers need. */
    static AgentConfig config(Map<String, String> settings) {
        java.util.Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("target_server", "127.0.0.1");
        return AgentConfig.of(all);
    }

    @Test
    void syslog_defaults_and_ports() {
        AgentConfig.Syslog s = config(Map.of("sinks.syslog.enabled", "true", "sinks.syslog.host", "logs"))
                .sinks().syslog();
        assertThat(s.transport()).isEqualTo(SyslogSink.Transport.UDP);
        assertThat(s.effectivePort()).isEqualTo(514);
        assertThat(config(Map.of("sinks.syslog.transport", "tls")).sinks().syslog().effectivePort())
                .isEqualTo(6514);
        assertThat(config(Map.of("sinks.syslog.port", "1514")).sinks().syslog().effectivePort())
                .isEqualTo(1514);
    }

    @Test
    void syslog_errors_name_the_key_path() {
        assertThatThrownBy(() -> config(Map.of("sinks.syslog.enabled", "true", "sinks.syslog.facility", "locl0",
                "sinks.syslog.app_name", "two words", "sinks.syslog.ca_file", "/x.pem",
                "sinks.syslog.max_message_bytes", "70000")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("'sinks.syslog.host'"),
                        p -> assertThat(p).startsWith("'sinks.syslog.facility'").contains("'locl0'", "local0"),
                        p -> assertThat(p).startsWith("'sinks.syslog.app_name'"),
                        p -> assertThat(p).startsWith("'sinks.syslog.ca_file'").contains("tls only"),
                        p -> assertThat(p).startsWith("'sinks.syslog.max_message_bytes'").contains("65000")));
        assertThatThrownBy(() -> config(Map.of("sinks.syslog.transport", "quic")))
                .hasMessageContaining("sinks.syslog.transport");
    }

    @Test
    void an_unreadable_syslog_ca_file_is_a_configuration_error_naming_the_key() {
        AgentConfig c = config(Map.of("sinks.syslog.enabled", "true", "sinks.syslog.host", "127.0.0.1",
                "sinks.syslog.transport", "tls", "sinks.syslog.ca_file", "/nonexistent/ca.pem"));
        assertThatThrownBy(() -> LocalSinks.syslog(c.sinks().syslog()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("'sinks.syslog.ca_file': cannot read /nonexistent/ca.pem"));
    }

    @Test
    void s3_errors_name_the_key_path() {
        assertThatThrownBy(() -> config(Map.of("sinks.s3.enabled", "true", "sinks.s3.sse", "rot13",
                "sinks.s3.access_key_id", "AKIA", "sinks.s3.endpoint", "ftp://x", "sinks.s3.kms_key_id", "k")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("'sinks.s3.bucket'"),
                        p -> assertThat(p).startsWith("'sinks.s3.sse'").contains("AES256"),
                        p -> assertThat(p).startsWith("'sinks.s3.secret_access_key'"),
                        p -> assertThat(p).startsWith("'sinks.s3.endpoint'"),
                        p -> assertThat(p).startsWith("'sinks.s3.kms_key_id'")));
    }

    @Test
    void email_errors_name_the_key_path() {
        assertThatThrownBy(() -> config(Map.of("sinks.email.enabled", "true", "sinks.email.from", "nobody",
                "sinks.email.username", "u", "sinks.email.starttls", "maybe")))
                .hasMessageContaining("'sinks.email.starttls'");
        assertThatThrownBy(() -> config(Map.of("sinks.email.enabled", "true", "sinks.email.from", "nobody",
                "sinks.email.username", "u")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("'sinks.email.smtp_host'"),
                        p -> assertThat(p).startsWith("'sinks.email.to'"),
                        p -> assertThat(p).startsWith("'sinks.email.from'").contains("'nobody'"),
                        p -> assertThat(p).startsWith("'sinks.email.password'")));
    }
}
