//! The invoice change feed (migration 0100; docs/hot-path.md, "Carrier months"): every store
//! write to invoices appends the (carrier, period) keys it touched, in the same transaction,
//! so each node can evict exactly those keys from its cache of carrier months.
//!
//! Order: a write takes the next number from the one `invoice_feed` row (`UPDATE … RETURNING`),
//! as the last step before its commit. The row stays locked until the commit, so writers pass
//! it one at a time and a number is committed only after every smaller one: a reader that saw
//! number n has seen every change up to n (on PostgreSQL too, where a sequence's numbers
//! would commit out of order).
//!
//! Retention: every [`PRUNE_EVERY`]th write deletes the changes older than [`RETENTION`]
//! and records the last number deleted (`pruned_through`); a reader that had not read that
//! far cannot know what it missed and forgets everything it cached.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use einv_core::{CarrierType, InvoiceNumber, Period};
use sqlx::AnyConnection;

use super::CarrierKey;
use crate::hot_read::Arg;
use crate::records::period_key;
use crate::{Backend, CacheVersions, Store, StoreError, StoreResult};

/// How long changes are kept: far beyond the longest cache check interval (60 s).
pub const RETENTION: Duration = Duration::hours(1);

/// Every how many writes the old changes are deleted.
const PRUNE_EVERY: i64 = 64;

/// The most changes one reading takes; a reader further behind forgets everything instead.
pub const READ_AT_MOST: usize = 4096;

/// A (carrier, period) whose invoices changed, and the invoice when the write changed one
/// stored invoice (migration 0113).
///
/// - `carrier: Some`, `number: None`: new invoices of that carrier (nothing kept by number
///   can be one: a lookup that finds nothing is not kept);
/// - `carrier: Some`, `number: Some`: that invoice of that carrier changed (a status, a
///   donation);
/// - `carrier: None`, `number: Some`: that invoice, which has no carrier, changed (no
///   carrier month holds it);
/// - `carrier: None`, `number: None`: every invoice of the period (a period dropped by
///   retention, or a stored carrier type that does not parse).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChangedInvoices {
    /// The carrier, or none (see the type).
    pub carrier: Option<CarrierKey>,
    /// The period.
    pub period: Period,
    /// The stored invoice changed, when the write changed one.
    pub number: Option<InvoiceNumber>,
}

/// The feed as one reading saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReading {
    /// The last change committed: every change up to it is in `changes` (when asked from an
    /// earlier number, and not `overflow`).
    pub head: i64,
    /// Changes up to this number were deleted by retention.
    pub pruned_through: i64,
    /// The changes after the number asked from, in order.
    pub changes: Vec<ChangedInvoices>,
    /// More than [`READ_AT_MOST`] changes followed: `changes` is not all of them.
    pub overflow: bool,
}

/// The cache versions and the invoice feed, read together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheState {
    /// The cached scopes' versions.
    pub versions: CacheVersions,
    /// The invoice feed after the number asked from.
    pub feed: FeedReading,
}

/// [`Store::cache_state`]'s query, written once.
static CACHE_STATE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT 'v' AS kind, scope AS a, '' AS b, version AS n, CAST(0 AS BIGINT) AS p, \
             '' AS x FROM cache_versions \
             UNION ALL SELECT 'h', '', '', seq, pruned_through, '' FROM invoice_feed WHERE id = 1 \
             UNION ALL SELECT 'c', c.carrier_type, c.carrier_id1, c.seq, CAST(c.period AS BIGINT), \
             COALESCE(c.inv_num, '') \
             FROM (SELECT seq, carrier_type, carrier_id1, period, inv_num FROM invoice_changes \
                   WHERE seq > $1 ORDER BY seq LIMIT {}) c",
        READ_AT_MOST + 1
    )
});

impl Store {
    /// The cache versions and the invoice changes after number `after` (none when `None`: a
    /// reader starting afresh needs only the head), in one query: one snapshot, one round trip.
    pub async fn cache_state(&self, after: Option<i64>) -> StoreResult<CacheState> {
        let from = after.unwrap_or(i64::MAX);
        let rows = self
            .hot_rows_here(&CACHE_STATE, vec![Arg::Int(from)], |r| {
                Ok((
                    r.text("kind")?,
                    r.text("a")?,
                    r.text("b")?,
                    r.int("n")?,
                    r.int("p")?,
                    r.text("x")?,
                ))
            })
            .await?;
        let mut state = CacheState::default();
        for (kind, a, b, n, p, x) in rows {
            match kind.as_str() {
                "v" => state.versions.set(&a, n),
                "h" => (state.feed.head, state.feed.pruned_through) = (n, p),
                _ => state.feed.changes.push(change_from(&a, b, p, &x)?),
            }
        }
        if state.feed.changes.len() > READ_AT_MOST {
            state.feed.changes.clear();
            state.feed.overflow = true;
        }
        Ok(state)
    }

