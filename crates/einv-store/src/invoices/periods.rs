//! Invoices by period: which periods a date range covers (so every query names them and
//! PostgreSQL reads only their partitions), the partitions made when a period first appears,
//! and retention by whole periods (migration 0115; docs/operations.md, "Invoices by period").

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::Period;
use sqlx::{AnyConnection, Row};

use crate::records::period_key;
use crate::{Backend, Store, StoreResult};

/// A date range spanning more periods than this is not narrowed by period: the list would
/// only lengthen the SQL, and such a range reads most partitions anyway.
const MOST_PERIODS_NAMED: usize = 36;

/// The periods dates `from..=to` fall in, oldest first (the period of `from` alone when the
/// range is empty); `None` when they are more than [`MOST_PERIODS_NAMED`].
pub(crate) fn covered_periods(from: NaiveDate, to: NaiveDate) -> Option<Vec<i64>> {
    let last = Period::of_date(to);
    let mut period = Period::of_date(from);
    let mut keys = vec![period_key(period)];
    while period < last {
        period = period.next();
        keys.push(period_key(period));
        if keys.len() > MOST_PERIODS_NAMED {
            return None;
        }
    }
    Some(keys)
}

/// The keys of `periods`, each once, in order.
pub(crate) fn distinct_keys(periods: impl Iterator<Item = Period>) -> Vec<i64> {
    let mut keys: Vec<i64> = periods.map(period_key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// ` AND {column} IN (11402,11404)` for the periods `from..=to` covers, or nothing for a range
/// too long to name. The keys are integers made here from dates, so writing them into the SQL
/// is safe, and literal values let the planner prune partitions when it plans the statement.
pub(crate) fn period_clause(column: &str, from: NaiveDate, to: NaiveDate) -> String {
    match covered_periods(from, to) {
        Some(keys) => {
            let list: Vec<String> = keys.iter().map(i64::to_string).collect();
            format!(" AND {column} IN ({})", list.join(","))
        }
        None => String::new(),
    }
}

/// Makes the partitions of each of `periods` that does not have them yet (PostgreSQL; SQLite
/// has one table). Runs on `conn` outside any transaction, so the new tables are visible to
/// every node at once and a batch that rolls back leaves only an empty partition behind.
pub(crate) async fn ensure_partitions(
    conn: &mut AnyConnection,
    backend: Backend,
    periods: &[i64],
) -> StoreResult<()> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for &period in periods {
        sqlx::query("SELECT einv_invoice_partition($1) AS made")
            .bind(period)
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Removes every invoice (with its items) of the periods before `first_kept`, and returns
    /// those periods. On PostgreSQL each such period is a partition dropped as a table; on
    /// SQLite its rows are deleted. Each period goes to the invoice feed as "every carrier" in
    /// the same transaction (feed.rs), at `now`.
    pub async fn drop_invoice_periods_before(
        &self,
        first_kept: Period,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Period>> {
        let cut = period_key(first_kept);
        let keys: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT period FROM invoices WHERE period < $1 ORDER BY period",
        )
        .bind(cut)
        .fetch_all(self.pool())
        .await?;
        let periods = keys
            .iter()
            .map(|key| {
                Period::parse(&format!("{key:05}"))
                    .map_err(|e| crate::StoreError::corrupt("invoices", "period", e.to_string()))
            })
            .collect::<StoreResult<Vec<Period>>>()?;
        for (&key, &period) in keys.iter().zip(&periods) {
            let mut tx = self.pool().begin().await?;
            match self.backend() {
                Backend::Postgres => {
                    sqlx::query("SELECT einv_drop_invoice_period($1) AS dropped")
                        .bind(key)
                        .fetch_one(&mut *tx)
                        .await?;
                }
                Backend::Sqlite => {
                    // Items go with their invoice (ON DELETE CASCADE).
                    sqlx::query("DELETE FROM invoices WHERE period = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let every_carrier = super::feed::ChangedInvoices {
                carrier: None,
                period,
                number: None,
            };
            super::feed::append(&mut tx, self.backend(), [every_carrier], now).await?;
            tx.commit().await?;
            self.wrote_invoices();
        }
        Ok(periods)
    }

    /// The invoice partitions PostgreSQL holds, by name (`invoices_p11402`, …,
    /// `invoices_default`); empty on SQLite.
    pub async fn invoice_partitions(&self) -> StoreResult<Vec<String>> {
        if self.backend() != Backend::Postgres {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT c.relname::text AS name FROM pg_inherits h \
             JOIN pg_class c ON c.oid = h.inhrelid \
             WHERE h.inhparent = 'invoices'::regclass ORDER BY 1",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
    }
}
