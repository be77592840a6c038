-- The licensing regime (R4–R11): developers and reviewers, applications with their documents,
-- licences and their append-only event history, terms versions and acceptances,
-- announcements, notifications, credentials, research submissions, change notices and
-- destruction confirmations. Times are Unix seconds, dates yyyymmdd integers, flags 0/1.

CREATE TABLE developers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    -- argon2 hash; the password itself is never stored.
    password_hash   TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    -- 'business', 'organisation' or 'government'
    entity_type     TEXT    NOT NULL,
    -- The business ID (統一編號) of a business or organisation; registry events find it here.
    business_id     TEXT,
    -- A government body's cyber-security level (A–E); level C or above is exempt from ISMS (R6).
    security_level  TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX developers_business_id ON developers (business_id);

CREATE TABLE reviewers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

-- One application form (R4.2); a licence row follows it through its whole life.
CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    developer_id     INTEGER NOT NULL REFERENCES developers (id),
    contact_name     TEXT    NOT NULL,
    contact_email    TEXT    NOT NULL,
    contact_phone    TEXT    NOT NULL,
    product_name     TEXT    NOT NULL,
    product_version  TEXT    NOT NULL,
    purpose          TEXT    NOT NULL,
    services         TEXT    NOT NULL,
    isms_number      TEXT,
    isms_issuer      TEXT,
    isms_scope       TEXT,
    isms_expiry      INTEGER,
    isms_exempt      INTEGER NOT NULL DEFAULT 0,
    terms_version    TEXT    NOT NULL,
    filed_at         INTEGER NOT NULL
);

CREATE TABLE application_documents (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications (id),
    file_name       TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    bytes           BLOB    NOT NULL,
    sha256          TEXT    NOT NULL,
    uploaded_at     INTEGER NOT NULL
);
CREATE INDEX application_documents_app ON application_documents (application_id);

-- The licence: its state is the core's LicenceState as JSON, with its one-word name beside
-- it for queries. The AppID exists once approved.
CREATE TABLE licences (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    developer_id    INTEGER NOT NULL REFERENCES developers (id),
    app_id          TEXT    UNIQUE,
    state           TEXT    NOT NULL,
    state_json      TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX licences_developer ON licences (developer_id);
CREATE INDEX licences_state ON licences (state);

-- Every transition, append-only (R10.4): never updated or deleted (triggers below refuse).
CREATE TABLE licence_events (
    id           INTEGER PRIMARY KEY,
    licence_id   INTEGER NOT NULL REFERENCES licences (id),
    event        TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    rule         TEXT    NOT NULL,
    state_after  TEXT    NOT NULL
);
CREATE INDEX licence_events_licence ON licence_events (licence_id, id);
CREATE TRIGGER licence_events_no_update BEFORE UPDATE ON licence_events
BEGIN SELECT RAISE(ABORT, 'licence_events is append-only (R10.4)'); END;
CREATE TRIGGER licence_events_no_delete BEFORE DELETE ON licence_events
BEGIN SELECT RAISE(ABORT, 'licence_events is append-only (R10.4)'); END;

-- R4.3: each published version of the terms, and who accepted which when.
CREATE TABLE terms_versions (
    version       TEXT    PRIMARY KEY,
    summary       TEXT    NOT NULL,
    published_at  INTEGER NOT NULL,
    -- Past this instant a Developer who has not accepted may not use the API.
    deadline      INTEGER NOT NULL
);
CREATE TABLE terms_acceptances (
    developer_id  INTEGER NOT NULL REFERENCES developers (id),
    version       TEXT    NOT NULL REFERENCES terms_versions (version),
    accepted_at   INTEGER NOT NULL,
    PRIMARY KEY (developer_id, version)
);
-- The spec as amended on 2023-03-30, in force from 2023-03-31 00:00 Taipei: the version every
-- application accepts until a newer one is published.
INSERT INTO terms_versions (version, summary, published_at, deadline)
VALUES ('2023-03-30', '電子發票應用程式介面使用規範（112年3月30日修正）', 1680192000, 1680192000);

-- Public announcements: maintenance, outages, flow-control limits, changes (R4.6, R4.8, R4.9).
CREATE TABLE announcements (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER,
    published_at  INTEGER NOT NULL
);

-- Notifications to one Developer or one User, with read receipts (R4.9, R11).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    -- 'developer' or 'user'
    recipient_role  TEXT    NOT NULL,
    recipient_id    INTEGER NOT NULL,
    licence_id      INTEGER,
    kind            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    read_at         INTEGER
);
CREATE INDEX notifications_recipient ON notifications (recipient_role, recipient_id, id);

-- APIKeys of an AppID, sealed under the server key. Several verify at once during a
-- rotation's grace period; a revoked key never verifies again (R4.1).
CREATE TABLE credentials (
    id           INTEGER PRIMARY KEY,
    app_id       TEXT    NOT NULL,
    sealed_key   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    valid_until  INTEGER,
    revoked_at   INTEGER,
    -- When the Developer was shown the key: a key is shown once, then never again (R4.1).
    revealed_at  INTEGER
);
CREATE INDEX credentials_app ON credentials (app_id, id);

-- R5.10: research or statistics made from API use, given to the Center.
CREATE TABLE research_submissions (
    id            INTEGER PRIMARY KEY,
    licence_id    INTEGER NOT NULL REFERENCES licences (id),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    submitted_at  INTEGER NOT NULL
);

-- R5.11: changes of the Product's purpose or version.
CREATE TABLE change_notices (
    id           INTEGER PRIMARY KEY,
    licence_id   INTEGER NOT NULL REFERENCES licences (id),
    -- 'purpose' or 'version'
    kind         TEXT    NOT NULL,
    old_value    TEXT    NOT NULL,
    new_value    TEXT    NOT NULL,
    noted_at     INTEGER NOT NULL
);

-- R11: the Developer's confirmation that programs and User data were destroyed.
CREATE TABLE destruction_confirmations (
    id            INTEGER PRIMARY KEY,
    licence_id    INTEGER NOT NULL UNIQUE REFERENCES licences (id),
    statement     TEXT    NOT NULL,
    confirmed_at  INTEGER NOT NULL
);
