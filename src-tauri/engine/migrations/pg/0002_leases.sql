-- One queue, many workers: a worker leases the deliveries it attempts. A lease names the
-- worker and ends at `lease_until` (unix ms): a worker that dies loses nothing, since another
-- takes the delivery once the lease has run out (same event, so the same webhook-id).
ALTER TABLE deliveries ADD COLUMN leased_by TEXT;
ALTER TABLE deliveries ADD COLUMN lease_until BIGINT;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 'pending';
