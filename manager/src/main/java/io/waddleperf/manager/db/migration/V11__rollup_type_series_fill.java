package io.waddleperf.manager.db.migration;

import io.waddleperf.manager.store.RollupRepository;

/** Fills V10's per-OU-and-type rollup tables from the per-series rows folded before them. */
public final class V11__rollup_type_series_fill extends AggregateFill {

    public V11__rollup_type_series_fill() {
        super(RollupRepository.Aggregate.TYPE);
    }
}
