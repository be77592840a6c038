-- R4.6 flow control as data. The defaults (per IP, per AppID) come from the configuration; a
-- reviewer may give one licence's AppID its own limit. Every such change is a row here, never
-- updated or deleted: the rows are the announcement (R4.6, R4.9) and the history. A row with
-- calls NULL lifts the AppID's own limit (back to the default). The limit in force for an
-- AppID at time t is its latest row with effective_at <= t, so a change can be announced
-- ahead of when it applies.
CREATE TABLE flow_limit_changes (
    id            INTEGER PRIMARY KEY,
    app_id        TEXT    NOT NULL,
    licence_id    INTEGER NOT NULL,
    calls         INTEGER,
    window_secs   INTEGER,
    burst         INTEGER,
    effective_at  INTEGER NOT NULL,
    actor         TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX flow_limit_changes_app ON flow_limit_changes (app_id, effective_at);

-- Every node re-reads the changes when this version moves (the cache_versions mechanism of
-- migration 0071), so a change made through one node reaches all of them.
INSERT INTO cache_versions (scope, version) VALUES ('flow', 0);
CREATE TRIGGER flow_limit_changes_insert_bumps_flow AFTER INSERT ON flow_limit_changes
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'flow'; END;

-- Calls refused by flow control, per AppID and hour (the hour's first Unix second), rolled up
-- from each node's memory so a flood of refusals costs one upsert per AppID and flush.
CREATE TABLE flow_throttled (
    app_id  TEXT    NOT NULL,
    hour    INTEGER NOT NULL,
    calls   INTEGER NOT NULL,
    PRIMARY KEY (app_id, hour)
);
