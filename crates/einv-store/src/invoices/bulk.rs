//! The bulk path: a batch of sellers, invoices with their items, and status changes (void,
//! cancel), stored in one transaction with multi-row statements.
//!
//! How it stays fast and correct on both backends:
//!
//! - Headers go in with multi-row `INSERT … ON CONFLICT (inv_num, period) DO NOTHING RETURNING
//!   id, inv_num, period`: the rows that come back are the new ones, mapped back to the batch by
//!   their key (neither backend promises the order of `RETURNING` rows), so each inserted
//!   invoice knows its id and its items can go in bulk too.
//! - The invoices that did not come back were already stored: their stored headers are read in
//!   one `IN (…)` query per chunk and compared, giving [`InsertOutcome::Unchanged`] or
//!   [`InsertOutcome::Conflict`]; a number repeated inside the batch is compared with its first
//!   occurrence, exactly as if the batch were inserted one invoice at a time.
//! - No statement binds more than [`MAX_PARAMS`] parameters (SQLite's limit; PostgreSQL allows
//!   65 535), so a chunk holds `MAX_PARAMS / columns` rows.
//! - Any other failure (a missing seller, a duplicated item sequence number …) aborts the whole
//!   transaction: a batch is all or nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use einv_core::InvoiceNumber;
use sqlx::query::Query;
use sqlx::{AnyConnection, Connection, Database, Encode, Executor, Row, Type};

use super::corrupt;
use super::periods::distinct_keys;
use crate::records::{date_key, period_key};
use crate::{
    Backend, ChangedInvoices, InsertOutcome, Invoice, InvoiceHeader, InvoiceStatus, Seller, Store,
    StoreResult,
};
use items::insert_items;
use stored::{same_invoice, stored_records};

/// The most parameters one statement binds: SQLite's `SQLITE_MAX_VARIABLE_NUMBER` (32 766 since
/// SQLite 3.32); PostgreSQL's limit (65 535) is higher.
pub const MAX_PARAMS: usize = 32_766;

/// The columns of a new invoice, in the order [`bind_header`] binds them.
pub const INVOICE_COLUMNS: &str = "period, inv_num, inv_date, inv_time, seller_ban, buyer_ban, \
    random_code, currency, sales_amount, free_tax_amount, zero_tax_amount, tax_type, tax_rate, \
    tax_amount, total_amount, carrier_type, carrier_id1, carrier_id2, print_mark, donate_mark, \
    npoban, status, created_at, seller_name, seller_address";
const INVOICE_WIDTH: usize = 25;
/// An item's columns; on PostgreSQL an item also carries its invoice's period (its partition
/// key, migration 0115).
const ITEM_COLUMNS: &str = "invoice_id, seq, description, quantity, unit_price, amount, row_num";
const ITEM_WIDTH: usize = 7;
const SELLER_WIDTH: usize = 4;

mod items;
mod status;
mod stored;

pub use status::{StatusChange, StatusOutcome};

/// One batch for [`Store::insert_invoice_batch`], borrowed from the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvoiceBatch<'a> {
    /// Sellers to create or update first (their invoices need them).
    pub sellers: &'a [Seller],
    /// Invoices to insert, with their items.
    pub invoices: &'a [Invoice],
    /// Status changes, applied after the inserts.
    pub status_changes: &'a [StatusChange],
}

/// What happened to each part of a batch, in the batch's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// One outcome per invoice.
    pub invoices: Vec<InsertOutcome>,
    /// One outcome per status change.
    pub status_changes: Vec<StatusOutcome>,
}

