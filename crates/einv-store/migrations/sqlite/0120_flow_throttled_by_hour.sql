-- The retention job of the refused-call counts (flow_throttled, migration 0080) deletes the
-- hours past the kept period: an index by hour makes that a range delete, not a scan of every
-- AppID's rows.
CREATE INDEX flow_throttled_hour ON flow_throttled (hour);
