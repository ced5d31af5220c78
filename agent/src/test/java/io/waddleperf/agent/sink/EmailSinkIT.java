package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail sink against GreenMail's SMTP server on a free loopback port: what is mailed, and how often. */
class EmailSinkIT {

    /** A clock the test moves by hand (the rate limit's window). */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private GreenMail smtp;
    private int port;
    private final HandClock clock = new HandClock();

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    private EmailSink sink(EmailSink.StartTls startTls, String user, Secret password) throws IOException {
        return new EmailSink("127.0.0.1", port, startTls, user, password, "agent@example.net",
                List.of("noc@example.net", "oncall@example.net"), "agent-7", Duration.ofMinutes(15),
                Duration.ofSeconds(5), 500, clock);
    }

    private static SpooledResult result(int i, int tier, boolean success, String error) {
        ProbeResult r = ManagerSinkIT.result(i).toBuilder().tier(tier).success(success).error(error).build();
        return new SpooledResult(i + 1, Json.write(r));
    }

    private static List<SpooledResult> healthy(int n) {
        List<SpooledResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(result(i, 1, true, null));
        }
        return out;
    }

    @Test
    void mails_escalations_and_failures_once_per_kind_per_window() throws Exception {
        try (EmailSink sink = sink(EmailSink.StartTls.OPTIONAL, null, null)) {
            sink.export(healthy(20));
            assertThat(smtp.getReceivedMessages()).isEmpty(); // tier 1, all well: nothing to say

            sink.export(List.of(result(100, 2, true, null), result(101, 2, true, null),
                    result(102, 1, false, "timeout: no answer\r\nBcc: evil@example.com")));
            MimeMessage[] got = smtp.getReceivedMessages();
            // two recipients × two kinds (tier 2 escalation, probe failures)
            assertThat(got).hasSize(4);
            List<String> subjects = new ArrayList<>();
            for (MimeMessage m : got) {
                subjects.add(m.getSubject());
                assertThat(m.getFrom()[0].toString()).isEqualTo("agent@example.net");
                assertThat(m.getAllRecipients()).hasSize(2);
            }
            assertThat(subjects).containsOnly("[WaddlePerf] agent-7: tier 2 escalation (2 results)",
                    "[WaddlePerf] agent-7: probe failures (1 result)");
            String failureBody = GreenMailUtil.getBody(java.util.Arrays.stream(got)
                    .filter(m -> subjectOf(m).contains("failures")).findFirst().orElseThrow());
            // the peer's text is one line of the report, not a header
            assertThat(failureBody).contains("tier 1  tcp  tcp://127.0.0.1:1102  FAILED")
                    .contains("timeout: no answer  Bcc: evil@example.com");
            for (MimeMessage m : got) {
                assertThat(m.getHeader("Bcc")).isNull();
            }

            // within the window: held back and counted
            clock.now = clock.now.plus(Duration.ofMinutes(5));
            sink.export(List.of(result(103, 2, true, null), result(104, 2, true, null), result(105, 2, true, null)));
            assertThat(smtp.getReceivedMessages()).hasSize(4);
            sink.export(List.of(result(106, 3, true, null)));
            assertThat(smtp.getReceivedMessages()).hasSize(6); // tier 3 is a kind of its own

            // after the window: the next tier-2 mail names what was held back
            clock.now = clock.now.plus(Duration.ofMinutes(11));
            sink.export(List.of(result(107, 2, true, null)));
            MimeMessage[] after = smtp.getReceivedMessages();
            assertThat(after).hasSize(8);
            assertThat(GreenMailUtil.getBody(after[7]))
                    .contains("3 results of this kind came since the last mail, which was held back by the rate limit.");
        }
    }

    private static String subjectOf(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void authenticates_with_a_username_and_password() throws Exception {
        smtp.setUser("agent@example.net", "agent", "s3cret");
        try (EmailSink sink = sink(EmailSink.StartTls.OPTIONAL, "agent", Secret.of("s3cret"))) {
            sink.export(List.of(result(1, 3, true, null)));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(2);
    }

    @Test
    void required_starttls_refuses_a_server_without_it_and_a_server_that_is_down_fails_the_batch() throws Exception {
        try (EmailSink sink = sink(EmailSink.StartTls.REQUIRED, null, null)) {
            assertThatThrownBy(() -> sink.export(List.of(result(1, 2, true, null))))
                    .isInstanceOf(IOException.class).hasMessageContaining("via SMTP");
        }
        assertThat(smtp.getReceivedMessages()).isEmpty();
        smtp.stop();
        try (EmailSink sink = sink(EmailSink.StartTls.NONE, null, null)) {
            assertThatThrownBy(() -> sink.export(List.of(result(1, 2, true, null))))
                    .isInstanceOf(IOException.class).hasMessageContaining("via SMTP");
            // the failed mail was not counted as sent: once the server is back, the same batch mails
            smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            sink.export(List.of(result(1, 2, true, null)));
            assertThat(smtp.getReceivedMessages()).hasSize(2);
        }
    }
}
