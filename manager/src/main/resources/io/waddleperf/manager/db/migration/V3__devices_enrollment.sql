-- Device enrolment. An organisation unit hands out enrolment secrets; a device enrols once with one of them and its
-- serial and is bound to that OU for good; it gets a credential of its own for heartbeats, configuration and results.
-- Secrets and credentials are kept as SHA-256 digests only (256 random bits each, so a fast digest suffices).

CREATE TABLE enrollment_secrets (
    id            BINARY(16)    NOT NULL,
    ou_id         BINARY(16)    NOT NULL,
    name          VARCHAR(255)  NOT NULL,
    secret_hash   BINARY(32)    NOT NULL,
    secret_prefix VARCHAR(16)   NOT NULL,
    created_by    BINARY(16)    NULL,
    created_at    DATETIME(6)   NOT NULL,
    expires_at    DATETIME(6)   NULL,
    revoked_at    DATETIME(6)   NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_enrollment_secrets_hash UNIQUE (secret_hash),
    CONSTRAINT fk_enrollment_secrets_ou FOREIGN KEY (ou_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_enrollment_secrets_user FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_enrollment_secrets_ou ON enrollment_secrets (ou_id);

-- The serial is the device's identity (unique); ou_id never changes after the first enrolment.
CREATE TABLE devices (
    id                   BINARY(16)   NOT NULL,
    serial               VARCHAR(255) NOT NULL,
    ou_id                BINARY(16)   NOT NULL,
    enrollment_secret_id BINARY(16)   NULL,
    hostname             VARCHAR(255) NULL,
    os                   VARCHAR(64)  NULL,
    os_version           VARCHAR(64)  NULL,
    client_type          VARCHAR(32)  NULL,
    client_version       VARCHAR(64)  NULL,
    credential_hash      BINARY(32)   NOT NULL,
    credential_prefix    VARCHAR(16)  NOT NULL,
    active               BOOLEAN      NOT NULL,
    enrolled_at          DATETIME(6)  NOT NULL,
    enrolled_ip          VARCHAR(45)  NULL,
    last_seen_at         DATETIME(6)  NULL,
    last_ip              VARCHAR(45)  NULL,
    updated_at           DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_devices_serial UNIQUE (serial),
    CONSTRAINT uq_devices_credential UNIQUE (credential_hash),
    CONSTRAINT fk_devices_ou FOREIGN KEY (ou_id) REFERENCES organizations (id),
    CONSTRAINT fk_devices_secret FOREIGN KEY (enrollment_secret_id) REFERENCES enrollment_secrets (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_devices_ou_seen ON devices (ou_id, last_seen_at);
CREATE INDEX ix_devices_seen ON devices (last_seen_at);

-- Agent configuration documents (JSON, checked on write): one default, at most one per OU and one per device. The key
-- is the scope and its owner: the OU's or the device's id, sixteen zero bytes for the default.
CREATE TABLE agent_configs (
    scope       VARCHAR(8)   NOT NULL,
    owner_id    BINARY(16)   NOT NULL,
    name        VARCHAR(255) NULL,
    document    MEDIUMTEXT   NOT NULL,
    updated_by  BINARY(16)   NULL,
    updated_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (scope, owner_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Results a device uploads with its credential are attributed to it (and to its OU, in ou_id).
ALTER TABLE results ADD COLUMN device_id BINARY(16) NULL;
CREATE INDEX ix_results_device_id ON results (device_id, started_at);
