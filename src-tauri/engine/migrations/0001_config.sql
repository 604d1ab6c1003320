-- Configuration: settings, webhooks and custom event types.
-- CHECKs list their values with OR, not IN: SQLite evaluates a longer IN list through a
-- temporary index built for every row written, which costs more than the insert itself.
-- Secrets (header values, signing secrets, the API token) live in the OS keyring, never here.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE webhooks (
    id                    TEXT PRIMARY KEY,             -- 24 hex digits (ObjectId layout)
    code                  TEXT NOT NULL UNIQUE,         -- immutable once saved
    name                  TEXT NOT NULL,
    url                   TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    events                TEXT NOT NULL,                -- JSON array of event type names
    filters               TEXT NOT NULL,                -- JSON {workflow, survey, group}
    header_names          TEXT NOT NULL,                -- JSON array; the values are in the keyring
    delivery              TEXT NOT NULL,                -- JSON delivery settings
    status                TEXT NOT NULL CHECK (status = 'active' OR status = 'disabled' OR status = 'paused'),
    status_reason         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    previous_secret_until INTEGER,                      -- unix ms; the previous secret signs until then
    created_at            INTEGER NOT NULL,             -- unix ms
    updated_at            INTEGER NOT NULL
) STRICT;

CREATE TABLE event_types (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    sample      TEXT NOT NULL,                          -- JSON object
    created_at  INTEGER NOT NULL
) STRICT;
