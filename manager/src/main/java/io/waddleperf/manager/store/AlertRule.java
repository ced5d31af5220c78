package io.waddleperf.manager.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * An alert rule: the mean of {@code metric} over the results of {@code target} (of {@code testType}, when set) that
 * started within the last {@code window}, compared with {@code threshold} once at least {@code minSamples} results are
 * in the window. The rule fires when the comparison holds and resolves when it does not.
 *
 * @param id            rule id
 * @param ouId          the OU whose results it watches, or null for every OU (a global admin's rule)
 * @param name          what people call it
 * @param target        the results' {@code target}, exactly
 * @param testType      the results' probe type (wire name), or null for any
 * @param metric        what is averaged
 * @param comparison    how the mean is compared with the threshold
 * @param threshold     the threshold, in the metric's unit
 * @param window        how far back results count
 * @param minSamples    fewest results with the metric in the window before the rule changes state
 * @param enabled       whether it is evaluated
 * @param webhookUrl    where to post, or null
 * @param webhookFormat the post's format (external name), or null
 * @param webhookSecret signing key of the generic format, or null
 * @param emailTo       recipients of mail, possibly empty
 * @param createdBy     who made it
 * @param createdAt     when
 * @param updatedAt     last change
 */
public record AlertRule(UUID id, UUID ouId, String name, String target, String testType, Metric metric,
                        Comparison comparison, double threshold, Duration window, int minSamples, boolean enabled,
                        String webhookUrl, String webhookFormat, String webhookSecret, List<String> emailTo,
                        UUID createdBy, Instant createdAt, Instant updatedAt) {

    public AlertRule {
        emailTo = List.copyOf(emailTo);
    }

    /** What a rule averages over its window. */
    public enum Metric {
        /** mean latency of the results that have one */
        LATENCY_MS("latency_ms"),
        /** mean packet loss */
        PACKET_LOSS_PERCENT("packet_loss_percent"),
        /** mean goodput */
        THROUGHPUT_MBPS("throughput_mbps"),
        /** share of results that succeeded, 0–100 */
        SUCCESS_RATE_PERCENT("success_rate_percent");

        private final String column;

        Metric(String column) {
            this.column = column;
        }

        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The SQL expression averaged, over rows where it is not null. */
        String expression() {
            return this == SUCCESS_RATE_PERCENT ? "CASE WHEN success THEN 100.0 ELSE 0.0 END" : column;
        }

        public static Optional<Metric> parse(String name) {
            for (Metric m : values()) {
                if (m.externalName().equals(name)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /** How the window's mean is compared with the threshold; the rule fires while it holds. */
    public enum Comparison {
        GT(">"), GE(">="), LT("<"), LE("<=");

        public final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean holds(double value, double threshold) {
            return switch (this) {
                case GT -> value > threshold;
                case GE -> value >= threshold;
                case LT -> value < threshold;
                case LE -> value <= threshold;
            };
        }

        public static Optional<Comparison> parse(String name) {
            for (Comparison c : values()) {
                if (c.externalName().equals(name)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    /** A rule's state: firing while its comparison holds, resolved otherwise (and before its first evaluation). */
    public enum State {
        FIRING, RESOLVED;

        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
