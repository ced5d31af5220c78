package io.waddleperf.manager;

import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.SessionRepository;
import java.time.InstantSource;

/**
 * One round of the manager's own housekeeping ({@link Housekeeping#runOnce}) over a database, with a retention of the
 * caller's choosing, for the scale benchmark (bench/manager-scale.sh): it starts the deletion when the benchmark's
 * baseline window is over instead of on the manager's five-minute timer.
 */
public final class RetentionRound {

    private RetentionRound() {
    }

    /**
     * What one round deleted.
     *
     * @param results raw results past retention
     * @param rollups rollup rows past retention
     */
    public record Deleted(int results, int rollups) {
    }

    /** Deletes what {@code retention} says is past, batch by batch ({@code retention.batch_size}), as the manager does. */
    public static Deleted run(Database db, ManagerConfig.Retention retention, InstantSource clock) {
        Housekeeping.Round r = new Housekeeping(new SessionRepository(db), new ResultRepository(db),
                new RollupRepository(db), new AuditRepository(db), retention, clock).runOnce();
        return new Deleted(r.results(), r.rollups());
    }
}
