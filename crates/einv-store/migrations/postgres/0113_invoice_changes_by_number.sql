-- The invoice change feed names the stored invoice a write changed (a status, a donation),
-- so each node can evict the invoices it keeps by number (docs/hot-path.md, "Invoices kept by
-- number"), those without a carrier included: such a change is stored with an empty
-- carrier_type and its inv_num. New invoices and dropped periods leave inv_num NULL.
--
-- Code from before this migration runs on this schema unchanged: it names its columns, and
-- reads a change with an empty carrier_type as "every carrier of the period" (more evicted,
-- never less).
ALTER TABLE invoice_changes ADD COLUMN inv_num TEXT;
