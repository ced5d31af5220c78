package io.waddleperf.notify;

import io.waddleperf.core.config.Secret;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Sends plain-text mail through one SMTP server (Jakarta Mail, Eclipse Angus): connect, read and write each bounded by
 * {@code timeout}; STARTTLS never, when offered, or required; SMTP AUTH when a username is given. The subject is made
 * one line and the body loses control characters other than newlines, so text from a remote peer can neither add a
 * header nor hide part of the mail.
 */
public final class Mailer {

    /** How STARTTLS is used: never, when the server offers it, or required (no mail over a plain connection). */
    public enum StartTls { NONE, OPTIONAL, REQUIRED }

    private final Session session;
    private final String username;
    private final Secret password;
    private final InternetAddress from;

    /**
     * @throws IOException when {@code from} is not a mail address
     */
    public Mailer(String host, int port, StartTls startTls, String username, Secret password, String from,
                  Duration timeout) throws IOException {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        String ms = Long.toString(timeout.toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        p.put("mail.smtp.starttls.enable", Boolean.toString(startTls != StartTls.NONE));
        p.put("mail.smtp.starttls.required", Boolean.toString(startTls == StartTls.REQUIRED));
        p.put("mail.smtp.auth", Boolean.toString(username != null));
        this.session = Session.getInstance(p);
        this.username = username;
        this.password = password;
        this.from = address(from);
    }

    /** A checked address ({@code noc@example.net}). */
    public static InternetAddress address(String text) throws IOException {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            throw new IOException("not a mail address: " + e.getMessage(), e);
        }
    }

    /**
     * Sends one mail to every address in {@code to}.
     *
     * @throws IOException naming the first recipient when the server did not take it (unreachable, refused, timed
     *                     out, STARTTLS required and not offered)
     */
    public void send(List<InternetAddress> to, String subject, String body, Instant date) throws IOException {
        if (to.isEmpty()) {
            throw new IllegalArgumentException("a mail needs at least one recipient");
        }
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            m.setSubject(SafeText.line(subject, 250), "UTF-8");
            m.setText(SafeText.lines(body, 1 << 20), "UTF-8");
            m.setSentDate(java.util.Date.from(date));
            if (username != null) {
                Transport.send(m, username, password == null ? "" : password.reveal());
            } else {
                Transport.send(m);
            }
        } catch (MessagingException e) {
            throw new IOException("mail to " + to.getFirst() + (to.size() > 1 ? " and others" : "") + " via SMTP: "
                    + SafeText.line(e.getMessage(), 300), e);
        }
    }

    /** {@link #send} for a notification: its title as the subject, its text and facts as the body. */
    public Delivery send(List<InternetAddress> to, Notification n) {
        StringBuilder body = new StringBuilder(SafeText.lines(n.text(), 100_000));
        if (!n.facts().isEmpty()) {
            body.append("\n\n");
            n.facts().forEach((k, v) -> body.append(SafeText.line(k, 100)).append(": ").append(SafeText.line(v, 2000))
                    .append('\n'));
        }
        try {
            send(to, n.title(), body.toString(), n.at());
            return new Delivery(true, 1, 0, null);
        } catch (IOException e) {
            return new Delivery(false, 1, 0, e.getMessage());
        }
    }
}
