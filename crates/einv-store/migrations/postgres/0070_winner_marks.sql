-- Winners marked when a draw is published (docs/hot-path.md): a carrier list with
-- onlyWinningInv=Y becomes an index lookup of the marked rows instead of a month read.
-- `prize_mark` is 1 when the invoice NUMBER matches a prize of its period's draw; whether the
-- holder is paid (donated, voided, business buyer, claim deadline) is still decided per call.
ALTER TABLE invoices ADD COLUMN prize_mark INTEGER;
CREATE INDEX invoices_carrier_winners ON invoices (carrier_type, carrier_id1, inv_date)
    WHERE prize_mark IS NOT NULL;

-- One row per marked period: invoices with an id above `marked_through` were stored after the
-- marking pass and are checked at query time until the period is marked again.
CREATE TABLE draw_marks (
    period         INTEGER PRIMARY KEY,
    marked_through BIGINT  NOT NULL,
    winners        BIGINT  NOT NULL,
    marked_at      BIGINT  NOT NULL
);
