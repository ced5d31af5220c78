package io.waddleperf.manager;

import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.SessionRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic clean-up in small batches, each its own short transaction (as Galera wants): expired login sessions, raw
 * results past their tier's retention, rollups past theirs and audit log entries past theirs ({@code retention.*}). A failed step is logged and
 * tried again next period; the other steps still run.
 */
final class Housekeeping implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMinutes(5);
    static final int BATCH = 500;
    /** The AutoPerf tiers of raw results, null for results of none. */
    private static final List<Integer> RESULT_TIERS = Arrays.asList(null, 1, 2, 3);
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    /**
     * What one round deleted.
     *
     * @param sessions expired sessions
     * @param results  raw results past retention
     * @param rollups  rollup rows past retention
     * @param audit    audit log entries past retention
     */
    record Round(int sessions, int results, int rollups, int audit) {
    }

    private final SessionRepository sessions;
    private final ResultRepository results;
    private final RollupRepository rollups;
    private final AuditRepository audit;
    private final ManagerConfig.Retention retention;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("manager-housekeeping").factory());

    Housekeeping(SessionRepository sessions, ResultRepository results, RollupRepository rollups, AuditRepository audit,
                 ManagerConfig.Retention retention, InstantSource clock) {
        this.sessions = sessions;
        this.results = results;
        this.rollups = rollups;
        this.audit = audit;
        this.retention = retention;
        this.clock = clock;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::runOnce, PERIOD.toSeconds(), PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    /** One round: each kind deleted batch by batch until a batch comes back short. */
    Round runOnce() {
        Instant now = clock.instant();
        int s = drain("expired sessions", BATCH, () -> sessions.deleteExpired(now, BATCH));
        int batch = retention.batchSize();
        int r = 0;
        for (Integer tier : RESULT_TIERS) {
            Instant cutoff = now.minus(retention.ofResults(tier));
            r += drain("results of tier " + (tier == null ? "none" : tier), batch,
                    () -> results.deleteStartedBefore(tier, cutoff, batch));
        }
        int u = 0;
        for (RollupTier tier : RollupTier.values()) {
            Instant cutoff = now.minus(retention.ofRollups(tier));
            u += drain(tier.externalName() + " rollups", batch, () -> rollups.deleteBefore(tier, cutoff, batch));
        }
        Instant auditCutoff = now.minus(retention.audit());
        int a = drain("audit log entries", batch, () -> audit.deleteBefore(auditCutoff, batch));
        if (r + u + a > 0) {
            LOG.info("retention: deleted {} results, {} rollup rows and {} audit log entries", r, u, a);
        }
        return new Round(s, r, u, a);
    }

    private static int drain(String what, int batch, IntSupplier step) {
        int total = 0;
        try {
            int n;
            do {
                n = step.getAsInt();
                total += n;
            } while (n == batch);
        } catch (RuntimeException e) {
            LOG.warn("deleting {} failed; next try in {} min: {}", what, PERIOD.toMinutes(), e.getMessage());
        }
        return total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
