-- Rollups: per minute, hour and day, one row per bucket and series (OU, submitter, device, target, test type), kept
-- up to date in the transaction that stores the results, so statistics over long ranges read a few rows per series
-- instead of every result. The series id is the first 16 bytes of the SHA-256 of the series' columns; the key
-- (bucket_start, series_id) appends new buckets at the end of the clustered index and makes retention deletes
-- range scans. latency_histogram is a mergeable log-bucket histogram (LatencyHistogram: 1 % relative accuracy),
-- sparse and varint-encoded; empty until a result with a latency arrives.

CREATE TABLE rollup_minute (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    submitted_by     BINARY(16)      NULL,
    device_serial    VARCHAR(255)    NULL,
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

CREATE INDEX ix_rollup_minute_ou ON rollup_minute (ou_id, bucket_start);
CREATE INDEX ix_rollup_minute_submitter ON rollup_minute (submitted_by, bucket_start);
CREATE INDEX ix_rollup_minute_device ON rollup_minute (device_serial, bucket_start);

CREATE TABLE rollup_hour (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    submitted_by     BINARY(16)      NULL,
    device_serial    VARCHAR(255)    NULL,
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

CREATE INDEX ix_rollup_hour_ou ON rollup_hour (ou_id, bucket_start);
CREATE INDEX ix_rollup_hour_submitter ON rollup_hour (submitted_by, bucket_start);
CREATE INDEX ix_rollup_hour_device ON rollup_hour (device_serial, bucket_start);

CREATE TABLE rollup_day (
    bucket_start     DATETIME(6)     NOT NULL,
    series_id        BINARY(16)      NOT NULL,
    ou_id            BINARY(16)      NULL,
    submitted_by     BINARY(16)      NULL,
    device_serial    VARCHAR(255)    NULL,
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

CREATE INDEX ix_rollup_day_ou ON rollup_day (ou_id, bucket_start);
CREATE INDEX ix_rollup_day_submitter ON rollup_day (submitted_by, bucket_start);
CREATE INDEX ix_rollup_day_device ON rollup_day (device_serial, bucket_start);

-- Retention deletes raw results per AutoPerf tier (NULL: results of no tier) from the oldest start time on.
CREATE INDEX ix_results_tier_started ON results (tier, started_at);
