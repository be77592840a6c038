//! Invoices and their items; `bulk` writes them by the thousand for imports.

pub(crate) mod bulk;

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{InvoiceNumber, Period};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::records::{date_from_key, date_key, from_unix, period_key};
use crate::{
    InvoiceBatch, InvoiceCarrier, InvoiceHeader, InvoiceItem, InvoiceRecord, InvoiceStatus,
    NewInvoice, Store, StoreError, StoreResult,
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

/// One carrier whose invoices a list query covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarrierKey {
    /// Carrier type.
    pub carrier_type: String,
    /// Visible carrier ID.
    pub id1: String,
}

pub(crate) const HEADER_COLUMNS: &str =
    "i.id, i.period, i.inv_num, i.inv_date, i.inv_time, i.seller_ban, \
    i.buyer_ban, i.random_code, i.currency, i.sales_amount, i.free_tax_amount, i.zero_tax_amount, \
    i.tax_type, i.tax_rate, i.tax_amount, i.total_amount, i.carrier_type, i.carrier_id1, \
    i.carrier_id2, i.print_mark, i.donate_mark, i.npoban, i.donated_at, i.status, \
    s.name AS seller_name, s.address AS seller_address";

fn corrupt(column: &'static str, problem: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "invoices",
        column,
        problem: problem.to_string(),
    }
}

pub(crate) fn record_from_row(row: &AnyRow) -> StoreResult<InvoiceRecord> {
    let period_code: i64 = row.try_get("period")?;
    let period = Period::parse(&format!("{period_code:05}")).map_err(|e| corrupt("period", e))?;
    let number: String = row.try_get("inv_num")?;
    let number = InvoiceNumber::parse(&number).map_err(|e| corrupt("inv_num", e))?;
    let date =
        date_from_key(row.try_get("inv_date")?).ok_or_else(|| corrupt("inv_date", "bad date"))?;
    let status: String = row.try_get("status")?;
    let status = InvoiceStatus::from_db(&status).ok_or_else(|| corrupt("status", status))?;
    let carrier_type: Option<String> = row.try_get("carrier_type")?;
    let carrier = match carrier_type {
        Some(carrier_type) => Some(InvoiceCarrier {
            carrier_type,
            id1: row
                .try_get::<Option<String>, _>("carrier_id1")?
                .unwrap_or_default(),
            id2: row
                .try_get::<Option<String>, _>("carrier_id2")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let donate_mark: i64 = row.try_get("donate_mark")?;
    let npoban: Option<String> = row.try_get("npoban")?;
    Ok(InvoiceRecord {
        id: row.try_get("id")?,
        header: InvoiceHeader {
            period,
            number,
            date,
            time: row.try_get("inv_time")?,
            seller_ban: row.try_get("seller_ban")?,
            buyer_ban: row.try_get("buyer_ban")?,
            random_code: row.try_get("random_code")?,
            currency: row.try_get("currency")?,
            sales_amount: row.try_get("sales_amount")?,
            free_tax_amount: row.try_get("free_tax_amount")?,
            zero_tax_amount: row.try_get("zero_tax_amount")?,
            tax_type: row.try_get("tax_type")?,
            tax_rate: row.try_get("tax_rate")?,
            tax_amount: row.try_get("tax_amount")?,
            total_amount: row.try_get("total_amount")?,
            carrier,
            printed: row.try_get::<i64, _>("print_mark")? != 0,
            donated_to: if donate_mark != 0 {
                npoban.or(Some(String::new()))
            } else {
                None
            },
            status,
        },
        seller_name: row.try_get("seller_name")?,
        seller_address: row.try_get("seller_address")?,
        donated_at: row.try_get::<Option<i64>, _>("donated_at")?.map(from_unix),
    })
}

impl Store {
    /// Stores a batch of invoices in one transaction: all of it or none of it. An invoice whose
    /// number and period are taken is left alone and reported as unchanged or a conflict.
    /// The bulk path ([`Store::insert_invoice_batch`]) does the work.
    pub async fn insert_invoices(
        &self,
        batch: &[NewInvoice],
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
            "SELECT {HEADER_COLUMNS} FROM invoices i JOIN sellers s ON s.ban = i.seller_ban \
             WHERE i.inv_num = $1 AND i.period = $2"
        );
        let row = sqlx::query(&sql)
            .bind(number.as_str())
            .bind(period_key(period))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// The items of invoice `id`, in sequence.
    pub async fn invoice_items(&self, id: i64) -> StoreResult<Vec<InvoiceItem>> {
        let rows = sqlx::query(
            "SELECT seq, description, quantity, unit_price, amount FROM invoice_items \
             WHERE invoice_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InvoiceItem {
                    seq: r.try_get("seq")?,
                    description: r.try_get("description")?,
                    quantity: r.try_get("quantity")?,
                    unit_price: r.try_get("unit_price")?,
                    amount: r.try_get("amount")?,
                })
            })
            .collect()
    }

    /// The invoices of `carriers` dated `from..=to`, oldest first, `limit` from `offset`.
    pub async fn carrier_invoices(
        &self,
        carriers: &[CarrierKey],
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<InvoiceRecord>> {
        if carriers.is_empty() {
            return Ok(Vec::new());
        }
        // One index range per carrier (invoices_carrier), OR-ed: each arm is an index seek.
        let arms: Vec<String> = (0..carriers.len())
            .map(|n| {
                let p = 3 + 2 * n;
                format!("(i.carrier_type = ${} AND i.carrier_id1 = ${})", p, p + 1)
            })
            .collect();
        let sql = format!(
            "SELECT {HEADER_COLUMNS} FROM invoices i JOIN sellers s ON s.ban = i.seller_ban \
             WHERE i.inv_date BETWEEN $1 AND $2 AND ({}) \
             ORDER BY i.inv_date, i.inv_time, i.inv_num LIMIT {limit} OFFSET {offset}",
            arms.join(" OR ")
        );
        let mut query = sqlx::query(&sql).bind(date_key(from)).bind(date_key(to));
        for c in carriers {
            query = query.bind(c.carrier_type.as_str()).bind(c.id1.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Marks invoice `id` donated to `npoban` at `at`, unless it already was. Returns whether
    /// this call donated it (a concurrent second donation sees `false`).
    pub async fn mark_donated(
        &self,
        id: i64,
        npoban: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET donate_mark = 1, npoban = $1, donated_at = $2 \
             WHERE id = $3 AND donate_mark = 0",
        )
        .bind(npoban)
        .bind(at.timestamp())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets the status of invoice `number` of `period` (void, cancel). Returns whether it exists.
    pub async fn set_invoice_status(
        &self,
        number: &InvoiceNumber,
        period: Period,
        status: InvoiceStatus,
    ) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE invoices SET status = $1 WHERE inv_num = $2 AND period = $3")
                .bind(status.as_str())
                .bind(number.as_str())
                .bind(period_key(period))
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
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