    /// How many invoice writes this process committed (each appended to the feed): a node
    /// reads the feed at once when this moved, so its own writes reach its next call.
    pub fn local_invoice_writes(&self) -> u64 {
        self.invoice_writes.load(Ordering::Acquire)
    }

    /// Counts one committed invoice write of this process (after its commit).
    pub(crate) fn wrote_invoices(&self) {
        self.invoice_writes.fetch_add(1, Ordering::AcqRel);
    }

    /// Deletes the changes older than [`RETENTION`] at `now` (writers do it every
    /// [`PRUNE_EVERY`]th write; tests call it directly).
    pub async fn prune_invoice_feed(&self, now: DateTime<Utc>) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await?;
        prune(&mut conn, now).await
    }
}

fn change_from(
    carrier_type: &str,
    id1: String,
    period: i64,
    number: &str,
) -> StoreResult<ChangedInvoices> {
    let corrupt = |column, problem: String| StoreError::Corrupt {
        table: "invoice_changes",
        column,
        problem,
    };
    let period =
        Period::parse(&format!("{period:05}")).map_err(|e| corrupt("period", e.to_string()))?;
    let carrier = if carrier_type.is_empty() {
        None
    } else {
        let carrier_type =
            CarrierType::parse(carrier_type).map_err(|e| corrupt("carrier_type", e.to_string()))?;
        Some(CarrierKey { carrier_type, id1 })
    };
    let number = match number {
        "" => None,
        n => Some(InvoiceNumber::parse(n).map_err(|e| corrupt("inv_num", e.to_string()))?),
    };
    Ok(ChangedInvoices {
        carrier,
        period,
        number,
    })
}

/// Appends `changes` (repeats dropped) under the next number, inside the writer's transaction:
/// call it last before the commit (the feed row stays locked until then).
pub(crate) async fn append(
    tx: &mut AnyConnection,
    backend: Backend,
    changes: impl IntoIterator<Item = ChangedInvoices>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut seen = HashSet::new();
    let changes: Vec<ChangedInvoices> = changes
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let seq: i64 =
        sqlx::query_scalar("UPDATE invoice_feed SET seq = seq + 1 WHERE id = 1 RETURNING seq")
            .fetch_one(&mut *tx)
            .await?;
    const WIDTH: usize = 6;
    for chunk in changes.chunks(super::bulk::MAX_PARAMS / WIDTH) {
        let sql = format!(
            "INSERT INTO invoice_changes (seq, carrier_type, carrier_id1, period, at, inv_num) \
             VALUES {}",
            super::bulk::values_list(backend, WIDTH, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for c in chunk {
            let (carrier_type, id1) = match &c.carrier {
                Some(k) => (k.carrier_type.as_str(), k.id1.as_str()),
                None => ("", ""),
            };
            query = query
                .bind(seq)
                .bind(carrier_type)
                .bind(id1)
                .bind(period_key(c.period))
                .bind(now.timestamp())
                .bind(c.number.as_ref().map(InvoiceNumber::as_str));
        }
        query.execute(&mut *tx).await?;
    }
    if seq % PRUNE_EVERY == 0 {
        prune(tx, now).await?;
    }
    Ok(())
}

async fn prune(conn: &mut AnyConnection, now: DateTime<Utc>) -> StoreResult<()> {
    let cutoff = (now - RETENTION).timestamp();
    sqlx::query(
        "UPDATE invoice_feed SET pruned_through = COALESCE(\
         (SELECT MAX(seq) FROM invoice_changes WHERE at < $1), pruned_through) WHERE id = 1",
    )
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM invoice_changes \
         WHERE seq <= (SELECT pruned_through FROM invoice_feed WHERE id = 1)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The change of stored invoice `number` of `period` on the carrier `(carrier_type, id1)` as
/// stored: the invoice alone when it has no carrier (no carrier list shows it, a lookup by
/// number does); every invoice of the period when the stored type does not parse (evicting
/// more is safe, less is not).
pub(crate) fn invoice_change(
    carrier_type: Option<String>,
    id1: Option<String>,
    period: Period,
    number: InvoiceNumber,
) -> ChangedInvoices {
    let (carrier, number) = match carrier_type.filter(|t| !t.is_empty()) {
        None => (None, Some(number)),
        Some(t) => match CarrierType::parse(&t) {
            Ok(carrier_type) => {
                let id1 = id1.unwrap_or_default();
                (Some(CarrierKey { carrier_type, id1 }), Some(number))
            }
            Err(_) => (None, None),
        },
    };
    ChangedInvoices {
        carrier,
        period,
        number,
    }
}
