-- One schema for the embedded H2 database (MariaDB mode) and MariaDB / Galera: only SQL both accept.
-- Galera rules: every table has a primary key and is InnoDB; keys are UUIDs (BINARY(16)), never auto-increment.
-- Instants are DATETIME(6) in UTC.

CREATE TABLE organizations (
    id          BINARY(16)    NOT NULL,
    name        VARCHAR(255)  NOT NULL,
    description VARCHAR(1024) NULL,
    created_at  DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_organizations_name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE users (
    id            BINARY(16)   NOT NULL,
    username      VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(32)  NOT NULL,
    ou_id         BINARY(16)   NULL,
    email         VARCHAR(255) NULL,
    active        BOOLEAN      NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT fk_users_ou FOREIGN KEY (ou_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- API keys and session tokens are stored as SHA-256 digests only: they are long random strings, so a fast digest
-- suffices (unlike passwords), and the database never holds a usable credential.
CREATE TABLE api_keys (
    key_hash   BINARY(32)  NOT NULL,
    user_id    BINARY(16)  NOT NULL,
    key_prefix VARCHAR(16) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (key_hash),
    CONSTRAINT fk_api_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_api_keys_user ON api_keys (user_id);

CREATE TABLE sessions (
    token_hash BINARY(32)  NOT NULL,
    user_id    BINARY(16)  NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (token_hash),
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_sessions_user ON sessions (user_id);
CREATE INDEX ix_sessions_expires ON sessions (expires_at);

-- One row per probe result; the key is the result's own UUIDv7 id (delivery is idempotent on it). The columns are
-- what queries filter and aggregate on; the whole result object is kept in document.
CREATE TABLE results (
    id                  BINARY(16)    NOT NULL,
    ou_id               BINARY(16)    NULL,
    submitted_by        BINARY(16)    NULL,
    test_type           VARCHAR(32)   NOT NULL,
    target              VARCHAR(512)  NOT NULL,
    target_host         VARCHAR(255)  NULL,
    target_ip           VARCHAR(45)   NULL,
    started_at          DATETIME(6)   NOT NULL,
    received_at         DATETIME(6)   NOT NULL,
    duration_ms         DOUBLE        NULL,
    success             BOOLEAN       NOT NULL,
    error               VARCHAR(1024) NULL,
    tier                INT           NULL,
    source              VARCHAR(16)   NULL,
    device_serial       VARCHAR(255)  NULL,
    device_hostname     VARCHAR(255)  NULL,
    latency_ms          DOUBLE        NULL,
    jitter_ms           DOUBLE        NULL,
    packet_loss_percent DOUBLE        NULL,
    throughput_mbps     DOUBLE        NULL,
    document            MEDIUMTEXT    NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_results_started ON results (started_at);
CREATE INDEX ix_results_ou_started ON results (ou_id, started_at);
CREATE INDEX ix_results_submitter_started ON results (submitted_by, started_at);
CREATE INDEX ix_results_target ON results (target, test_type, started_at);
CREATE INDEX ix_results_device ON results (device_serial, started_at);
