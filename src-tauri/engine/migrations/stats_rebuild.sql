-- Rebuilds the health rollup from the attempts of the last 8 days (the longest window is 7).
-- The buckets are those of `store::stats::bucket_of`: every ms below 10, then 16 steps a
-- decade (10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90 times 1 … 10,000).
DELETE FROM stats_minute;
DELETE FROM stats_hour;
CREATE TEMP TABLE latency_buckets (lower_ms INTEGER PRIMARY KEY);
INSERT INTO temp.latency_buckets (lower_ms)
    WITH digits (d) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)),
         mantissas (m) AS (VALUES (10), (12), (14), (16), (18), (20), (25), (30), (35), (40), (45), (50), (60), (70), (80), (90)),
         decades (p) AS (VALUES (1), (10), (100), (1000), (10000))
    SELECT d FROM digits UNION SELECT m * p FROM mantissas, decades;
INSERT INTO stats_minute (scope, at, latency_ms, succeeded, failed, duration_ms)
    SELECT scope, at, latency_ms, SUM(ok), SUM(1 - ok), SUM(duration_ms) FROM (
        SELECT COALESCE(a.webhook_id, '') AS scope, a.executed_at - a.executed_at % 60000 AS at,
               (SELECT b.lower_ms FROM temp.latency_buckets b WHERE b.lower_ms <= a.duration_ms ORDER BY b.lower_ms DESC LIMIT 1) AS latency_ms,
               a.result = 'success' AS ok, a.duration_ms
        FROM attempts a INDEXED BY attempts_executed_at
        WHERE a.executed_at >= (unixepoch() - 8 * 86400) * 1000 AND a.test = 0
    ) GROUP BY scope, at, latency_ms;
INSERT INTO stats_minute (scope, at, latency_ms, succeeded, failed, duration_ms)
    SELECT '*', at, latency_ms, SUM(succeeded), SUM(failed), SUM(duration_ms) FROM stats_minute GROUP BY at, latency_ms;
INSERT INTO stats_hour (scope, at, latency_ms, succeeded, failed, duration_ms)
    SELECT scope, at - at % 3600000, latency_ms, SUM(succeeded), SUM(failed), SUM(duration_ms)
    FROM stats_minute GROUP BY scope, at - at % 3600000, latency_ms;
DROP TABLE temp.latency_buckets;
