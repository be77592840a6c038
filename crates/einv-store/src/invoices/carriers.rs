//! The invoices of a User's carriers, listed by date: one index seek per carrier, `OR`-ed, in
//! the partitions of the periods the dates cover.

use chrono::NaiveDate;
use einv_core::CarrierType;

use super::{periods, record_from_row, HEADER_COLUMNS};
use crate::hot_read::Arg;
use crate::records::date_key;
use crate::{InvoiceRecord, Store, StoreResult};

/// One carrier whose invoices a list query covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CarrierKey {
    /// Carrier type.
    pub carrier_type: CarrierType,
    /// Visible carrier ID.
    pub id1: String,
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
