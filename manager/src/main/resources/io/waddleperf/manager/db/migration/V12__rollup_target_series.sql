-- Rollups per OU, target and test type (no submitter or device), per hour and day, folded beside the per-series
-- rows and the per-type rows of V10 from the same deltas (RollupRepository.fold). A target watched by many devices
-- has a per-series row per device, target and type in every bucket: 30 days of a resolver that a tenth of a
-- 2 400-device fleet watches were ~56 000 day rows, each looked up through the target index. Queries on targets
-- that need no device (a target's summary and chart, the statistics page's per-target table) read these instead: a
-- row per OU, target, type and bucket. series_id is the first 16 bytes of the SHA-256 of the OU, a marker, the target
-- and the test type (RollupRepository.targetSeriesId); V13 fills both tables from the rows folded before.
CREATE TABLE rollup_target_hour (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    target           VARCHAR(512)    NOT NULL,
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

CREATE INDEX ix_rollup_target_hour_ou ON rollup_target_hour (ou_id, bucket_start);
CREATE INDEX ix_rollup_target_hour_target ON rollup_target_hour (target, bucket_start);

CREATE TABLE rollup_target_day (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    target           VARCHAR(512)    NOT NULL,
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

CREATE INDEX ix_rollup_target_day_ou ON rollup_target_day (ou_id, bucket_start);
CREATE INDEX ix_rollup_target_day_target ON rollup_target_day (target, bucket_start);
