//! Invoices and their items; `bulk` writes them by the thousand for imports.

pub(crate) mod bulk;
pub(crate) mod feed;
pub(crate) mod periods;

use crate::columns::{parsed, parsed_opt, Columns};
use crate::hot_read::Arg;
use crate::records::{date_from_key, date_key, from_unix, period_key};
use chrono::{DateTime, NaiveDate, Utc};
use einv_core::invoice::{Decimal, TaxType};
use einv_core::{CarrierType, LoveCode, Ntd};
use einv_core::{InvoiceNumber, Period};

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

/// One carrier whose invoices a list query covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CarrierKey {
    /// Carrier type.
    pub carrier_type: CarrierType,
    /// Visible carrier ID.
    pub id1: String,
}

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

/// The `OR`-ed arms of a list query, one index seek per carrier: `({alias}carrier_type = $p AND
/// {alias}carrier_id1 = $p+1)`, the carriers' parameters numbered from `first` on (after the
/// query's own, as [`carrier_args`] binds them).
pub(crate) fn carrier_arms(alias: &str, count: usize, first: usize) -> String {
    let arm = |n| {
        let p = first + 2 * n;
        format!(
            "({alias}carrier_type = ${p} AND {alias}carrier_id1 = ${})",
            p + 1
        )
    };
    (0..count).map(arm).collect::<Vec<_>>().join(" OR ")
}

/// `args` followed by each carrier's type and visible ID (the `OR`-ed arms of a list query).
pub(crate) fn carrier_args(mut args: Vec<Arg>, carriers: &[CarrierKey]) -> Vec<Arg> {
    for c in carriers {
        args.push(Arg::Text(c.carrier_type.as_str().to_owned()));
        args.push(Arg::Text(c.id1.clone()));
    }
    args
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
        let sql = carrier_list_sql(carriers, from, to, limit, offset);
        let args = carrier_args(
            vec![Arg::Int(date_key(from)), Arg::Int(date_key(to))],
            carriers,
        );
        self.hot_rows(sql, args, record_from_row).await
    }

    /// PostgreSQL's plan for [`Store::carrier_invoices`] with these arguments, one line per
    /// row of `EXPLAIN`: tests check which partitions it reads.
    #[cfg(feature = "test-support")]
    pub async fn explain_carrier_invoices(
        &self,
        carriers: &[CarrierKey],
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<String>> {
        let sql = format!("EXPLAIN {}", carrier_list_sql(carriers, from, to, 100, 0));
        let rows = bind_carrier_list(sqlx::query(&sql), carriers, from, to)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(sqlx::Row::try_get(r, 0)?)).collect()
    }

    /// The invoices of `carriers` dated `from..=to` that sort after invoice `after_id` (by
    /// date, time, number: the list's order), oldest first, at most `limit`: a keyset page,
    /// which reads through the `invoices_carrier` index however deep it is, where an offset
    /// reads and drops every row before it. The cursor is a row id, so it carries no invoice
    /// number (a donated one stays masked, R5.7); an id that is not the caller's only sets the
    /// position.
    pub async fn carrier_invoices_after(
        &self,
        carriers: &[CarrierKey],
        from: NaiveDate,
        to: NaiveDate,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<InvoiceRecord>> {
        if carriers.is_empty() {
            return Ok(Vec::new());
        }
        // The cursor's row is looked up by id alone: it only sets the position, whichever
        // period it is in.
        let sql = format!(
            "SELECT {HEADER_COLUMNS} FROM invoices i \
             WHERE i.inv_date BETWEEN $1 AND $2{} AND ({}) \
             AND (i.inv_date, i.inv_time, i.inv_num) > \
                 (SELECT a.inv_date, a.inv_time, a.inv_num FROM invoices a WHERE a.id = $3) \
             ORDER BY i.inv_date, i.inv_time, i.inv_num LIMIT {limit}",
            periods::period_clause("i.period", from, to),
            carrier_arms("i.", carriers.len(), 4)
        );
        self.carrier_records(sql, (from, to), after_id, carriers)
            .await
    }

    /// The invoices a carrier query finds whose parameters are the dates `$1` and `$2`, its own
    /// `$3`, then the carriers' (arms from [`carrier_arms`] numbered from 4).
    pub(crate) async fn carrier_records(
        &self,
        sql: String,
        (from, to): (NaiveDate, NaiveDate),
        third: i64,
        carriers: &[CarrierKey],
    ) -> StoreResult<Vec<InvoiceRecord>> {
        let args = vec![
            Arg::Int(date_key(from)),
            Arg::Int(date_key(to)),
            Arg::Int(third),
        ];
        self.hot_rows(sql, carrier_args(args, carriers), record_from_row)
            .await
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
             RETURNING carrier_type, carrier_id1",
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
             RETURNING carrier_type, carrier_id1",
        )
        .bind(status.as_str())
        .bind(number.as_str())
        .bind(period_key(period))
        .fetch_all(&mut *tx)
        .await?;
        self.commit_invoice_change(tx, rows.first(), period, now)
            .await
    }

    /// Appends the changed row's carrier to the feed and commits; `false` (and nothing
    /// committed) when no row changed.
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
        let touched = feed::carrier_change(
            row.try_get("carrier_type")?,
            row.try_get("carrier_id1")?,
            period,
        );
        feed::append(&mut tx, self.backend(), touched, now).await?;
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

#[cfg(feature = "test-support")]
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The carrier list: one index range per carrier (invoices_carrier), OR-ed, each arm an index
/// seek, in the partitions of the periods the dates cover. Parameters: `$1`, `$2` the dates,
/// then type and ID of each carrier ([`carrier_args`]).
fn carrier_list_sql(
    carriers: &[CarrierKey],
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
    offset: i64,
) -> String {
    format!(
        "SELECT {HEADER_COLUMNS} FROM invoices i \
         WHERE i.inv_date BETWEEN $1 AND $2{} AND ({}) \
         ORDER BY i.inv_date, i.inv_time, i.inv_num LIMIT {limit} OFFSET {offset}",
        periods::period_clause("i.period", from, to),
        carrier_arms("i.", carriers.len(), 3)
    )
}

#[cfg(feature = "test-support")]
fn bind_carrier_list<'q>(
    query: AnyQuery<'q>,
    carriers: &'q [CarrierKey],
    from: NaiveDate,
    to: NaiveDate,
) -> AnyQuery<'q> {
    let mut query = query.bind(date_key(from)).bind(date_key(to));
    for c in carriers {
        query = query.bind(c.carrier_type.as_str()).bind(c.id1.as_str());
    }
    query
}
