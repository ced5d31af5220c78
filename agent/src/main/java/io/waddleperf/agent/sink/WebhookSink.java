package io.waddleperf.agent.sink;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.notify.Delivery;
import io.waddleperf.notify.Notification;
import io.waddleperf.notify.Webhook;
import io.waddleperf.notify.WebhookSender;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Posts to a webhook (Slack, Teams, Discord or generic JSON) when results show an AutoPerf escalation (results of
 * tier 2 or 3: a tier-1 threshold was crossed) or a failed probe — the same events as {@link EmailSink}, with the
 * same rate limit: at most one post per kind of event per {@code window}, the events held back in between counted in
 * the next post of that kind. A post the receiver does not take fails the batch and the outbox sends it again with
 * backoff; kinds already posted for that batch are inside their window then and not posted twice.
 */
public final class WebhookSink implements Sink {

    private static final int LINES = 20;

    private final Webhook hook;
    private final WebhookSender sender;
    private final String hostname;
    private final Duration window;
    private final int batchSize;
    private final Clock clock;
    private final Map<EmailSink.Event, Instant> lastPost = new EnumMap<>(EmailSink.Event.class);
    private final Map<EmailSink.Event, Integer> heldBack = new EnumMap<>(EmailSink.Event.class);

    public WebhookSink(Webhook hook, WebhookSender sender, String hostname, Duration window, int batchSize, Clock clock) {
        this.hook = hook;
        this.sender = sender;
        this.hostname = hostname;
        this.window = window;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    /** The sink owns its sender (made for it by the agent's sink set-up): its HTTP client stops with it. */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    @Override
    public synchronized void export(List<SpooledResult> batch) throws IOException {
        Map<EmailSink.Event, List<ProbeResult>> byEvent = new EnumMap<>(EmailSink.Event.class);
        for (SpooledResult s : batch) {
            ProbeResult r = s.result();
            for (EmailSink.Event e : EmailSink.events(r)) {
                byEvent.computeIfAbsent(e, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<EmailSink.Event, List<ProbeResult>> e : byEvent.entrySet()) {
            EmailSink.Event event = e.getKey();
            Instant now = clock.instant();
            Instant last = lastPost.get(event);
            if (last != null && now.isBefore(last.plus(window))) {
                heldBack.merge(event, e.getValue().size(), Integer::sum);
                continue;
            }
            Delivery d = sender.send(hook, notification(event, e.getValue(), heldBack.getOrDefault(event, 0), now));
            if (!d.delivered()) {
                throw new IOException(hook + ": " + d.summary());
            }
            lastPost.put(event, now);
            heldBack.remove(event);
        }
    }

    /** What one post says: the kind, how many results, the first {@value #LINES} of them, and what was held back. */
    Notification notification(EmailSink.Event event, List<ProbeResult> results, int held, Instant now) {
        String title = hostname + ": " + event.title + " (" + results.size()
                + (results.size() == 1 ? " result)" : " results)");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(LINES, results.size()); i++) {
            text.append(EmailSink.line(results.get(i))).append('\n');
        }
        if (results.size() > LINES) {
            text.append("… and ").append(results.size() - LINES).append(" more\n");
        }
        if (held > 0) {
            text.append(held).append(held == 1 ? " result" : " results")
                    .append(" of this kind came since the last post, held back by the rate limit.\n");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("agent", hostname);
        facts.put("event", event.title);
        facts.put("results", Integer.toString(results.size()));
        if (held > 0) {
            facts.put("held back", Integer.toString(held));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent", hostname);
        data.put("held_back", held);
        data.put("result_ids", results.stream().limit(LINES).map(r -> r.id().toString()).toList());
        data.put("targets", results.stream().map(ProbeResult::target).distinct().limit(LINES).toList());
        Notification.Severity severity = event == EmailSink.Event.TIER2 ? Notification.Severity.WARNING
                : Notification.Severity.CRITICAL;
        return new Notification("agent." + event.name().toLowerCase(java.util.Locale.ROOT), title, text.toString().strip(),
                severity, facts, data, now);
    }
}
