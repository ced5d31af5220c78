package io.waddleperf.manager.store;

import io.waddleperf.manager.store.AlertRule.Comparison;
import io.waddleperf.manager.store.AlertRule.Metric;
import io.waddleperf.manager.store.AlertRule.State;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert rules, their current state and the history of their state changes. A change of state is one conditional
 * {@code UPDATE … WHERE state <> :new}: of several managers evaluating the same rule at once, exactly one sees its
 * update take and records (and notifies) the change — no lock involved, as Galera wants.
 */
public final class AlertRepository {

    /** Most targets looked up in one query of {@link #rulesFor}. */
    private static final int TARGETS_PER_QUERY = 500;

    /**
     * A rule's current state.
     *
     * @param ruleId      the rule
     * @param state       firing or resolved
     * @param since       when it entered that state (the rule's creation for a rule never evaluated)
     * @param lastValue   the last mean computed, or null
     * @param lastSamples how many results it was over, or null
     * @param evaluatedAt when, or null
     */
    public record StateRow(UUID ruleId, State state, Instant since, Double lastValue, Integer lastSamples,
                           Instant evaluatedAt) {
    }

    /**
     * One change of state.
     *
     * @param id         event id (UUIDv7)
     * @param ruleId     the rule
     * @param ouId       its OU
     * @param ruleName   its name then
     * @param target     its target
     * @param state      the new state
     * @param occurredAt when
     * @param metric     the rule's metric then
     * @param comparison its comparison
     * @param threshold  its threshold
     * @param value      the mean that changed it
     * @param samples    over how many results
     * @param delivery   how the notifications went, once sent (null before)
     */
    public record Event(UUID id, UUID ruleId, UUID ouId, String ruleName, String target, State state, Instant occurredAt,
                        Metric metric, Comparison comparison, double threshold, double value, int samples,
                        String delivery) {
    }

