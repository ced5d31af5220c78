-- MFA (TOTP) per user. The secret is stored encrypted with the manager's secret key (AES-256-GCM, bound to the user's
-- id), never in clear; it is set at setup and only counts once verified (mfa_enabled). mfa_last_step is the TOTP time
-- step of the last code accepted: a code is accepted only for a later step, so a seen code cannot be replayed.
ALTER TABLE users ADD COLUMN mfa_secret VARBINARY(128) NULL;
ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN mfa_last_step BIGINT NULL;

-- A login of a user whose role requires MFA but who has none yet may only set it up.
ALTER TABLE sessions ADD COLUMN mfa_setup_only BOOLEAN NOT NULL DEFAULT FALSE;

-- Who changed what: one row per change or login, never a secret. No foreign keys: an entry outlives the user or OU it
-- names. Read newest first by (occurred_at, id), which the indexes end in.
CREATE TABLE audit_log (
    id             BINARY(16)    NOT NULL,
    occurred_at    DATETIME(6)   NOT NULL,
    actor_id       BINARY(16)    NULL,
    actor_name     VARCHAR(64)   NULL,
    client_address VARCHAR(45)   NULL,
    action         VARCHAR(64)   NOT NULL,
    target_type    VARCHAR(32)   NOT NULL,
    target_id      VARCHAR(64)   NULL,
    target_name    VARCHAR(255)  NULL,
    ou_id          BINARY(16)    NULL,
    details        VARCHAR(4096) NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_audit_log_time ON audit_log (occurred_at, id);
CREATE INDEX ix_audit_log_ou ON audit_log (ou_id, occurred_at);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, occurred_at);
CREATE INDEX ix_audit_log_target ON audit_log (target_type, target_id, occurred_at);
CREATE INDEX ix_audit_log_action ON audit_log (action, occurred_at);
