-- The e-invoice data the v1 API serves. Times are Unix seconds (UTC); calendar dates are
-- integers yyyymmdd and periods integers yyyMM (ROC year + even month), so both backends
-- compare and index them the same way. Flags are 0/1 integers for the same reason.

CREATE TABLE sellers (
    ban          TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    -- The 32-hex-digit QR seed key (種子密碼) that signs the proof-copy check code.
    qr_seed_key  TEXT
);

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    period        INTEGER NOT NULL,
    inv_num       TEXT    NOT NULL,
    inv_date      INTEGER NOT NULL,
    inv_time      TEXT    NOT NULL,
    seller_ban    TEXT    NOT NULL REFERENCES sellers (ban),
    buyer_ban     TEXT,
    random_code   TEXT    NOT NULL,
    currency      TEXT,
    sales_amount  INTEGER NOT NULL,
    free_tax_amount INTEGER NOT NULL DEFAULT 0,
    zero_tax_amount INTEGER NOT NULL DEFAULT 0,
    tax_type      INTEGER NOT NULL DEFAULT 1,
    tax_rate      TEXT    NOT NULL DEFAULT '0.05',
    tax_amount    INTEGER NOT NULL DEFAULT 0,
    total_amount  INTEGER NOT NULL,
    carrier_type  TEXT,
    carrier_id1   TEXT,
    carrier_id2   TEXT,
    print_mark    INTEGER NOT NULL DEFAULT 0,
    donate_mark   INTEGER NOT NULL DEFAULT 0,
    npoban        TEXT,
    donated_at    INTEGER,
    -- 'issued', 'voided' (F0701/C0701) or 'cancelled' (F0501/C0501).
    status        TEXT    NOT NULL DEFAULT 'issued',
    -- Digest of the record as imported: a re-import of the same record changes nothing.
    source_digest TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);

-- Invoice numbers are allotted per period, so (period, number) identifies an invoice.
CREATE UNIQUE INDEX invoices_number ON invoices (inv_num, period);
-- The carrier list query: one carrier, a date range. Covers the 100-million-row case with a
-- range scan of exactly the carrier's rows.
CREATE INDEX invoices_carrier ON invoices (carrier_type, carrier_id1, inv_date);

CREATE TABLE invoice_items (
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    description  TEXT    NOT NULL,
    quantity     TEXT    NOT NULL,
    unit_price   TEXT    NOT NULL,
    amount       TEXT    NOT NULL,
    PRIMARY KEY (invoice_id, seq)
);

CREATE TABLE charities (
    love_code    TEXT PRIMARY KEY,
    ban          TEXT NOT NULL,
    name         TEXT NOT NULL,
    abbrev       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX charities_ban ON charities (ban);

-- A period's winning numbers, as the QryWinningList JSON the domain crate reads and writes.
CREATE TABLE winning_numbers (
    period       INTEGER PRIMARY KEY,
    numbers_json TEXT    NOT NULL,
    published_at INTEGER NOT NULL
);

-- Users: the holders of mobile barcodes. The verification code is a low-entropy password and
-- is stored only as an argon2 hash.
CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    mobile_barcode     TEXT    NOT NULL UNIQUE,
    verification_hash  TEXT    NOT NULL,
    registered_at      INTEGER NOT NULL,
    deregistered_at    INTEGER
);

-- Carriers aggregated (歸戶) under a User's mobile barcode.
CREATE TABLE carrier_links (
    user_id       INTEGER NOT NULL REFERENCES users (id),
    carrier_type  TEXT    NOT NULL,
    carrier_id1   TEXT    NOT NULL,
    carrier_id2   TEXT    NOT NULL,
    carrier_name  TEXT    NOT NULL,
    linked_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, carrier_type, carrier_id1)
);
CREATE UNIQUE INDEX carrier_links_carrier ON carrier_links (carrier_type, carrier_id1);

-- Licensed apps (AppIDs). The APIKey is sealed under the server key (never stored in clear);
-- the licence lifecycle lives in its own tables.
CREATE TABLE apps (
    app_id        TEXT PRIMARY KEY,
    name          TEXT    NOT NULL,
    sealed_key    TEXT    NOT NULL,
    -- 'active', 'suspended', 'revoked'
    status        TEXT    NOT NULL,
    -- Comma-separated services the AppID is licensed for (R3.6, R4.5).
    services      TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Device IDs (UUID) barred by the operator: code 997.
CREATE TABLE blocked_devices (
    uuid         TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    blocked_at   INTEGER NOT NULL
);
