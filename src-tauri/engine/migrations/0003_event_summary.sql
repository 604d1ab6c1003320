-- Each event's one-line summary of its data for the log rows (model::payload_summary),
-- computed once on acceptance. NULL for events accepted before: read from their data.
ALTER TABLE events ADD COLUMN summary TEXT;