    /**
     * A window's aggregate.
     *
     * @param samples results with the metric in the window
     * @param mean    their mean, or null when none
     */
    public record Window(int samples, Double mean) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AlertRepository.class);

    private final Database db;
    private final Sealer sealer;

    /**
     * @param sealer seals each rule's webhook (URL and signing secret) before it is stored: chat webhook URLs carry
     *               their token, the generic format's secret is a key
     */
    public AlertRepository(Database db, Sealer sealer) {
        this.db = db;
        this.sealer = sealer;
    }

    /** Stores a new rule and its initial state (resolved since its creation). */
    public void create(AlertRule r) {
        db.inTransaction(h -> {
            bindRule(h.createUpdate("INSERT INTO alert_rules (id, ou_id, name, target, test_type, metric, comparison, "
                    + "threshold, window_seconds, min_samples, enabled, webhook_url, webhook_format, webhook_secret, "
                    + "webhook_sealed, email_to, created_by, created_at, updated_at) VALUES (:id, :ou_id, :name, "
                    + ":target, :test_type, :metric, :comparison, :threshold, :window_seconds, :min_samples, :enabled, "
                    + ":webhook_url, :webhook_format, :webhook_secret, :webhook_sealed, :email_to, :created_by, :created_at, :updated_at)"), r)
                    .bindByType("created_by", r.createdBy(), UUID.class).bind("created_at", r.createdAt()).execute();
            return h.createUpdate("INSERT INTO alert_states (rule_id, state, since) VALUES (:id, :state, :since)")
                    .bind("id", r.id()).bind("state", State.RESOLVED.name()).bind("since", r.createdAt()).execute();
        });
    }

    /** Replaces a rule's settings (not its OU); its state is kept. */
    public void update(AlertRule r) {
        db.inTransaction(h -> bindRule(h.createUpdate("UPDATE alert_rules SET name = :name, target = :target, "
                + "test_type = :test_type, metric = :metric, comparison = :comparison, threshold = :threshold, "
                + "window_seconds = :window_seconds, min_samples = :min_samples, enabled = :enabled, "
                + "webhook_url = :webhook_url, webhook_format = :webhook_format, webhook_secret = :webhook_secret, "
                + "webhook_sealed = :webhook_sealed, email_to = :email_to, updated_at = :updated_at WHERE id = :id"), r).execute());
    }

    private Update bindRule(Update u, AlertRule r) {
        return u.bind("id", r.id()).bindByType("ou_id", r.ouId(), UUID.class).bind("name", r.name())
                .bind("target", r.target()).bind("test_type", r.testType()).bind("metric", r.metric().name())
                .bind("comparison", r.comparison().name()).bind("threshold", r.threshold())
                .bind("window_seconds", Math.toIntExact(r.window().toSeconds())).bind("min_samples", r.minSamples())
                .bind("enabled", r.enabled()).bind("webhook_url", (String) null)
                .bind("webhook_format", r.webhookFormat()).bind("webhook_secret", (String) null)
                .bindByType("webhook_sealed", sealedWebhook(r), byte[].class)
                .bind("email_to", r.emailTo().isEmpty() ? null : String.join(",", r.emailTo()))
                .bind("updated_at", r.updatedAt());
    }

    /** Deletes a rule and its state (its history stays). */
    public boolean delete(UUID id) {
        return db.inTransaction(h -> {
            h.createUpdate("DELETE FROM alert_states WHERE rule_id = :id").bind("id", id).execute();
            return h.createUpdate("DELETE FROM alert_rules WHERE id = :id").bind("id", id).execute() == 1;
        });
    }

    public Optional<AlertRule> find(UUID id) {
        return db.read(h -> h.createQuery("SELECT * FROM alert_rules WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> rule(rs)).findOne());
    }

    /** Rules of one OU ({@code ouId}), or of all when {@code all}; ordered by name. */
    public List<AlertRule> list(UUID ouId, boolean all) {
        return db.read(h -> {
            Query q = h.createQuery("SELECT * FROM alert_rules" + (all ? "" : " WHERE ou_id = :ou")
                    + " ORDER BY name, id");
            if (!all) {
                q.bind("ou", ouId);
            }
            return q.map((rs, ctx) -> rule(rs)).list();
        });
    }

    /** How many rules an OU has (null: the global ones). */
    public int count(UUID ouId) {
        return db.read(h -> (ouId == null
                ? h.createQuery("SELECT COUNT(*) FROM alert_rules WHERE ou_id IS NULL")
                : h.createQuery("SELECT COUNT(*) FROM alert_rules WHERE ou_id = :ou").bind("ou", ouId))
                .mapTo(Integer.class).one());
    }

    /** Enabled rules watching any of {@code targets} over results of {@code ouId} (theirs and the global ones). */
    public List<AlertRule> rulesFor(UUID ouId, Collection<String> targets) {
        // most batches come from an OU without rules: one indexed probe then, instead of an IN list of every target
        // the batch names (up to 500 values bound and compared on each ingest)
        boolean any = db.read(h -> {
            Query q = h.createQuery("SELECT 1 FROM alert_rules WHERE enabled = TRUE AND "
                    + (ouId == null ? "ou_id IS NULL" : "(ou_id = :ou OR ou_id IS NULL)") + " LIMIT 1");
            if (ouId != null) {
                q.bind("ou", ouId);
            }
            return q.mapTo(Integer.class).findOne().isPresent();
        });
        if (!any) {
            return List.of();
        }
        List<String> all = List.copyOf(targets);
        List<AlertRule> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += TARGETS_PER_QUERY) {
            List<String> part = all.subList(i, Math.min(all.size(), i + TARGETS_PER_QUERY));
            out.addAll(db.read(h -> {
                Query q = h.createQuery("SELECT * FROM alert_rules WHERE enabled = TRUE AND target IN (<targets>) AND "
                        + (ouId == null ? "ou_id IS NULL" : "(ou_id = :ou OR ou_id IS NULL)")).bindList("targets", part);
                if (ouId != null) {
                    q.bind("ou", ouId);
                }
                return q.map((rs, ctx) -> rule(rs)).list();
            }));
        }
        return out;
    }

    /**
     * The mean of the rule's metric over its results started at or after {@code from}: one range scan of the
     * {@code (target, test_type, started_at)} index.
     */
    public Window window(AlertRule r, Instant from) {
        String expr = r.metric().expression();
        String sql = "SELECT COUNT(" + expr + ") AS n, AVG(" + expr + ") AS mean FROM results WHERE target = :target"
                + (r.testType() == null ? "" : " AND test_type = :test_type")
                + (r.ouId() == null ? "" : " AND ou_id = :ou") + " AND started_at >= :from";
        return db.read(h -> {
            Query q = h.createQuery(sql).bind("target", r.target()).bind("from", from);
            if (r.testType() != null) {
                q.bind("test_type", r.testType());
            }
            if (r.ouId() != null) {
                q.bind("ou", r.ouId());
            }
            return q.map((rs, ctx) -> new Window(rs.getInt("n"), Rows.nullableDouble(rs, "mean"))).one();
        });
    }

    /**
     * Records an evaluation: when {@code next} differs from the stored state, changes it and appends {@code event}
     * (returned); otherwise only notes the value. Several managers may race here: only the one whose conditional
     * update changed the row gets the event back.
     */
    public Optional<Event> record(UUID ruleId, State next, double value, int samples, Instant now, Event event) {
        return db.inTransaction(h -> {
            int changed = h.createUpdate("UPDATE alert_states SET state = :state, since = :now, last_value = :value, "
                            + "last_samples = :samples, evaluated_at = :now WHERE rule_id = :id AND state <> :state")
                    .bind("state", next.name()).bind("now", now).bind("value", value).bind("samples", samples)
                    .bind("id", ruleId).execute();
            if (changed == 0) {
                h.createUpdate("UPDATE alert_states SET last_value = :value, last_samples = :samples, "
                                + "evaluated_at = :now WHERE rule_id = :id")
                        .bind("value", value).bind("samples", samples).bind("now", now).bind("id", ruleId).execute();
                return Optional.<Event>empty();
            }
            insertEvent(h, event);
            return Optional.of(event);
        });
    }

    private static void insertEvent(Handle h, Event e) {
        h.createUpdate("INSERT INTO alert_events (id, rule_id, ou_id, rule_name, target, state, occurred_at, metric, "
                        + "comparison, threshold, mean_value, samples) VALUES (:id, :rule_id, :ou_id, :rule_name, :target, "
                        + ":state, :at, :metric, :comparison, :threshold, :value, :samples)")
                .bind("id", e.id()).bind("rule_id", e.ruleId()).bindByType("ou_id", e.ouId(), UUID.class)
                .bind("rule_name", e.ruleName()).bind("target", e.target()).bind("state", e.state().name())
                .bind("at", e.occurredAt()).bind("metric", e.metric().name()).bind("comparison", e.comparison().name())
                .bind("threshold", e.threshold()).bind("value", e.value()).bind("samples", e.samples()).execute();
    }

    /** Notes how an event's notifications went. */
    public void delivered(UUID eventId, String delivery) {
        db.inTransaction(h -> h.createUpdate("UPDATE alert_events SET delivery = :d WHERE id = :id")
                .bind("d", delivery.length() > 1024 ? delivery.substring(0, 1024) : delivery).bind("id", eventId)
                .execute());
    }

    /** The states of the rules of one OU (or all), keyed by rule. */
    public List<StateRow> states(UUID ouId, boolean all) {
        return db.read(h -> {
            Query q = h.createQuery("SELECT s.* FROM alert_states s JOIN alert_rules r ON r.id = s.rule_id"
                    + (all ? "" : " WHERE r.ou_id = :ou"));
            if (!all) {
                q.bind("ou", ouId);
            }
            return q.map((rs, ctx) -> state(rs)).list();
        });
    }

    public Optional<StateRow> state(UUID ruleId) {
        return db.read(h -> h.createQuery("SELECT * FROM alert_states WHERE rule_id = :id").bind("id", ruleId)
                .map((rs, ctx) -> state(rs)).findOne());
    }

    /** Events newest first: of one OU (or all), of one rule when {@code ruleId} is set, at most {@code limit}. */
    public List<Event> events(UUID ouId, boolean all, UUID ruleId, int limit) {
        List<String> where = new ArrayList<>();
        if (!all) {
            where.add("ou_id = :ou");
        }
        if (ruleId != null) {
            where.add("rule_id = :rule");
        }
        String sql = "SELECT * FROM alert_events" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY occurred_at DESC, id DESC LIMIT :limit";
        return db.read(h -> {
            Query q = h.createQuery(sql).bind("limit", limit);
            if (!all) {
                q.bind("ou", ouId);
            }
            if (ruleId != null) {
                q.bind("rule", ruleId);
            }
            return q.map((rs, ctx) -> new Event(Rows.uuid(rs, "id"), Rows.uuid(rs, "rule_id"), Rows.uuid(rs, "ou_id"),
                    rs.getString("rule_name"), rs.getString("target"), State.valueOf(rs.getString("state")),
                    Rows.instant(rs, "occurred_at"), Metric.valueOf(rs.getString("metric")),
                    Comparison.valueOf(rs.getString("comparison")), rs.getDouble("threshold"), rs.getDouble("mean_value"),
                    rs.getInt("samples"), rs.getString("delivery"))).list();
        });
    }

    /**
     * Seals the webhooks of rules stored before webhooks were sealed (their URL and secret in clear columns) and
     * clears those columns. Run at start; several managers doing it at once each seal every row, and either write is
     * a valid one.
     *
     * @return how many rules were sealed
     */
    public int sealClearWebhooks() {
        return db.inTransaction(h -> {
            List<AlertRule> clear = h.createQuery("SELECT * FROM alert_rules WHERE webhook_url IS NOT NULL")
                    .map((rs, ctx) -> rule(rs)).list();
            int n = 0;
            for (AlertRule r : clear) {
                n += h.createUpdate("UPDATE alert_rules SET webhook_sealed = :sealed, webhook_url = NULL, "
                                + "webhook_secret = NULL WHERE id = :id AND webhook_url IS NOT NULL")
                        .bindByType("sealed", sealedWebhook(r), byte[].class).bind("id", r.id()).execute();
            }
            return n;
        });
    }

    private byte[] sealedWebhook(AlertRule r) {
        return r.webhookUrl() == null ? null
                : sealer.seal(new Webhook(r.webhookUrl(), r.webhookSecret()).encode(), webhookContext(r.id()));
    }

    /** Binds a sealed webhook to its rule and to this use, so it cannot be copied to another rule or column. */
    private static byte[] webhookContext(UUID ruleId) {
        return ("waddleperf alert_rule webhook " + ruleId).getBytes(StandardCharsets.UTF_8);
    }

    /** What is sealed: the URL and the secret (or none), length-prefixed so either may hold any character. */
    record Webhook(String url, String secret) {

        byte[] encode() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(b)) {
                out.writeUTF(url);
                out.writeBoolean(secret != null);
                if (secret != null) {
                    out.writeUTF(secret);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return b.toByteArray();
        }

        static Webhook decode(byte[] plain) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
                String url = in.readUTF();
                return new Webhook(url, in.readBoolean() ? in.readUTF() : null);
            } catch (IOException e) {
                // authenticated by the seal, so only a bug writes something else
                throw new IllegalStateException("a sealed webhook that does not decode", e);
            }
        }
    }

    private static StateRow state(ResultSet rs) throws SQLException {
        int samples = rs.getInt("last_samples");
        Integer samplesOrNull = rs.wasNull() ? null : samples;
        return new StateRow(Rows.uuid(rs, "rule_id"), State.valueOf(rs.getString("state")), Rows.instant(rs, "since"),
                Rows.nullableDouble(rs, "last_value"), samplesOrNull, Rows.instant(rs, "evaluated_at"));
    }

    private AlertRule rule(ResultSet rs) throws SQLException {
        String to = rs.getString("email_to");
        UUID id = Rows.uuid(rs, "id");
        String url = rs.getString("webhook_url");
        String secret = rs.getString("webhook_secret");
        byte[] sealed = rs.getBytes("webhook_sealed");
        if (sealed != null) {
            Optional<byte[]> plain = sealer.open(sealed, webhookContext(id));
            if (plain.isPresent()) {
                Webhook w = Webhook.decode(plain.get());
                url = w.url();
                secret = w.secret();
            } else {
                // a changed server key (auth.secret_key) or an altered row: the rule keeps working without its
                // webhook, and the log says how to get it back
                LOG.warn("alert rule {}: its webhook was sealed under another server key and cannot be read; "
                        + "set the rule's webhook again", id);
                url = null;
                secret = null;
            }
        }
        return new AlertRule(id, Rows.uuid(rs, "ou_id"), rs.getString("name"), rs.getString("target"),
                rs.getString("test_type"), Metric.valueOf(rs.getString("metric")),
                Comparison.valueOf(rs.getString("comparison")), rs.getDouble("threshold"),
                Duration.ofSeconds(rs.getInt("window_seconds")), rs.getInt("min_samples"), rs.getBoolean("enabled"),
                url, rs.getString("webhook_format"), secret,
                to == null || to.isEmpty() ? List.of() : Arrays.asList(to.split(",")), Rows.uuid(rs, "created_by"),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
