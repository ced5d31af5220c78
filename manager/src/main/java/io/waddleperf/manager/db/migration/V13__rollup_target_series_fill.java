package io.waddleperf.manager.db.migration;

import io.waddleperf.manager.store.RollupRepository;

/** Fills V12's per-OU-target-and-type rollup tables from the per-series rows folded before them. */
public final class V13__rollup_target_series_fill extends AggregateFill {

    public V13__rollup_target_series_fill() {
        super(RollupRepository.Aggregate.TARGET);
    }
}