impl Store {
    /// Stores a batch in one transaction, all of it or none of it: sellers are upserted (a
    /// seller's QR seed key is kept when the batch does not carry one), invoices inserted with
    /// their items, then status changes applied. An invoice whose number and period are taken
    /// is left alone and reported [`InsertOutcome::Unchanged`] when it is the stored invoice
    /// (ignoring what happened to it since: a void, a cancel, a donation through the API) or
    /// [`InsertOutcome::Conflict`] when it differs.
    pub async fn insert_invoice_batch(
        &self,
        batch: InvoiceBatch<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<BatchOutcome> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        if backend == Backend::Sqlite {
            // For this connection only (the settings stay with it in the pool):
            // - a multi-row statement keeps a statement journal, to undo itself alone on error:
            //   in memory rather than in a temporary file;
            // - a 64 MiB page cache, so the indexes do not spill while a batch goes in;
            // - a checkpoint every 16 384 WAL pages (64 MiB) instead of 1 000: a bulk load then
            //   copies each hot index page to the database file far fewer times (measured:
            //   -11% CPU and half the wall time on a 500 000-invoice import).
            let pragmas = "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; \
                           PRAGMA wal_autocheckpoint = 16384";
            conn.execute(pragmas).await?;
        }
        let periods = distinct_keys(batch.invoices.iter().map(|i| i.header.period));
        super::periods::ensure_partitions(&mut conn, backend, &periods).await?;
        let mut tx = conn.begin().await?;
        upsert_sellers(&mut tx, backend, batch.sellers).await?;
        let invoices = insert_invoices(&mut tx, backend, batch.invoices, now).await?;
        let mut status_changes = Vec::with_capacity(batch.status_changes.len());
        let mut changed: Vec<ChangedInvoices> = batch
            .invoices
            .iter()
            .zip(&invoices)
            .filter(|(_, outcome)| **outcome == InsertOutcome::Inserted)
            .filter_map(|(invoice, _)| feed_key(&invoice.header))
            .collect();
        for change in batch.status_changes {
            let (outcome, touched) = status::change(&mut tx, change).await?;
            status_changes.push(outcome);
            changed.extend(touched);
        }
        // Last before the commit: the feed's row stays locked until then (feed.rs).
        super::feed::append(&mut tx, backend, changed, now).await?;
        tx.commit().await?;
        self.wrote_invoices();
        Ok(BatchOutcome {
            invoices,
            status_changes,
        })
    }
}

type Tx = AnyConnection;
type Key = (InvoiceNumber, i64);

