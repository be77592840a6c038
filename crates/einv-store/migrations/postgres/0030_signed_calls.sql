-- "Sign every call" (a licence setting) and the answers to signed v1 calls, kept for the
-- timestamp window so a repeated identical request is answered from the first answer and
-- never acts twice.

-- One row per licence that has the setting decided. A licence with no row was created after
-- this migration and signs every call (the default from now on); the licences that exist now
-- get a row with 0 and keep the Ministry's behaviour until a reviewer or the Developer turns
-- it on.
CREATE TABLE licence_signing (
    licence_id       BIGINT PRIMARY KEY REFERENCES licences (id),
    sign_every_call  BIGINT  NOT NULL,
    changed_at       BIGINT  NOT NULL,
    -- who set it: 'migration', 'reviewer:7', 'operator', 'developer:3'
    changed_by       TEXT    NOT NULL
);
INSERT INTO licence_signing (licence_id, sign_every_call, changed_at, changed_by)
    SELECT id, 0, updated_at, 'migration' FROM licences;

-- The first answer to a signed call. `call_key` is a SHA-256 over the AppID and every
-- parameter (signature included), so only a byte-identical request finds it. `reply` is
-- NULL while the first request is being answered. Rows die at `expires_at`, the end of the
-- window in which the request's timestamp is accepted; the table is pruned as rows are added.
CREATE TABLE signed_calls (
    call_key    TEXT PRIMARY KEY,
    app_id      TEXT    NOT NULL,
    reply       TEXT,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX signed_calls_expiry ON signed_calls (expires_at);
