-- Events, the deliveries they cause (the queue: a row per webhook and event, with a due
-- time), and one attempt row per HTTP try (the logs).

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,                    -- acceptance order
    id          TEXT NOT NULL UNIQUE,                   -- evt_… or the caller's id; the webhook-id header
    type        TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    data        TEXT NOT NULL,
    workflow    TEXT,
    survey      TEXT,
    grp         TEXT,
    fingerprint TEXT NOT NULL,                          -- tells a repeated event from a reused id
    accepted_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_accepted_at ON events (accepted_at);

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    event_seq       INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
    webhook_id      TEXT REFERENCES webhooks (id) ON DELETE CASCADE,   -- NULL: a direct delivery
    kind            TEXT NOT NULL CHECK (kind = 'event' OR kind = 'test' OR kind = 'resend' OR kind = 'direct'),
    url             TEXT,                               -- direct deliveries; webhooks use their current url
    header_names    TEXT,                               -- direct deliveries; values in the keyring while pending
    body            TEXT,                               -- the bytes sent, when they cannot be rebuilt: NULL for
                                                        -- event and resend deliveries, whose body is the event's
                                                        -- envelope for this webhook (model::event::envelope)
    state           TEXT NOT NULL CHECK (state = 'pending' OR state = 'succeeded' OR state = 'failed' OR state = 'cancelled'),
    attempts_made   INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,                   -- unix ms
    created_at      INTEGER NOT NULL,
    ended_at        INTEGER
) STRICT;
CREATE INDEX deliveries_pending ON deliveries (webhook_id, id) WHERE state = 'pending';
CREATE INDEX deliveries_event ON deliveries (event_seq);
CREATE INDEX deliveries_ended_at ON deliveries (ended_at) WHERE ended_at IS NOT NULL;

CREATE TABLE attempts (
    id                 INTEGER PRIMARY KEY,
    delivery_id        INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    webhook_id         TEXT,                            -- copied from the delivery for the logs' indexes
    event_type         TEXT NOT NULL,
    attempt            INTEGER NOT NULL,                -- 1-based
    max_attempts       INTEGER NOT NULL,
    result             TEXT NOT NULL CHECK (result = 'success' OR result = 'failed'),
    status_code        INTEGER,
    error_kind         TEXT,                            -- timeout, connect, dns, tls, redirect, http, blocked, …
    error              TEXT,
    duration_ms        INTEGER NOT NULL,
    executed_at        INTEGER NOT NULL,                -- unix ms
    test               INTEGER NOT NULL DEFAULT 0,
    request_url        TEXT NOT NULL,
    request_headers    TEXT NOT NULL,                   -- JSON; secret values masked
    response_headers   TEXT,                            -- JSON
    response_body      BLOB,                            -- at most 64 KiB
    response_truncated INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX attempts_webhook ON attempts (webhook_id, id);
CREATE INDEX attempts_webhook_type ON attempts (webhook_id, event_type, id);
CREATE INDEX attempts_delivery ON attempts (delivery_id);
CREATE INDEX attempts_executed_at ON attempts (executed_at);
