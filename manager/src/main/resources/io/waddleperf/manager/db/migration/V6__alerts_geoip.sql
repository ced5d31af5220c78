-- Alerts: rules per OU and target, the current state of each rule, and the history of its changes. GeoIP columns of
-- results. Galera rules as everywhere: a primary key on every table, UUID keys, no locks; a state change is a
-- conditional UPDATE, so of several managers evaluating at once exactly one records and notifies it.

-- A rule: the mean of one metric over the results of one target (and optionally one probe type) started within the
-- last window_seconds, compared with a threshold once at least min_samples results are in the window. ou_id null: a
-- rule of a global admin over every OU. The webhook URL and secret are write-only through the API (chat webhook URLs
-- carry their token); email_to holds comma-separated addresses.
CREATE TABLE alert_rules (
    id             BINARY(16)    NOT NULL,
    ou_id          BINARY(16)    NULL,
    name           VARCHAR(255)  NOT NULL,
    target         VARCHAR(512)  NOT NULL,
    test_type      VARCHAR(32)   NULL,
    metric         VARCHAR(32)   NOT NULL,
    comparison     VARCHAR(4)    NOT NULL,
    threshold      DOUBLE        NOT NULL,
    window_seconds INT           NOT NULL,
    min_samples    INT           NOT NULL,
    enabled        BOOLEAN       NOT NULL,
    webhook_url    VARCHAR(2048) NULL,
    webhook_format VARCHAR(16)   NULL,
    webhook_secret VARCHAR(255)  NULL,
    email_to       VARCHAR(2048) NULL,
    created_by     BINARY(16)    NULL,
    created_at     DATETIME(6)   NOT NULL,
    updated_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT fk_alert_rules_ou FOREIGN KEY (ou_id) REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_alert_rules_ou ON alert_rules (ou_id, target);
CREATE INDEX ix_alert_rules_target ON alert_rules (target);

-- One row per rule: firing or resolved, since when, and the last evaluation.
CREATE TABLE alert_states (
    rule_id      BINARY(16)  NOT NULL,
    state        VARCHAR(16) NOT NULL,
    since        DATETIME(6) NOT NULL,
    last_value   DOUBLE      NULL,
    last_samples INT         NULL,
    evaluated_at DATETIME(6) NULL,
    PRIMARY KEY (rule_id),
    CONSTRAINT fk_alert_states_rule FOREIGN KEY (rule_id) REFERENCES alert_rules (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every change of state, newest read first by (occurred_at, id). No foreign key to the rule: history outlives it.
CREATE TABLE alert_events (
    id          BINARY(16)    NOT NULL,
    rule_id     BINARY(16)    NOT NULL,
    ou_id       BINARY(16)    NULL,
    rule_name   VARCHAR(255)  NOT NULL,
    target      VARCHAR(512)  NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    occurred_at DATETIME(6)   NOT NULL,
    metric      VARCHAR(32)   NOT NULL,
    comparison  VARCHAR(4)    NOT NULL,
    threshold   DOUBLE        NOT NULL,
    mean_value  DOUBLE        NOT NULL,
    samples     INT           NOT NULL,
    delivery    VARCHAR(1024) NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_alert_events_time ON alert_events (occurred_at, id);
CREATE INDEX ix_alert_events_ou ON alert_events (ou_id, occurred_at);
CREATE INDEX ix_alert_events_rule ON alert_events (rule_id, occurred_at);

-- GeoIP of the submitting client's address and of the target's, as the configured databases knew them at ingest.
ALTER TABLE results ADD COLUMN client_ip VARCHAR(45) NULL;
ALTER TABLE results ADD COLUMN client_country VARCHAR(2) NULL;
ALTER TABLE results ADD COLUMN client_city VARCHAR(255) NULL;
ALTER TABLE results ADD COLUMN client_latitude DOUBLE NULL;
ALTER TABLE results ADD COLUMN client_longitude DOUBLE NULL;
ALTER TABLE results ADD COLUMN client_asn BIGINT NULL;
ALTER TABLE results ADD COLUMN client_as_org VARCHAR(255) NULL;
ALTER TABLE results ADD COLUMN target_country VARCHAR(2) NULL;
ALTER TABLE results ADD COLUMN target_city VARCHAR(255) NULL;
ALTER TABLE results ADD COLUMN target_latitude DOUBLE NULL;
ALTER TABLE results ADD COLUMN target_longitude DOUBLE NULL;
ALTER TABLE results ADD COLUMN target_asn BIGINT NULL;
ALTER TABLE results ADD COLUMN target_as_org VARCHAR(255) NULL;
