-- Carrier ownership is proven, never claimed.
--
-- How each aggregated carrier was proven: 'hidden-code' (the hidden code the User gave matched
-- one a seller uploaded for that carrier), 'issuer' (the card's issuer confirmed it). Links made
-- before this migration were only claimed: they stay on record as 'claimed' but cover no
-- invoices, and a User who proves the carrier replaces them.
ALTER TABLE carrier_links ADD COLUMN proof TEXT NOT NULL DEFAULT 'claimed';

-- Confirmations from a card's issuer that the card (type, visible ID) has this hidden code:
-- the second way to prove a carrier, for a card no seller has uploaded an invoice for yet.
CREATE TABLE carrier_issuer_confirmations (
    carrier_type  TEXT   NOT NULL,
    carrier_id1   TEXT   NOT NULL,
    carrier_id2   TEXT   NOT NULL,
    issuer        TEXT   NOT NULL,
    confirmed_at  BIGINT NOT NULL,
    PRIMARY KEY (carrier_type, carrier_id1)
);
