-- Team mode's schema on PostgreSQL: the tables of the SQLite store (migrations/0001–0004),
-- with PostgreSQL's types, and `secrets` for the values a server keeps sealed instead of in
-- an OS keyring (src/sealed.rs). Times are unix ms in BIGINT, as in SQLite; JSON stays TEXT
-- so that an event's data is kept exactly as the caller wrote it.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE webhooks (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    url                   TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    events                TEXT NOT NULL,
    filters               TEXT NOT NULL,
    header_names          TEXT NOT NULL,
    delivery              TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'paused')),
    status_reason         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    previous_secret_until BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

CREATE TABLE event_types (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    sample      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Sealed secrets: `hdk1:` + base64(nonce ‖ ciphertext), the account as associated data.
CREATE TABLE secrets (
    account    TEXT PRIMARY KEY,
    sealed     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    data        TEXT NOT NULL,
    workflow    TEXT,
    survey      TEXT,
    grp         TEXT,
    fingerprint TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    summary     TEXT
);
CREATE INDEX events_accepted_at ON events (accepted_at);

CREATE TABLE deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_seq       BIGINT NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    webhook_id      TEXT REFERENCES webhooks (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('event', 'test', 'resend', 'direct')),
    url             TEXT,
    header_names    TEXT,
    body            TEXT,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'cancelled')),
    attempts_made   INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    ended_at        BIGINT
);
CREATE INDEX deliveries_pending ON deliveries (webhook_id, id) WHERE state = 'pending';
CREATE INDEX deliveries_event ON deliveries (event_seq);
CREATE INDEX deliveries_ended_at ON deliveries (ended_at) WHERE ended_at IS NOT NULL;

CREATE TABLE attempts (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id        BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    webhook_id         TEXT,
    event_type         TEXT NOT NULL,
    attempt            INTEGER NOT NULL,
    max_attempts       INTEGER NOT NULL,
    result             TEXT NOT NULL CHECK (result IN ('success', 'failed')),
    status_code        INTEGER,
    error_kind         TEXT,
    error              TEXT,
    duration_ms        BIGINT NOT NULL,
    executed_at        BIGINT NOT NULL,
    test               BOOLEAN NOT NULL DEFAULT false,
    request_url        TEXT NOT NULL,
    request_headers    TEXT NOT NULL,
    response_headers   TEXT,
    response_body      BYTEA,
    response_truncated BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX attempts_webhook ON attempts (webhook_id, id);
CREATE INDEX attempts_webhook_type ON attempts (webhook_id, event_type, id);
CREATE INDEX attempts_delivery ON attempts (delivery_id);
CREATE INDEX attempts_executed_at ON attempts (executed_at);

CREATE TABLE stats_minute (
    scope       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    latency_ms  BIGINT NOT NULL,
    succeeded   BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (scope, at, latency_ms)
);

CREATE TABLE stats_hour (
    scope       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    latency_ms  BIGINT NOT NULL,
    succeeded   BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (scope, at, latency_ms)
);
