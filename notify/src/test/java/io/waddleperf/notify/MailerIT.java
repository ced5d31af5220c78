package io.waddleperf.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.waddleperf.core.config.Secret;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mail through GreenMail's SMTP server on a free loopback port. */
class MailerIT {

    private GreenMail smtp;
    private int port;

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

    private Mailer mailer(Mailer.StartTls tls, String user, Secret password) throws IOException {
        return new Mailer("127.0.0.1", port, tls, user, password, "manager@example.net", Duration.ofSeconds(5));
    }

    @Test
    void mails_a_notification_with_its_facts_and_no_injected_header() throws Exception {
        Delivery d = mailer(Mailer.StartTls.OPTIONAL, null, null).send(
                List.of(Mailer.address("noc@example.net"), Mailer.address("oncall@example.net")),
                WebhookSenderIT.hostile());
        assertThat(d.delivered()).isTrue();
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(2);
        assertThat(got[0].getSubject()).isEqualTo("Latency high on <!here> @everyone [click](http://evil.example)");
        assertThat(got[0].getHeader("Bcc")).isNull();
        String body = GreenMailUtil.getBody(got[0]);
        assertThat(body).contains("Bcc: x@evil.example").contains("target: tcp://<!channel>@everyone.example:443")
                .doesNotContain("\u001b");
    }

    @Test
    void authenticates_and_reports_a_refusal_as_a_failed_delivery() throws Exception {
        smtp.setUser("manager@example.net", "mgr", "pw");
        mailer(Mailer.StartTls.NONE, "mgr", Secret.of("pw")).send(List.of(Mailer.address("a@example.net")), "s", "b",
                java.time.Instant.now());
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        Delivery refused = mailer(Mailer.StartTls.REQUIRED, null, null).send(List.of(Mailer.address("a@example.net")),
                WebhookSenderIT.hostile());
        assertThat(refused.delivered()).isFalse();
        assertThat(refused.error()).contains("via SMTP");
        assertThatThrownBy(() -> Mailer.address("not an address")).isInstanceOf(IOException.class)
                .hasMessageContaining("not a mail address");
    }
}
