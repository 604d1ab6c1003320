-- The leased deliveries of a webhook, which every claim counts: few at any time (one per
-- attempt under way), so a claim reads those instead of the webhook's whole backlog.
CREATE INDEX deliveries_leased ON deliveries (webhook_id) WHERE state = 'pending' AND lease_until IS NOT NULL;
