//! The audit trail (R5.3, R6.4): an append-only, hash-chained log and its signed checkpoints.
//!
//! Appends are serialised on the one-row `audit_head` table: each append transaction updates it
//! first (a row lock on PostgreSQL, the database write lock on SQLite), reads the head, chains
//! the new entries with [`einv_core::audit::entry_hash`], and moves the head, so concurrent
//! appenders, even on several nodes, produce one linear chain.

use chrono::{DateTime, Utc};
use einv_core::audit::{Anchor, EntryContent, SignedHead, StoredCheckpoint, StoredEntry};
use einv_core::{AppId, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::audit_chain::append_in;
use crate::query::{Bound, Records};
use crate::signed_calls::SignedAnswer;
use crate::{Store, StoreResult};

/// What signs the chain head after an append: `sign_head(seq, hash, at)` is the head's MAC
/// (the store holds no key).
pub type HeadSigner = dyn Fn(i64, &str, i64) -> String + Send + Sync;

const COLUMNS: &str =
    "seq, at, actor, action, user_id, app_id, invoices, ip, detail, prev_hash, hash";

/// Which entries to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditFilter {
    /// Every entry (the reviewer's view).
    All,
    /// Accesses to one User's data (the User's own page).
    User(UserId),
    /// Entries about one AppID (its developer's view).
    App(AppId),
}

/// Which page of a User's entries to read: those recorded in `[from, to)` (Unix seconds)
/// older than `before_seq`, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserEntriesPage {
    /// The User.
    pub user_id: UserId,
    /// The first instant, inclusive.
    pub from: i64,
    /// The last instant, exclusive.
    pub to: i64,
    /// Entries before this seq (the last of the previous page; `i64::MAX` for the first).
    pub before_seq: i64,
    /// At most this many.
    pub limit: i64,
}

impl UserEntriesPage {
    /// The newest page: at most `limit` of `user_id`'s entries recorded in `[from, to)`.
    pub fn newest(user_id: UserId, (from, to): (i64, i64), limit: i64) -> Self {
        Self {
            user_id,
            from,
            to,
            before_seq: i64::MAX,
            limit,
        }
    }

    /// The same page, but of the entries before `seq` (the last one of the previous page).
    #[must_use]
    pub fn before(self, seq: i64) -> Self {
        Self {
            before_seq: seq,
            ..self
        }
    }
}

fn entry_from_row(r: &AnyRow) -> StoreResult<StoredEntry> {
    let invoices: String = r.try_get("invoices")?;
    Ok(StoredEntry {
        seq: r.try_get("seq")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
        content: EntryContent {
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            user_id: r.try_get("user_id")?,
            app_id: r.try_get("app_id")?,
            // An edited column that is no longer a JSON list is kept as its text, so the
            // verifier reports the entry as altered instead of the read failing.
            invoices: serde_json::from_str::<Vec<String>>(&invoices)
                .unwrap_or_else(|_| vec![invoices])
                .into(),
            ip: r.try_get("ip")?,
            detail: r.try_get("detail")?,
        },
    })
}

fn head_from_row(r: &AnyRow) -> StoreResult<SignedHead> {
    Ok(SignedHead {
        seq: r.try_get("seq")?,
        hash: r.try_get("hash")?,
        at: r.try_get("at")?,
        mac: r.try_get("mac")?,
    })
}

fn checkpoint_from_row(r: &AnyRow) -> StoreResult<StoredCheckpoint> {
    Ok(StoredCheckpoint {
        seq: r.try_get("seq")?,
        hash: r.try_get("hash")?,
        mac: r.try_get("mac")?,
        kind: r.try_get("kind")?,
        at: r.try_get("at")?,
    })
}

/// Stores checkpoint `c`; one that exists already is left as it is.
fn insert_checkpoint(c: &StoredCheckpoint) -> Bound<'_> {
    sqlx::query(
        "INSERT INTO audit_checkpoints (seq, kind, hash, mac, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (seq, kind) DO NOTHING",
    )
    .bind(c.seq)
    .bind(c.kind.as_str())
    .bind(c.hash.as_str())
    .bind(c.mac.as_str())
    .bind(c.at)
}

const ENTRIES: Records<StoredEntry> = Records::new("audit_log", COLUMNS, entry_from_row);

/// The chain head: one row, `id = 1`.
const HEAD: Records<SignedHead> = Records::new("audit_head", "seq, hash, at, mac", head_from_row);

const CHECKPOINTS: Records<StoredCheckpoint> = Records::new(
    "audit_checkpoints",
    "seq, kind, hash, mac, at",
    checkpoint_from_row,
);

impl Store {
    /// Appends `entries` to the chain, in order, in one transaction, and moves the head there
    /// with the MAC `sign_head(seq, hash, at)` gives (the store holds no key). Returns each
    /// entry's `(seq, hash)`.
    pub async fn append_audit(
        &self,
        entries: &[EntryContent],
        sign_head: &HeadSigner,
    ) -> StoreResult<Vec<(i64, String)>> {
        self.append_audit_and_answers(entries, &[], 0, sign_head)
            .await
    }

