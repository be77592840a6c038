-- v2 API: the Ed25519 public keys developers register to sign requests (the Platform holds no
-- secret for them), the nonces of signed requests seen within the replay window, and the
-- answers to writes sent with an Idempotency-Key.

CREATE TABLE app_signing_keys (
    id          INTEGER PRIMARY KEY,
    app_id      TEXT    NOT NULL REFERENCES apps (app_id),
    -- 'ed25519'; the column leaves room for other public-key algorithms.
    algorithm   TEXT    NOT NULL,
    -- The raw public key, Base64 (standard, padded): 32 bytes for Ed25519.
    public_key  TEXT    NOT NULL,
    label       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    UNIQUE (app_id, public_key)
);

-- One row per (AppID, nonce) accepted; a second insert of the same pair is a replay. Rows
-- past expires_at (created + the window) are deleted as new ones arrive.
CREATE TABLE request_nonces (
    app_id      TEXT    NOT NULL,
    nonce       TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (app_id, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);

-- A write's answer, kept so that a retry with the same key gets the same answer and never
-- acts twice. request_hash tells a retry from a different request reusing the key.
CREATE TABLE idempotency_keys (
    app_id        TEXT    NOT NULL,
    idem_key      TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    -- NULL while the first request is being served.
    status        INTEGER,
    response      TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (app_id, idem_key)
);
