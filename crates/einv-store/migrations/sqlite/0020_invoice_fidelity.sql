-- An invoice shows its seller as that invoice's upload names it (docs/import.md): a rename
-- must not rewrite older invoices, and importing an older file must not switch the name back.
-- Existing rows take the name and address their seller has now (the best that is known).
ALTER TABLE invoices ADD COLUMN seller_name TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN seller_address TEXT NOT NULL DEFAULT '';
UPDATE invoices SET
    seller_name = COALESCE((SELECT s.name FROM sellers s WHERE s.ban = invoices.seller_ban), ''),
    seller_address = COALESCE((SELECT s.address FROM sellers s WHERE s.ban = invoices.seller_ban), '');

-- An item's row number as uploaded (MIG SequenceNumber, v1 rowNum: `0001` stays `0001`, and it
-- need not be numeric). `seq` becomes the item's position from 1, which orders the lines.
-- Existing rows get the three-digit form einv served until now.
ALTER TABLE invoice_items ADD COLUMN row_num TEXT NOT NULL DEFAULT '';
UPDATE invoice_items SET row_num = printf('%03d', seq);
