-- Rollup deltas: what each ingest transaction adds to the rollups, appended in that same transaction as one row, so
-- ingestion takes no lock shared with other uploaders (before this, every ingest took the rollup_lock row of V7 and
-- held it to its commit, which serialised all uploaders). figures holds the batch's per-minute sums per series
-- (RollupDeltaCodec: bucket, series, device, target, type, counters, sums, extremes, latency histogram); the hour
-- and day tiers are those minutes floored. A background job (RollupFolder) folds deltas into rollup_minute,
-- rollup_hour and rollup_day and deletes them in one transaction, under rollup_lock, which only folding takes now.
-- Readers add the deltas not yet folded, read in the same snapshot as the rollup rows, so answers do not change when
-- a fold happens. first_bucket/last_bucket (the minute buckets' range) let a reader skip deltas outside its range.
-- The random id is the primary key (Galera needs one; nothing orders by it but the fold's paging).
CREATE TABLE rollup_delta (
    id            BINARY(16)   NOT NULL,
    ou_id         BINARY(16)   NULL,
    submitted_by  BINARY(16)   NULL,
    first_bucket  DATETIME(6)  NOT NULL,
    last_bucket   DATETIME(6)  NOT NULL,
    result_count  INT          NOT NULL,
    figures       LONGBLOB     NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
