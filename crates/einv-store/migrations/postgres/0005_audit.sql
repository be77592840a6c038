-- The audit trail (R5.3, R6.4): append-only, hash-chained. Rows are only ever inserted, and
-- deleted only from the front by a purge past the retention period (which leaves a signed
-- anchor in audit_checkpoints so the rest still verifies).
CREATE TABLE audit_log (
    -- Assigned by the chain (head.seq + 1), not by the database: a gap means a removed row.
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    user_id    BIGINT,
    app_id     TEXT,
    -- JSON array of invoice numbers, as shown to the caller.
    invoices   TEXT    NOT NULL,
    ip         TEXT,
    -- JSON text, hashed byte for byte as stored.
    detail     TEXT    NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_app ON audit_log (app_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain head, one row. Every append updates it first, so appends serialise on this row on
-- both backends (a row lock on PostgreSQL, the write lock on SQLite) and the chain stays linear.
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT    NOT NULL
);
-- seq 0 is genesis: SHA-256("einv audit trail genesis v1") (einv_core::audit::genesis_hash).
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, 'b17719a59be1b17008291eb944cb298c44e01e6cafd4caf6eae1a1cb3d1ca05b');

-- Signed checkpoints: HMAC-SHA256 over (seq, hash) under a key derived from the server key.
-- kind 'checkpoint' vouches for an entry; kind 'anchor' marks the last entry a purge removed.
CREATE TABLE audit_checkpoints (
    seq   BIGINT NOT NULL,
    kind  TEXT    NOT NULL,
    hash  TEXT    NOT NULL,
    mac   TEXT    NOT NULL,
    at    BIGINT NOT NULL,
    PRIMARY KEY (seq, kind)
);
