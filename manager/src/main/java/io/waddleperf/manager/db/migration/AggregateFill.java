package io.waddleperf.manager.db.migration;

import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.RollupRepository;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an aggregate's rollup tables, made by the migration before, from the per-series hour and day rows folded
 * before them, so statistics that read the new tables count the store's whole history, not only what is folded after
 * the upgrade. A histogram merge cannot be written in SQL, so these migrations are Java:
 * {@link RollupRepository#fill}. On a new database the rollup tables are empty and they write nothing. Deltas still
 * waiting are folded into every table later. (Abstract: Flyway runs only the versioned subclasses.)
 *
 * <p>Not in one transaction: on a store of tens of millions of results the aggregate rows are millions, which as one
 * transaction would be a write set beyond what a Galera cluster replicates at once ({@code wsrep_max_ws_size}). Each
 * statement commits by itself; the fill first empties the aggregate's tables, so a fill stopped midway (a crash) is
 * done again whole at the next attempt (after {@code flyway repair} removes the failed entry, as for any failed
 * migration on MariaDB, whose DDL is not transactional either).
 */
abstract class AggregateFill extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(AggregateFill.class);

    private final RollupRepository.Aggregate aggregate;

    AggregateFill(RollupRepository.Aggregate aggregate) {
        this.aggregate = aggregate;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) {
        long start = System.nanoTime();
        Map<?, Long> written = Database.withBorrowed(context.getConnection(), h -> RollupRepository.fill(h, aggregate));
        LOG.info("{} rollups filled from the per-series rows: {} rows in {} ms",
                aggregate.name().toLowerCase(java.util.Locale.ROOT), written, (System.nanoTime() - start) / 1_000_000);
    }
}
