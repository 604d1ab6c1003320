-- Delivery health, rolled up as each attempt is recorded (Tests aside), so that the Health
-- view reads a few thousand rows, not a million attempts. A scope is a webhook's id, '' for
-- direct deliveries, '*' for all of them together. Each row counts the attempts of one
-- minute (or hour) whose duration fell in one latency bucket (`latency_ms` is its lower
-- bound), with their durations' sum: a bucket's mean is where its percentiles are placed.
CREATE TABLE stats_minute (
    scope       TEXT NOT NULL,
    at          INTEGER NOT NULL,            -- unix ms, the start of the minute
    latency_ms  INTEGER NOT NULL,
    succeeded   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,            -- the sum
    PRIMARY KEY (scope, at, latency_ms)
) STRICT, WITHOUT ROWID;
CREATE TABLE stats_hour (
    scope       TEXT NOT NULL,
    at          INTEGER NOT NULL,            -- unix ms, the start of the hour
    latency_ms  INTEGER NOT NULL,
    succeeded   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (scope, at, latency_ms)
) STRICT, WITHOUT ROWID;
