-- Per-row sizes of the invoice tables on PostgreSQL (docs/operations.md, "Sizing"): each
-- partitioned table and index summed over its partitions, divided by the rows. Run on a
-- database after `einv generate --into-db` and `VACUUM ANALYZE`:
--
--   psql "$URL" -f bench/pg_sizes.sql
\pset footer off
WITH counts AS (
    SELECT (SELECT COUNT(*) FROM invoices) AS invoices,
           (SELECT COUNT(*) FROM invoice_items) AS items
), parts AS (
    SELECT p.relname AS parent, p.relkind AS kind, SUM(CASE WHEN p.relkind = 'p' THEN pg_table_size(t.relid)
                    ELSE pg_relation_size(t.relid) END) AS bytes,
           COUNT(*) FILTER (WHERE t.isleaf AND t.relid::regclass::text NOT LIKE '%default%')
               AS partitions
    FROM pg_class p, LATERAL pg_partition_tree(p.oid) t
    WHERE p.relname IN ('invoices', 'invoice_items', 'invoices_pkey', 'invoices_number',
                        'invoices_carrier', 'invoices_carrier_winners', 'invoice_items_pkey')
    GROUP BY p.relname, p.relkind
)
SELECT parent,
       CASE WHEN kind = 'p' THEN 'table (heap + TOAST)' ELSE 'index' END AS what,
       partitions,
       CASE WHEN parent LIKE 'invoice_items%' THEN items ELSE invoices END AS rows,
       pg_size_pretty(bytes) AS size,
       ROUND(bytes::numeric / NULLIF(CASE WHEN parent LIKE 'invoice_items%' THEN items
                                          ELSE invoices END, 0), 1) AS bytes_per_row
FROM parts, counts
ORDER BY parent;

SELECT ROUND((SELECT COUNT(*) FROM invoice_items)::numeric / NULLIF((SELECT COUNT(*) FROM invoices), 0), 2)
           AS items_per_invoice,
       ROUND(AVG((carrier_type IS NOT NULL)::int), 3) AS on_carrier,
       pg_size_pretty(pg_database_size(current_database())) AS database
FROM invoices;
