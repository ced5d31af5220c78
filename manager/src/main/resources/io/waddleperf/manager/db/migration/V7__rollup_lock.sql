-- One row that every ingest transaction locks (SELECT … FOR UPDATE) before it adds to the rollups, so rollup rows are
-- changed by one transaction at a time. Without it, concurrent uploaders deadlocked on MariaDB even on different
-- series: INSERT … ON DUPLICATE KEY UPDATE takes next-key locks on neighbouring keys of the rollup tables' primary
-- keys, and four uploaders of batches of 50 exhausted six retries (ManagerCrashIT). The lock is taken after the
-- results are inserted and held to the commit, a few milliseconds; on Galera each node locks its own copy and a
-- conflict between nodes ends as a certification failure, which is retried.
CREATE TABLE rollup_lock (
    name VARCHAR(32) NOT NULL,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO rollup_lock (name) VALUES ('rollups');
