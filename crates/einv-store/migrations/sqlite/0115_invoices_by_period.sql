-- PostgreSQL partitions invoices by period in its migration 0115; SQLite has no partitioning
-- and keeps its schema. This file keeps the two folders' numbers the same.
SELECT 1;
