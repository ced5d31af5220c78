package io.waddleperf.manager.db.migration;

import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.RollupRepository;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills V10's per-OU-and-type rollup tables from the per-series hour and day rows folded before them, so statistics
 * that read the new tables count the store's whole history, not only what is folded after the upgrade. A histogram
 * merge cannot be written in SQL, so this migration is Java: {@link RollupRepository#fillPerType}. On a new database
 * the rollup tables are empty and it writes nothing. Deltas still waiting are folded into both tables later.
 *
 * <p>Not in one transaction: on a store of tens of millions of results the per-type rows are millions, which as one
 * transaction would be a write set beyond what a Galera cluster replicates at once ({@code wsrep_max_ws_size}). Each
 * statement commits by itself; the fill first empties the per-type tables, so a fill stopped midway (a crash) is done
 * again whole at the next attempt (after {@code flyway repair} removes the failed entry, as for any failed migration
 * on MariaDB, whose DDL is not transactional either).
 */
public final class V11__rollup_type_series_fill extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(V11__rollup_type_series_fill.class);

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) {
        long start = System.nanoTime();
        Map<?, Long> written = Database.withBorrowed(context.getConnection(), RollupRepository::fillPerType);
        LOG.info("per-OU-and-type rollups filled from the per-series rows: {} rows in {} ms", written,
                (System.nanoTime() - start) / 1_000_000);
    }
}
