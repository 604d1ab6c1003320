-- The health figures of a team database are computed from its attempts of the window (it
-- keeps no rollup, which every worker's attempts would contend for): one webhook's by time
-- (all deliveries' have attempts_executed_at).
CREATE INDEX attempts_webhook_executed_at ON attempts (webhook_id, executed_at);
