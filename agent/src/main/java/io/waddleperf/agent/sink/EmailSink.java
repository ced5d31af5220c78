package io.waddleperf.agent.sink;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.notify.Mailer;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Mails a short report when results show an AutoPerf escalation (results of tier 2 or 3) or a failed probe, at most
 * one mail per kind of event per {@code window}: events of a kind within the window of its last mail are counted and
 * named in the next mail of that kind. Results of tier 1 that succeeded send nothing.
 * <p>
 * A mail the SMTP server did not accept fails the batch (the outbox sends it again with backoff); kinds already
 * mailed for that batch are then inside their window, so a batch sent again does not mail them twice. The window is
 * kept in memory: after a restart the first event of each kind is mailed. The mail itself goes through the shared
 * {@link Mailer}.
 */
public final class EmailSink implements Sink {

    /** What a mail is about. */
    public enum Event {
        TIER2("tier 2 escalation"), TIER3("tier 3 escalation"), FAILURE("probe failures");

        final String title;

        Event(String title) {
            this.title = title;
        }
    }

    /** How STARTTLS is used: never, when the server offers it, or required (no mail over a plain connection). */
    public enum StartTls { NONE, OPTIONAL, REQUIRED }

    private static final int LINES = 50;

    private final Mailer mailer;
    private final List<InternetAddress> to;
    private final String hostname;
    private final Duration window;
    private final int batchSize;
    private final Clock clock;
    private final Map<Event, Instant> lastMail = new EnumMap<>(Event.class);
    private final Map<Event, Integer> heldBack = new EnumMap<>(Event.class);

    public EmailSink(String host, int port, StartTls startTls, String username, Secret password, String from,
                     List<String> to, String hostname, Duration window, Duration timeout, int batchSize, Clock clock)
            throws IOException {
        this.mailer = new Mailer(host, port, Mailer.StartTls.valueOf(startTls.name()), username, password, from, timeout);
        this.to = new ArrayList<>(to.size());
        for (String address : to) {
            this.to.add(Mailer.address(address));
        }
        this.hostname = hostname;
        this.window = window;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    /** The events a result shows (none for a successful tier-1 result). */
    static List<Event> events(ProbeResult r) {
        List<Event> out = new ArrayList<>(2);
        if (r.tier() != null && r.tier() == 2) {
            out.add(Event.TIER2);
        } else if (r.tier() != null && r.tier() >= 3) {
            out.add(Event.TIER3);
        }
        if (!r.success()) {
            out.add(Event.FAILURE);
        }
        return out;
    }

    @Override
    public synchronized void export(List<SpooledResult> batch) throws IOException {
        Map<Event, List<ProbeResult>> byEvent = new EnumMap<>(Event.class);
        for (SpooledResult s : batch) {
            ProbeResult r = s.result();
            for (Event e : events(r)) {
                byEvent.computeIfAbsent(e, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Event, List<ProbeResult>> e : byEvent.entrySet()) {
            Event event = e.getKey();
            Instant now = clock.instant();
            Instant last = lastMail.get(event);
            if (last != null && now.isBefore(last.plus(window))) {
                heldBack.merge(event, e.getValue().size(), Integer::sum);
                continue;
            }
            send(event, e.getValue(), heldBack.getOrDefault(event, 0));
            lastMail.put(event, now);
            heldBack.remove(event);
        }
    }

    private void send(Event event, List<ProbeResult> results, int held) throws IOException {
        String subject = "[WaddlePerf] " + hostname + ": " + event.title + " (" + results.size()
                + (results.size() == 1 ? " result)" : " results)");
        StringBuilder body = new StringBuilder();
        body.append("Agent ").append(hostname).append(" reports ").append(event.title).append(":\n\n");
        for (int i = 0; i < Math.min(LINES, results.size()); i++) {
            body.append(line(results.get(i))).append('\n');
        }
        if (results.size() > LINES) {
            body.append("… and ").append(results.size() - LINES).append(" more\n");
        }
        if (held > 0) {
            body.append('\n').append(held).append(held == 1 ? " result" : " results")
                    .append(" of this kind came since the last mail, which was held back by the rate limit.\n");
        }
        mailer.send(to, subject, body.toString(), clock.instant());
    }

    /** One result as a line; text from the peer loses its control characters so it cannot break the layout. */
    static String line(ProbeResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.startedAt()).append("  tier ").append(r.tier() == null ? "-" : r.tier()).append("  ")
                .append(r.testType() == null ? "-" : r.testType().wireName()).append("  ").append(r.target());
        sb.append(r.success() ? "  ok" : "  FAILED");
        if (r.latencyMs() != null) {
            sb.append(String.format(java.util.Locale.ROOT, "  latency %.2f ms", r.latencyMs()));
        }
        if (r.error() != null) {
            sb.append("  ").append(r.error());
        }
        return sb.toString().replaceAll("[\\p{Cntrl}\u2028\u2029]", " ");
    }
}
