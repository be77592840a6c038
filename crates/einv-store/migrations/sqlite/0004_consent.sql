-- Users' consent to apps (R5.2–R5.6, R10.2), the OAuth codes and tokens that carry it, the
-- Users' requests to stop using or delete their data (R5.2, R6.1), and notices to Users.
-- Apps are referred to by app_id only: the licence tables belong to another migration.

CREATE TABLE consent_grants (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    app_id           TEXT    NOT NULL REFERENCES apps (app_id),
    -- 'in-scope' or 'out-of-scope' (R5.3).
    kind             TEXT    NOT NULL,
    -- Space-separated service names: the authorisation scope (R5.4).
    services         TEXT    NOT NULL,
    purpose_category TEXT    NOT NULL,
    purpose          TEXT    NOT NULL,
    period           TEXT    NOT NULL,
    region           TEXT    NOT NULL,
    recipients       TEXT    NOT NULL,
    manner           TEXT    NOT NULL,
    -- The R5.3 disclosures; present exactly for out-of-scope grants.
    laws             TEXT,
    refusal_effect   TEXT,
    granted_at       INTEGER NOT NULL,
    -- granted_at + six calendar months in Taipei (R5.6), computed by the domain crate and kept
    -- so the live-grant lookup is one indexed range query.
    lapses_at        INTEGER NOT NULL,
    revoked_at       INTEGER,
    voided_at        INTEGER,
    void_reason      TEXT,
    -- A renewal is a new recorded act (R5.6) that names the grant it renews.
    renews           INTEGER REFERENCES consent_grants (id)
);
CREATE INDEX consent_grants_user_app ON consent_grants (user_id, app_id, lapses_at);
CREATE INDEX consent_grants_app ON consent_grants (app_id);

-- Redirect URIs an app registered for the OAuth flow.
CREATE TABLE oauth_redirect_uris (
    app_id        TEXT NOT NULL REFERENCES apps (app_id),
    redirect_uri  TEXT NOT NULL,
    PRIMARY KEY (app_id, redirect_uri)
);

-- OAuth authorization codes: only a SHA-256 of the code is kept; single use; short-lived.
CREATE TABLE oauth_codes (
    code_hash       TEXT PRIMARY KEY,
    app_id          TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    grant_id        INTEGER NOT NULL REFERENCES consent_grants (id),
    redirect_uri    TEXT    NOT NULL,
    -- The PKCE S256 challenge (RFC 7636).
    code_challenge  TEXT    NOT NULL,
    scope           TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
);

-- Access and refresh tokens: SHA-256 hashes only. A token dies with its grant.
CREATE TABLE consent_tokens (
    token_hash  TEXT PRIMARY KEY,
    -- 'access' or 'refresh'.
    kind        TEXT    NOT NULL,
    grant_id    INTEGER NOT NULL REFERENCES consent_grants (id),
    app_id      TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    -- A refresh token is used once (rotation); an access token is revoked with its family.
    used_at     INTEGER
);
CREATE INDEX consent_tokens_grant ON consent_tokens (grant_id);

-- A User's request that an app stop using, stop processing or delete their data (R5.2),
-- also created for every app that held a consent when the User deregisters (R6.1).
CREATE TABLE deletion_requests (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    app_id           TEXT    NOT NULL,
    -- 'stop-use', 'stop-processing' or 'delete'.
    kind             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    -- yyyymmdd: the Taipei day by which the developer must complete it.
    due_date         INTEGER NOT NULL,
    acknowledged_at  INTEGER,
    completed_at     INTEGER
);
CREATE INDEX deletion_requests_app ON deletion_requests (app_id, completed_at);
CREATE INDEX deletion_requests_user ON deletion_requests (user_id);

-- Notices to a User on the Platform (voided consents, licence ends …).
CREATE TABLE user_notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX user_notifications_user ON user_notifications (user_id, created_at);

-- Bank accounts Users record through the carrierBankAccBlank page (for prize transfers).
CREATE TABLE user_bank_accounts (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id),
    bank_code    TEXT    NOT NULL,
    account_no   TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
);
