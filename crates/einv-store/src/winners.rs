//! Winners marked at draw publication: one pass over a period's invoice numbers with the bulk
//! prize engine, stored as `invoices.prize_mark`, so a carrier list with `onlyWinningInv=Y`
//! reads only the marked rows through a partial index (docs/hot-path.md).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::prize::WinningNumbers;
use einv_core::{InvoiceNumber, Period};
use futures_util::TryStreamExt;

use crate::columns::parsed;
use crate::hot_read::Arg;
use crate::invoices::periods::period_clause;
use crate::invoices::{carrier_arms, HEADER_COLUMNS};
use crate::records::period_key;
use crate::{CarrierKey, InvoiceRecord, Store, StoreError, StoreResult};

/// Invoice ids per `UPDATE … WHERE id IN (…)` statement.
const MARK_CHUNK: usize = 5_000;

/// What marking a period's winners did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkOutcome {
    /// Invoices of the period read.
    pub checked: u64,
    /// Invoices whose number matches a prize of the draw (marked).
    pub winners: u64,
    /// Marks written: set on new winners, cleared from earlier ones that no longer win.
    pub changed: u64,
    /// The highest invoice id the pass saw: later invoices are checked at query time.
    pub marked_through: i64,
}

/// Sets `prize_mark` to `value` (`1` or `NULL`) on the invoices `ids` of `period`.
async fn set_marks(
    tx: &mut sqlx::AnyConnection,
    period: i64,
    ids: &[i64],
    value: &'static str,
) -> StoreResult<()> {
    for chunk in ids.chunks(MARK_CHUNK) {
        // The ids come from this database as integers: formatting them is safe, and one
        // literal list avoids binding thousands of parameters.
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        sqlx::query(&format!(
            "UPDATE invoices SET prize_mark = {value} WHERE period = $1 AND id IN ({})",
            list.join(",")
        ))
        .bind(period)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Marks the invoices of `draw`'s period whose numbers win a prize (regular or cloud), in
    /// one pass with the bulk prize engine, replacing any earlier marks of the period (a draw
    /// can be re-published). Invoices stored later are covered by
    /// [`Store::carrier_winner_candidates`] until the period is marked again.
    pub async fn mark_winners(
        &self,
        draw: &WinningNumbers,
        at: DateTime<Utc>,
    ) -> StoreResult<MarkOutcome> {
        let period = period_key(draw.period());
        let (ids, numbers) = self.period_numbers(draw.period()).await?;
        let winners = winner_ids(draw, &ids, &numbers);
        // Invoices stored from here on get higher ids than any read: they stay candidates.
        let mut tx = self.pool().begin().await?;
        // The transaction writes first: on SQLite a transaction that reads and then writes
        // fails at once ("database is locked") when another connection committed in between,
        // where a first write waits its turn for the lock.
        let marked_through = ids.iter().copied().max().unwrap_or(0);
        sqlx::query(
            "INSERT INTO draw_marks (period, marked_through, winners, marked_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (period) DO UPDATE SET \
             marked_through = excluded.marked_through, winners = excluded.winners, \
             marked_at = excluded.marked_at",
        )
        .bind(period)
        .bind(marked_through)
        .bind(i64::try_from(winners.len()).unwrap_or(i64::MAX))
        .bind(at.timestamp())
        .execute(&mut *tx)
        .await?;
        // Only the marks that change are written: the earlier marks are read through the
        // partial index of marked rows (a few thousand of a period's millions), so a draw
        // published again writes nothing, and a first publication only its winners.
        let before: HashSet<i64> = sqlx::query_scalar(
            "SELECT id FROM invoices WHERE period = $1 AND prize_mark IS NOT NULL",
        )
        .bind(period)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let now_winning: HashSet<i64> = winners.iter().copied().collect();
        let mut cleared: Vec<i64> = before.difference(&now_winning).copied().collect();
        cleared.sort_unstable();
        let added: Vec<i64> = winners
            .iter()
            .copied()
            .filter(|id| !before.contains(id))
            .collect();
        set_marks(&mut tx, period, &cleared, "NULL").await?;
        set_marks(&mut tx, period, &added, "1").await?;
        tx.commit().await?;
        Ok(MarkOutcome {
            checked: ids.len() as u64,
            winners: winners.len() as u64,
            changed: (cleared.len() + added.len()) as u64,
            marked_through,
        })
    }

    /// The ids and numbers of the invoices of `period`, in one pass: what the winner marking
    /// reads (and, alone, the baseline its benchmark compares it with).
    pub async fn period_numbers(
        &self,
        period: Period,
    ) -> StoreResult<(Vec<i64>, Vec<InvoiceNumber>)> {
        if self.backend() == crate::Backend::Sqlite {
            // On SQLite through the hot reader: one blocking task reads the period, where
            // sqlx's worker thread would send each of its (million) rows over a channel.
            let rows = self
                .hot_rows(
                    "SELECT id, inv_num FROM invoices WHERE period = $1".to_owned(),
                    vec![Arg::Int(period_key(period))],
                    |r| {
                        Ok((
                            r.int("id")?,
                            parsed::<InvoiceNumber>(r, "invoices", "inv_num")?,
                        ))
                    },
                )
                .await?;
            let (ids, numbers): (Vec<i64>, Vec<InvoiceNumber>) = rows.into_iter().unzip();
            return Ok((ids, numbers));
        }
        let mut ids = Vec::new();
        let mut numbers = Vec::new();
        let mut rows = sqlx::query_as::<_, (i64, String)>(
            "SELECT id, inv_num FROM invoices WHERE period = $1",
        )
        .bind(period_key(period))
        .fetch(self.pool());
        while let Some((id, number)) = rows.try_next().await? {
            let number = InvoiceNumber::parse(&number)
                .map_err(|e| StoreError::corrupt("invoices", "inv_num", e.to_string()))?;
            ids.push(id);
            numbers.push(number);
        }
        Ok((ids, numbers))
    }

    /// The highest invoice id the last marking of `period` saw, if the period was marked.
    pub async fn marked_through(&self, period: Period) -> StoreResult<Option<i64>> {
        let query = sqlx::query_scalar("SELECT marked_through FROM draw_marks WHERE period = $1")
            .bind(period_key(period));
        self.scalar_opt(query).await
    }

    /// The invoices of `carriers` dated `from..=to` that may have won: those marked as winners,
    /// plus those stored after the marking pass (`id > marked_through`; 0 when the period was
    /// never marked, which reads the whole range). Oldest first. The caller still decides
    /// which are paid.
    pub async fn carrier_winner_candidates(
        &self,
        carriers: &[CarrierKey],
        from: NaiveDate,
        to: NaiveDate,
        marked_through: i64,
    ) -> StoreResult<Vec<InvoiceRecord>> {
        if carriers.is_empty() {
            return Ok(Vec::new());
        }
        let arms = carrier_arms("", carriers.len(), 4);
        // Every part names the periods, so PostgreSQL reads only their partitions.
        let periods = period_clause("period", from, to);
        // Two index ranges: the partial index of marked winners, and the rows stored after the
        // marking (the carrier index carries the row id, so the `id >` test needs no row read).
        let sql = format!(
            "SELECT {HEADER_COLUMNS} FROM invoices i JOIN sellers s ON s.ban = i.seller_ban \
             WHERE i.id IN ( \
               SELECT id FROM invoices WHERE prize_mark IS NOT NULL \
                 AND inv_date BETWEEN $1 AND $2{periods} AND ({arms}) \
               UNION ALL \
               SELECT id FROM invoices WHERE id > $3 \
                 AND inv_date BETWEEN $1 AND $2{periods} AND ({arms})){} \
             ORDER BY i.inv_date, i.inv_time, i.inv_num",
            period_clause("i.period", from, to)
        );
        self.carrier_records(sql, (from, to), marked_through, carriers)
            .await
    }
}

/// The ids of the invoices whose numbers win in `draw`: the bulk engine over the eight digits
/// for the regular prizes, a set lookup for the (few) cloud-prize numbers.
fn winner_ids(draw: &WinningNumbers, ids: &[i64], numbers: &[InvoiceNumber]) -> Vec<i64> {
    let engine = draw.engine();
    let digits: Vec<u32> = numbers.iter().map(InvoiceNumber::digits).collect();
    let mut winners: Vec<usize> = engine.winners(&digits).map(|(i, _)| i).collect();
    let cloud: HashSet<InvoiceNumber> = draw.cloud_prizes().map(|(n, _)| n).collect();
    if !cloud.is_empty() {
        winners.extend(
            numbers
                .iter()
                .enumerate()
                .filter(|(_, n)| cloud.contains(n))
                .map(|(i, _)| i),
        );
        winners.sort_unstable();
        winners.dedup();
    }
    winners
        .into_iter()
        .filter_map(|i| ids.get(i).copied())
        .collect()
}
