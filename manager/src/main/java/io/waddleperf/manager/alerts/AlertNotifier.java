package io.waddleperf.manager.alerts;

import io.waddleperf.core.config.Secret;
import io.waddleperf.manager.store.AlertRepository;
import io.waddleperf.manager.store.AlertRepository.Event;
import io.waddleperf.manager.store.AlertRule;
import io.waddleperf.manager.store.AlertRule.State;
import io.waddleperf.notify.Delivery;
import io.waddleperf.notify.Mailer;
import io.waddleperf.notify.Notification;
import io.waddleperf.notify.Webhook;
import io.waddleperf.notify.WebhookFormat;
import io.waddleperf.notify.WebhookSender;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a state change's notifications through the rule's channels (webhook, e-mail) on a virtual thread of its own,
 * so an ingestion never waits for a receiver, and notes in the event how each went. The webhook sender retries with
 * backoff; a notification that still fails is recorded as failed, not queued (the alert history shows it).
 */
public final class AlertNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);

    private final AlertRepository alerts;
    private final WebhookSender webhooks;
    private final Mailer mailer;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** @param mailer the SMTP server's mailer, or null when none is configured (rules then cannot mail) */
    public AlertNotifier(AlertRepository alerts, WebhookSender webhooks, Mailer mailer) {
        this.alerts = alerts;
        this.webhooks = webhooks;
        this.mailer = mailer;
    }

    /** Whether rules may have an e-mail channel. */
    public boolean canMail() {
        return mailer != null;
    }

    void notifyLater(AlertRule rule, Event e) {
        if (rule.webhookUrl() == null && rule.emailTo().isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> send(rule, e));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.warn("alert '{}' {}: not notified, the manager is stopping", rule.name(), e.state().externalName());
        }
    }

    /** Sends now, on this thread; returns what is noted in the event. */
    String send(AlertRule rule, Event e) {
        Notification n = notification(rule, e);
        List<String> outcome = new ArrayList<>();
        if (rule.webhookUrl() != null) {
            Webhook hook = new Webhook(URI.create(rule.webhookUrl()),
                    WebhookFormat.parse(rule.webhookFormat()).orElse(WebhookFormat.GENERIC),
                    rule.webhookSecret() == null ? null : Secret.of(rule.webhookSecret()));
            Delivery d = webhooks.send(hook, n);
            outcome.add("webhook: " + d.summary());
        }
        if (!rule.emailTo().isEmpty()) {
            if (mailer == null) {
                outcome.add("email: not sent, no SMTP server configured (alerts.smtp_host)");
            } else {
                try {
                    List<InternetAddress> to = new ArrayList<>();
                    for (String a : rule.emailTo()) {
                        to.add(Mailer.address(a));
                    }
                    outcome.add("email: " + mailer.send(to, n).summary());
                } catch (IOException bad) {
                    outcome.add("email: not sent, " + bad.getMessage());
                }
            }
        }
        String delivery = String.join("; ", outcome);
        try {
            alerts.delivered(e.id(), delivery);
        } catch (RuntimeException db) {
            LOG.warn("alert '{}': could not note the delivery ({}): {}", rule.name(), delivery, db.toString());
        }
        LOG.info("alert '{}' {} notified: {}", rule.name(), e.state().externalName(), delivery);
        return delivery;
    }

    static Notification notification(AlertRule rule, Event e) {
        boolean firing = e.state() == State.FIRING;
        String metric = rule.metric().externalName();
        String value = format(e.value());
        String title = (firing ? "[FIRING] " : "[RESOLVED] ") + rule.name() + ": " + metric + " " + value
                + (firing ? " " + rule.comparison().symbol + " " : " no longer " + rule.comparison().symbol + " ")
                + format(rule.threshold());
        String text = "Target " + rule.target() + (rule.testType() == null ? "" : " (" + rule.testType() + ")")
                + ": mean " + metric + " over the last " + human(rule.window().toSeconds()) + " is " + value + " ("
                + e.samples() + (e.samples() == 1 ? " result" : " results") + "); the rule fires when it is "
                + rule.comparison().symbol + " " + format(rule.threshold()) + ".";
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("rule", rule.name());
        facts.put("target", rule.target());
        facts.put("metric", metric);
        facts.put("value", value);
        facts.put("threshold", rule.comparison().symbol + " " + format(rule.threshold()));
        facts.put("results", Integer.toString(e.samples()));
        facts.put("window", human(rule.window().toSeconds()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_id", e.id().toString());
        data.put("rule_id", rule.id().toString());
        data.put("ou_id", rule.ouId() == null ? null : rule.ouId().toString());
        data.put("state", e.state().externalName());
        data.put("target", rule.target());
        data.put("test_type", rule.testType());
        data.put("metric", metric);
        data.put("comparison", rule.comparison().externalName());
        data.put("threshold", rule.threshold());
        data.put("value", e.value());
        data.put("samples", e.samples());
        data.put("window_seconds", rule.window().toSeconds());
        return new Notification(firing ? "alert.firing" : "alert.resolved", title, text,
                firing ? Notification.Severity.CRITICAL : Notification.Severity.RESOLVED, facts, data, e.occurredAt());
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String human(long seconds) {
        return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** Lets notifications in progress finish (up to 10 s), then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        webhooks.close();
    }
}