    /// [`Self::append_audit`], and in the same transaction the answers of signed v1 calls
    /// whose reads these entries record (so a kept answer and its entry are stored together
    /// or not at all), with the signed calls whose window ended before `now` removed.
    pub async fn append_audit_and_answers(
        &self,
        entries: &[EntryContent],
        answers: &[SignedAnswer],
        now: i64,
        sign_head: &HeadSigner,
    ) -> StoreResult<Vec<(i64, String)>> {
        if entries.is_empty() && answers.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(appender) = self.audit_appender() {
            return appender
                .append(None, entries, answers, now, sign_head)
                .await;
        }
        let mut tx = self.pool().begin().await?;
        let out = if entries.is_empty() {
            Vec::new()
        } else {
            append_in(&mut tx, entries, sign_head).await?
        };
        crate::signed_calls::settle(&mut tx, answers, now).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The chain head as recorded: the last appended `(seq, hash)` and its signature (none
    /// when the row is missing, which the verifier reports).
    pub async fn audit_head(&self) -> StoreResult<Option<SignedHead>> {
        self.record_where(&HEAD, "WHERE id = 1", ()).await
    }

    /// Up to `limit` entries with seq greater than `after`, ascending: the verifier's pages.
    pub async fn audit_chain(&self, after: i64, limit: i64) -> StoreResult<Vec<StoredEntry>> {
        let page = "WHERE seq > $1 ORDER BY seq LIMIT $2";
        self.records_where(&ENTRIES, page, (after, limit)).await
    }

    /// Up to `limit` entries matching `filter`, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> StoreResult<Vec<StoredEntry>> {
        self.audit_entries_before(filter, None, limit).await
    }

    /// Up to `limit` entries matching `filter` with a sequence number below `before` (all when
    /// `None`), newest first: a keyset page, read through the `(user_id, seq)` and
    /// `(app_id, seq)` indexes however deep it is, where an offset would read every entry
    /// before it.
    pub async fn audit_entries_before(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<StoredEntry>> {
        let which = match filter {
            AuditFilter::All => "$1 = $1",
            AuditFilter::User(_) => "user_id = $1",
            AuditFilter::App(_) => "app_id = $1",
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {which} AND seq < $2 ORDER BY seq DESC LIMIT $3"
        );
        let query = sqlx::query(&sql);
        let query = match filter {
            AuditFilter::All => query.bind(0_i64),
            AuditFilter::User(id) => query.bind(id.get()),
            AuditFilter::App(app) => query.bind(app.as_str()),
        };
        let rows = query
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The accesses to a User's data, newest first (the User's page).
    pub async fn accesses_of_user(
        &self,
        user_id: UserId,
        limit: i64,
    ) -> StoreResult<Vec<StoredEntry>> {
        self.audit_entries(&AuditFilter::User(user_id), limit).await
    }

    /// One page of the entries about a User's data, newest first (keyset paging on the
    /// `(user_id, seq)` index).
    pub async fn user_entries_page(&self, page: &UserEntriesPage) -> StoreResult<Vec<StoredEntry>> {
        let UserEntriesPage {
            user_id,
            from,
            to,
            before_seq,
            limit,
        } = *page;
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE user_id = $1 AND seq < $2 AND at >= $3 \
             AND at < $4 ORDER BY seq DESC LIMIT $5"
        );
        let query = sqlx::query(&sql)
            .bind(user_id.get())
            .bind(before_seq)
            .bind(from)
            .bind(to)
            .bind(limit);
        self.fetch_each(query, entry_from_row).await
    }

    /// Up to `limit` entries recorded in `[from, to)`, oldest first. Read by seq from the
    /// chain's start (`at` has no index since migration 0126): for tests and tools, not for a
    /// request's path.
    pub async fn audit_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<StoredEntry>> {
        let page = "WHERE at >= $1 AND at < $2 ORDER BY seq LIMIT $3";
        let key = (from.timestamp(), to.timestamp(), limit);
        self.records_where(&ENTRIES, page, key).await
    }

    /// Stores a signed checkpoint (its `at` is the one its MAC covers); one that exists
    /// already is left as it is.
    pub async fn add_audit_checkpoint(&self, c: &StoredCheckpoint) -> StoreResult<()> {
        self.run(insert_checkpoint(c)).await
    }

    /// Every checkpoint, by seq.
    pub async fn audit_checkpoints(&self) -> StoreResult<Vec<StoredCheckpoint>> {
        self.records_where(&CHECKPOINTS, "ORDER BY seq, kind", ())
            .await
    }

    /// The last entry that may be purged for a cut at `before`: the one just before the first
    /// entry recorded at or after it (so nothing newer goes, even if times are not monotonic).
    /// None when there is nothing to purge.
    ///
    /// The first kept entry is found by walking the chain from its start (the primary key),
    /// stopping at the first entry at or after the cut: it reads the entries the purge deletes
    /// anyway, and needs no index on `at`, which every append would pay for (migration 0126).
    pub async fn audit_purge_point(&self, before: DateTime<Utc>) -> StoreResult<Option<Anchor>> {
        let first_kept: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM audit_log WHERE at >= $1 ORDER BY seq LIMIT 1")
                .bind(before.timestamp())
                .fetch_optional(self.pool())
                .await?;
        let row = match first_kept {
            Some(keep) => sqlx::query(
                "SELECT seq, hash FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT 1",
            )
            .bind(keep),
            None => sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"),
        }
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Anchor {
                seq: r.try_get("seq")?,
                hash: r.try_get("hash")?,
            })
        })
        .transpose()
    }

    /// Purges every entry up to and including `anchor.seq`, storing `anchor` (a signed
    /// checkpoint of kind `anchor`, its `at` the purge's cut instant) in the same transaction
    /// so the rest still verifies. Returns how many entries went.
    pub async fn purge_audit_through(&self, anchor: &StoredCheckpoint) -> StoreResult<u64> {
        let mut tx = self.pool().begin().await?;
        insert_checkpoint(anchor).execute(&mut *tx).await?;
        let done = sqlx::query("DELETE FROM audit_log WHERE seq <= $1")
            .bind(anchor.seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// How many entries the trail holds.
    pub async fn count_audit(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(self.pool())
            .await?)
    }
}
