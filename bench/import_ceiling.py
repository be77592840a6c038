#!/usr/bin/env python3
"""What SQLite itself does with the invoice schema, without Rust or sqlx: the ceiling for
`cargo bench -p einv-store --bench import` (docs/benchmarks.md, "Import throughput").

Inserts N invoices (default 200,000) with 1-4 items each into a fresh SQLite file with the same
migration, settings and shape of data as the bench, through the C API (`executemany`: one
prepared statement per table, one transaction), and prints invoices per second of wall time and
of CPU time.

    bench/import_ceiling.py [N] [--headers-only]
"""

import os
import random
import sqlite3
import sys
import tempfile
import time

MIGRATION = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "crates", "einv-store", "migrations", "sqlite", "0001_invoices.sql",
)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 200_000
    headers_only = "--headers-only" in sys.argv
    path = os.path.join(tempfile.mkdtemp(), "ceiling.db")
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON",
                   "temp_store = MEMORY", "cache_size = -65536", "wal_autocheckpoint = 16384"):
        db.execute("PRAGMA " + pragma)
    with open(MIGRATION, encoding="utf-8") as f:
        db.executescript(f.read())
    db.execute("INSERT INTO sellers VALUES ('04595257', '商店', '台北市', NULL)")

    rng = random.Random(1)
    invoices, items = [], []
    for i in range(n):
        month = 1 + i % 12
        period = 11400 + month + month % 2
        date = 20250000 + month * 100 + 1 + rng.randrange(28)
        barcode = "/%07d" % rng.randrange(10**7)
        invoices.append((i + 1, period, "AB%08d" % i, date, "12:34:56", "04595257", None,
                         "%04d" % rng.randrange(10**4), None, 100, 0, 0, 1, "0.05", 0, 100,
                         "3J0002", barcode, barcode, 0, 0, None, "issued", 0))
        for seq in range(1, 2 + rng.randrange(4)):
            items.append((i + 1, seq, "商品%d" % seq, "1", str(10 + rng.randrange(500)), "0"))

    wall, cpu = time.time(), time.process_time()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO invoices (id, period, inv_num, inv_date, inv_time, seller_ban, buyer_ban, "
        "random_code, currency, sales_amount, free_tax_amount, zero_tax_amount, tax_type, "
        "tax_rate, tax_amount, total_amount, carrier_type, carrier_id1, carrier_id2, print_mark, "
        "donate_mark, npoban, status, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", invoices)
    if not headers_only:
        db.executemany("INSERT INTO invoice_items VALUES (?,?,?,?,?,?)", items)
    db.execute("COMMIT")
    wall, cpu = time.time() - wall, time.process_time() - cpu
    what = "headers only" if headers_only else "%d items" % len(items)
    print("%d invoices (%s): %.0f invoices/s (%.2f s), %.0f per CPU-second (%.2f s)"
          % (n, what, n / wall, wall, n / cpu, cpu))
    db.close()
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


if __name__ == "__main__":
    main()
