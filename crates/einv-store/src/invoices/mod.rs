//! Invoices and their items; `bulk` writes them by the thousand for imports.

pub(crate) mod bulk;
mod carriers;
pub(crate) mod feed;
pub(crate) mod periods;

use crate::columns::{parsed, parsed_opt, Columns};
use crate::hot_read::Arg;
use crate::records::{date_from_key, from_unix, period_key};
use chrono::{DateTime, Utc};
use einv_core::invoice::{Decimal, TaxType};
use einv_core::{InvoiceNumber, Period};
use einv_core::{LoveCode, Ntd};

use crate::{
    Backend, Invoice, InvoiceBatch, InvoiceCarrier, InvoiceHeader, InvoiceItem, InvoiceRecord,
    InvoiceSeller, InvoiceStatus, Store, StoreError, StoreResult,
};

/// What happened to one invoice of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored.
    Inserted,
    /// The same invoice was already stored: nothing changed (idempotent re-import).
    Unchanged,
    /// A different invoice with the same number and period is stored; nothing changed.
    Conflict,
}

pub(crate) use carriers::carrier_arms;
pub use carriers::CarrierKey;

pub(crate) const HEADER_COLUMNS: &str =
    "i.id, i.period, i.inv_num, i.inv_date, i.inv_time, i.seller_ban, \
    i.buyer_ban, i.random_code, i.currency, i.sales_amount, i.free_tax_amount, i.zero_tax_amount, \
    i.tax_type, i.tax_rate, i.tax_amount, i.total_amount, i.carrier_type, i.carrier_id1, \
    i.carrier_id2, i.print_mark, i.donate_mark, i.npoban, i.donated_at, i.status, \
    i.seller_name, i.seller_address";

fn corrupt(column: &'static str, problem: impl ToString) -> StoreError {
    StoreError::corrupt("invoices", column, problem)
}

fn ntd(row: &dyn Columns, column: &'static str) -> StoreResult<Ntd> {
    let value = row.int(column)?;
    u64::try_from(value)
        .map(Ntd::new)
        .map_err(|_| corrupt(column, format!("negative amount {value}")))
}

pub(crate) fn record_from_row(row: &dyn Columns) -> StoreResult<InvoiceRecord> {
    let period_code = row.int("period")?;
    let period = Period::parse(&format!("{period_code:05}")).map_err(|e| corrupt("period", e))?;
    let date =
        date_from_key(row.int("inv_date")?).ok_or_else(|| corrupt("inv_date", "bad date"))?;
    let status = row.text("status")?;
    let status = InvoiceStatus::parse(&status).ok_or_else(|| corrupt("status", status))?;
    let carrier = match parsed_opt(row, "invoices", "carrier_type")? {
        Some(carrier_type) => Some(InvoiceCarrier {
            carrier_type,
            id1: row.opt_text("carrier_id1")?.unwrap_or_default(),
            id2: row.opt_text("carrier_id2")?.unwrap_or_default(),
        }),
        None => None,
    };
    let donate_mark = row.int("donate_mark")?;
    let tax_type = row.int("tax_type")?;
    let tax_type = u8::try_from(tax_type)
        .ok()
        .and_then(TaxType::from_code)
        .ok_or_else(|| corrupt("tax_type", tax_type))?;
    Ok(InvoiceRecord {
        id: row.int("id")?,
        header: InvoiceHeader {
            period,
            number: parsed(row, "invoices", "inv_num")?,
            date,
            time: parsed(row, "invoices", "inv_time")?,
            seller: InvoiceSeller {
                id: parsed(row, "invoices", "seller_ban")?,
                name: row.text("seller_name")?,
                address: row.text("seller_address")?,
            },
            buyer: parsed_opt(row, "invoices", "buyer_ban")?,
            random_code: parsed_opt(row, "invoices", "random_code")?,
            currency: parsed_opt(row, "invoices", "currency")?,
            sales_amount: ntd(row, "sales_amount")?,
            free_tax_amount: ntd(row, "free_tax_amount")?,
            zero_tax_amount: ntd(row, "zero_tax_amount")?,
            tax_type,
            tax_rate: parsed(row, "invoices", "tax_rate")?,
            tax_amount: ntd(row, "tax_amount")?,
            total_amount: ntd(row, "total_amount")?,
            carrier,
            printed: row.int("print_mark")? != 0,
            donated_to: if donate_mark != 0 {
                parsed_opt(row, "invoices", "npoban")?
            } else {
                None
            },
        },
        status,
        donated_at: row.opt_int("donated_at")?.map(from_unix),
    })
}

fn item_from_row(r: &dyn Columns) -> StoreResult<InvoiceItem> {
    let decimal = |column| parsed::<Decimal>(r, "invoice_items", column);
    Ok(InvoiceItem {
        row: parsed(r, "invoice_items", "row_num")?,
        description: r.text("description")?,
        quantity: decimal("quantity")?,
        unit_price: decimal("unit_price")?,
        amount: decimal("amount")?,
    })
}