/// `(…),(…)…`: `rows` tuples of `width` parameters.
///
/// PostgreSQL numbers them `$1, $2 …`. SQLite gets anonymous `?`: it keeps named parameters
/// (`$1`, `?1`) in a list it scans linearly on every lookup, which makes binding a statement
/// with thousands of them quadratic (measured: 40× slower than the plain loop); `?` has no
/// name and binds in order.
pub(crate) fn values_list(backend: Backend, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(rows * width * 7);
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ",(" });
        for col in 0..width {
            n += 1;
            if col > 0 {
                sql.push(',');
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

fn rows_per_statement(width: usize) -> usize {
    MAX_PARAMS / width
}

async fn upsert_sellers(tx: &mut Tx, backend: Backend, sellers: &[Seller]) -> StoreResult<()> {
    // PostgreSQL refuses to update one row twice in a statement: the last of a ban wins.
    let mut last: HashMap<&str, &Seller> = HashMap::with_capacity(sellers.len());
    let mut order = Vec::with_capacity(sellers.len());
    for s in sellers {
        if last.insert(s.ban.as_str(), s).is_none() {
            order.push(s.ban.as_str());
        }
    }
    let unique: Vec<&Seller> = order
        .iter()
        .filter_map(|ban| last.get(ban).copied())
        .collect();
    for chunk in unique.chunks(rows_per_statement(SELLER_WIDTH)) {
        let sql = format!(
            "INSERT INTO sellers (ban, name, address, qr_seed_key) VALUES {} \
             ON CONFLICT (ban) DO UPDATE SET name = excluded.name, address = excluded.address, \
             qr_seed_key = COALESCE(excluded.qr_seed_key, sellers.qr_seed_key)",
            values_list(backend, SELLER_WIDTH, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for s in chunk {
            query = query
                .bind(s.ban.as_str())
                .bind(s.name.as_str())
                .bind(s.address.as_str())
                .bind(s.qr_seed_key.as_deref());
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Binds a new invoice's header in [`INVOICE_COLUMNS`]' order; it is stored `issued` (a status
/// change is a later message). Generic over the driver: the import benchmark's baseline binds
/// the same header through sqlx's native SQLite driver.
pub fn bind_header<'q, DB>(
    query: Query<'q, DB, DB::Arguments<'q>>,
    h: &'q InvoiceHeader,
    now: i64,
) -> Query<'q, DB, DB::Arguments<'q>>
where
    DB: Database,
    i64: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
{
    let carrier = h.carrier.as_ref();
    // The store keeps amounts as integers; an amount past i64 cannot be an invoice's.
    let amount = |n: einv_core::Ntd| i64::try_from(n.dollars()).unwrap_or(i64::MAX);
    query
        .bind(period_key(h.period))
        .bind(h.number.as_str())
        .bind(date_key(h.date))
        .bind(h.time.as_str())
        .bind(h.seller.id.as_str())
        .bind(h.buyer.as_ref().map(|b| b.as_str()))
        // An invoice without a random code (optional in MIG) keeps an empty one.
        .bind(h.random_code.map(|r| r.to_string()).unwrap_or_default())
        .bind(h.currency.as_ref().map(|c| c.as_str()))
        .bind(amount(h.sales_amount))
        .bind(amount(h.free_tax_amount))
        .bind(amount(h.zero_tax_amount))
        .bind(i64::from(h.tax_type.code()))
        .bind(h.tax_rate.as_str())
        .bind(amount(h.tax_amount))
        .bind(amount(h.total_amount))
        .bind(carrier.map(|c| c.carrier_type.as_str()))
        .bind(carrier.map(|c| c.id1.as_str()))
        .bind(carrier.map(|c| c.id2.as_str()))
        .bind(i64::from(h.printed))
        .bind(i64::from(h.donated_to.is_some()))
        .bind(h.donated_to.as_ref().map(|d| d.as_str()))
        .bind(InvoiceStatus::Issued.as_str())
        .bind(now)
        .bind(h.seller.name.as_str())
        .bind(h.seller.address.as_str())
}

/// The feed's key of a new invoice: its carrier and period (none without a carrier).
fn feed_key(h: &InvoiceHeader) -> Option<ChangedInvoices> {
    h.carrier.as_ref().map(|c| ChangedInvoices {
        carrier: Some(super::CarrierKey {
            carrier_type: c.carrier_type.clone(),
            id1: c.id1.clone(),
        }),
        period: h.period,
        number: None,
    })
}

fn key_of(h: &InvoiceHeader) -> Key {
    (h.number, period_key(h.period))
}

async fn insert_invoices(
    tx: &mut Tx,
    backend: Backend,
    invoices: &[Invoice],
    now: DateTime<Utc>,
) -> StoreResult<Vec<InsertOutcome>> {
    // The first occurrence of each key goes to the database; repeats are settled in memory.
    let mut first: HashMap<Key, usize> = HashMap::with_capacity(invoices.len());
    let mut unique = Vec::with_capacity(invoices.len());
    let mut repeats = Vec::new();
    for (i, invoice) in invoices.iter().enumerate() {
        match first.entry(key_of(&invoice.header)) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
                unique.push(i);
            }
            std::collections::hash_map::Entry::Occupied(slot) => repeats.push((i, *slot.get())),
        }
    }

    let mut ids: Vec<Option<i64>> = vec![None; invoices.len()];
    let now = now.timestamp();
    for chunk in unique.chunks(rows_per_statement(INVOICE_WIDTH)) {
        let sql = format!(
            "INSERT INTO invoices ({INVOICE_COLUMNS}) VALUES {} \
             ON CONFLICT (inv_num, period) DO NOTHING RETURNING id, inv_num, period",
            values_list(backend, INVOICE_WIDTH, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for &i in chunk {
            query = bind_header(query, &invoices[i].header, now);
        }
        for row in query.fetch_all(&mut *tx).await? {
            let number: String = row.try_get("inv_num")?;
            let number = InvoiceNumber::parse(&number).map_err(|e| corrupt("inv_num", e))?;
            let period: i64 = row.try_get("period")?;
            let i = first
                .get(&(number, period))
                .copied()
                .ok_or_else(|| corrupt("inv_num", format!("{number} came back unasked")))?;
            ids[i] = Some(row.try_get("id")?);
        }
    }

    let missing: Vec<usize> = unique
        .iter()
        .copied()
        .filter(|&i| ids[i].is_none())
        .collect();
    let stored = stored_records(tx, backend, invoices, &missing).await?;
    let mut outcomes = vec![InsertOutcome::Inserted; invoices.len()];
    for &i in &missing {
        let header = &invoices[i].header;
        outcomes[i] = match stored.get(&key_of(header)) {
            Some(record) if same_invoice(record, header) => InsertOutcome::Unchanged,
            _ => InsertOutcome::Conflict,
        };
    }
    for &(i, j) in &repeats {
        let header = &invoices[i].header;
        let same = match stored.get(&key_of(header)) {
            Some(record) => same_invoice(record, header),
            None => ids[j].is_some() && invoices[j] == invoices[i],
        };
        outcomes[i] = if same {
            InsertOutcome::Unchanged
        } else {
            InsertOutcome::Conflict
        };
    }

    insert_items(tx, backend, invoices, &ids).await?;
    Ok(outcomes)
}
