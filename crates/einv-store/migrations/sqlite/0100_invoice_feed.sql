-- The invoice change feed (docs/hot-path.md, "Carrier months"). Every store write to invoices
-- (an import batch, a donation, a status change, a period dropped by retention) appends the
-- (carrier, period) keys it touched, in its own transaction, under one number taken from
-- invoice_feed.seq; each node reads the changes after the last number it saw, at its cache
-- check, and evicts those carrier months from its cache. A key with an empty carrier_type
-- stands for every carrier of the period.
--
-- Only new tables: code from before this migration runs on this schema unchanged (its writes
-- are not in the feed; see docs/hot-path.md for a rolling upgrade).
CREATE TABLE invoice_feed (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    seq            BIGINT NOT NULL,
    pruned_through BIGINT NOT NULL
);
INSERT INTO invoice_feed (id, seq, pruned_through) VALUES (1, 0, 0);

CREATE TABLE invoice_changes (
    seq          BIGINT NOT NULL,
    carrier_type TEXT NOT NULL,
    carrier_id1  TEXT NOT NULL,
    period       INTEGER NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX invoice_changes_seq ON invoice_changes (seq);
CREATE INDEX invoice_changes_at ON invoice_changes (at);