impl Store {
    /// Stores a batch of invoices in one transaction: all of it or none of it. An invoice whose
    /// number and period are taken is left alone and reported as unchanged or a conflict.
    /// The bulk path ([`Store::insert_invoice_batch`]) does the work.
    pub async fn insert_invoices(
        &self,
        batch: &[Invoice],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<InsertOutcome>> {
        let batch = InvoiceBatch {
            invoices: batch,
            ..InvoiceBatch::default()
        };
        Ok(self.insert_invoice_batch(batch, now).await?.invoices)
    }

    /// The invoice `number` of `period`.
    pub async fn find_invoice(
        &self,
        number: &InvoiceNumber,
        period: Period,
    ) -> StoreResult<Option<InvoiceRecord>> {
        let sql = format!(
            "SELECT {HEADER_COLUMNS} FROM invoices i \
             WHERE i.inv_num = $1 AND i.period = $2"
        );
        let args = vec![
            Arg::Text(number.as_str().to_owned()),
            Arg::Int(period_key(period)),
        ];
        let mut rows = self.hot_rows(sql, args, record_from_row).await?;
        Ok(rows.pop())
    }

    /// The items of invoice `id` of `period`, in sequence. On PostgreSQL the items carry their
    /// invoice's period, so the lookup reads that period's partition only.
    pub async fn invoice_items(&self, id: i64, period: Period) -> StoreResult<Vec<InvoiceItem>> {
        let this_period = match self.backend() {
            Backend::Postgres => format!(" AND period = {}", period_key(period)),
            Backend::Sqlite => String::new(),
        };
        let sql = format!(
            "SELECT row_num, description, quantity, unit_price, amount FROM invoice_items \
             WHERE invoice_id = $1{this_period} ORDER BY seq"
        );
        self.hot_rows(sql, vec![Arg::Int(id)], item_from_row).await
    }

    /// Marks invoice `id` of `period` donated to `npoban` at `at`, unless it already was.
    /// Returns whether this call donated it (a concurrent second donation sees `false`).
    /// The change goes to the invoice feed in the same transaction (feed.rs).
    pub async fn mark_donated(
        &self,
        id: i64,
        period: Period,
        npoban: &LoveCode,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "UPDATE invoices SET donate_mark = 1, npoban = $1, donated_at = $2 \
             WHERE id = $3 AND period = $4 AND donate_mark = 0 \
             RETURNING carrier_type, carrier_id1, inv_num",
        )
        .bind(npoban.as_str())
        .bind(at.timestamp())
        .bind(id)
        .bind(period_key(period))
        .fetch_all(&mut *tx)
        .await?;
        self.commit_invoice_change(tx, rows.first(), period, at)
            .await
    }

    /// Sets the status of invoice `number` of `period` (void, cancel) at `now`. Returns
    /// whether it exists. The change goes to the invoice feed in the same transaction.
    pub async fn set_invoice_status(
        &self,
        number: &InvoiceNumber,
        period: Period,
        status: InvoiceStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "UPDATE invoices SET status = $1 WHERE inv_num = $2 AND period = $3 \
             RETURNING carrier_type, carrier_id1, inv_num",
        )
        .bind(status.as_str())
        .bind(number.as_str())
        .bind(period_key(period))
        .fetch_all(&mut *tx)
        .await?;
        self.commit_invoice_change(tx, rows.first(), period, now)
            .await
    }

    /// Appends the changed row's carrier and number to the feed and commits; `false` (and
    /// nothing committed) when no row changed.
    async fn commit_invoice_change(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        changed: Option<&sqlx::any::AnyRow>,
        period: Period,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        use sqlx::Row;
        let Some(row) = changed else {
            return Ok(false);
        };
        let number: String = row.try_get("inv_num")?;
        let number = InvoiceNumber::parse(&number).map_err(|e| corrupt("inv_num", e))?;
        let touched = feed::invoice_change(
            row.try_get("carrier_type")?,
            row.try_get("carrier_id1")?,
            period,
            number,
        );
        feed::append(&mut tx, self.backend(), [touched], now).await?;
        tx.commit().await?;
        self.wrote_invoices();
        Ok(true)
    }

    /// How many invoices are stored.
    pub async fn count_invoices(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM invoices")
            .fetch_one(self.pool())
            .await?)
    }
}

impl Store {
    /// Up to `limit` distinct carrier IDs of `carrier_type` that have invoices: the demo and the
    /// benchmarks register Users for carriers that generated data already uses.
    pub async fn sample_carrier_ids(
        &self,
        carrier_type: &str,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT DISTINCT carrier_id1 FROM invoices WHERE carrier_type = $1 \
             AND carrier_id1 IS NOT NULL ORDER BY carrier_id1 LIMIT {limit}"
        ))
        .bind(carrier_type)
        .fetch_all(self.pool())
        .await?)
    }
}
