-- Per-target statistics read only that target's rollup rows: before this, a target filter was a WHERE on every row
-- of the range (the tables had indexes on OU, submitter and device only), so a 30-day summary of one target read the
-- whole fleet's rows of those 30 days. target is VARCHAR(512) in utf8mb4, at most 2 048 bytes: with the DATETIME it
-- stays within InnoDB's 3 072-byte key limit, so the whole column is indexed and equality needs no prefix recheck.
CREATE INDEX ix_rollup_minute_target ON rollup_minute (target, bucket_start);
CREATE INDEX ix_rollup_hour_target ON rollup_hour (target, bucket_start);
CREATE INDEX ix_rollup_day_target ON rollup_day (target, bucket_start);

-- Rollups per OU and test type (no submitter, device or target), per hour and day, folded beside the per-series rows
-- of rollup_hour and rollup_day from the same deltas (RollupRepository.fold). Fleet- or OU-wide figures per test
-- type (the dashboard's totals and charts, the statistics page's per-type figures) read these: a few rows per OU and
-- type and bucket, where the per-series tables hold a row per device, target and type. They answer only queries that
-- filter on no device or target, group by no more than the test type and are scoped to everything or one OU (a
-- submitter's scope needs the per-series rows, which carry the submitter). Minutes have no such table: minute rows
-- are read only at the edges of a range or for short charts, and in a sparse fleet a per-type minute row would hold
-- about one result, costing a fold as much as the per-series row. series_id is the first 16 bytes of the SHA-256 of
-- the OU and the test type (RollupRepository.typeSeriesId); V11 fills both tables from the rows folded before.
CREATE TABLE rollup_type_hour (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    test_type        VARCHAR(32)     NOT NULL,
    result_count     BIGINT          NOT NULL,
    success_count    BIGINT          NOT NULL,
    latency_count    BIGINT          NOT NULL,
    latency_sum      DOUBLE          NOT NULL,
    latency_min      DOUBLE          NULL,
    latency_max      DOUBLE          NULL,
    loss_count       BIGINT          NOT NULL,
    loss_sum         DOUBLE          NOT NULL,
    throughput_count BIGINT          NOT NULL,
    throughput_sum   DOUBLE          NOT NULL,
    latency_histogram VARBINARY(16384) NOT NULL,
    PRIMARY KEY (bucket_start, series_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_rollup_type_hour_ou ON rollup_type_hour (ou_id, bucket_start);

CREATE TABLE rollup_type_day (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    test_type        VARCHAR(32)     NOT NULL,
    result_count     BIGINT          NOT NULL,
    success_count    BIGINT          NOT NULL,
    latency_count    BIGINT          NOT NULL,
    latency_sum      DOUBLE          NOT NULL,
    latency_min      DOUBLE          NULL,
    latency_max      DOUBLE          NULL,
    loss_count       BIGINT          NOT NULL,
    loss_sum         DOUBLE          NOT NULL,
    throughput_count BIGINT          NOT NULL,
    throughput_sum   DOUBLE          NOT NULL,
    latency_histogram VARBINARY(16384) NOT NULL,
    PRIMARY KEY (bucket_start, series_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_rollup_type_day_ou ON rollup_type_day (ou_id, bucket_start);
