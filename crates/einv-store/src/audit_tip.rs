//! Appending to the audit chain after a known tip, in one statement (PostgreSQL).
//!
//! A batch appended the general way (audit.rs) costs six round trips to the database: BEGIN,
//! the head locked and read, the rows, the head moved, the answers settled, COMMIT. SQLite
//! answers each in the same process; PostgreSQL answers each from another process, and on a
//! busy machine a round trip waits for that process to be scheduled (about 2 ms under the
//! benchmark's load, where a commit's flush takes 8): the audit writer spent most of each batch
//! waiting, and every durable call waited for its batch.
//!
//! The writer is the only appender of its node and remembers the tip it stored last, so it can
//! chain the next batch without reading the head: one statement moves the head only if it is
//! still that tip, and inserts the rows and settles the signed calls' answers only if the head
//! moved, in one implicit transaction (one round trip, one commit). Any other appender (another
//! node, a direct [`Store::append_audit`]) moves the head first: the statement then changes
//! nothing (a waiting UPDATE re-checks its condition on the row as committed) and the caller
//! appends the general way, which locks and reads the head. Durability is unchanged: the
//! statement returns only once committed.

use einv_core::audit::EntryContent;
use sqlx::Row;

use crate::audit::HeadSigner;
use crate::audit_rows::chain;
use crate::signed_calls::SignedAnswer;
use crate::{Backend, Store, StoreError, StoreResult};

/// The chain's last entry as this writer stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainTip {
    /// Its sequence number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

/// One statement: the head moved from the tip `($5, $6)` to `($1, $2)`, the rows `$7` (a
/// JSON array) inserted and the answers `$8` settled only if it did (kept by the same upsert
/// as `signed_calls::settle`: a read claimed in memory or Redis has no row yet); the expired
/// signed calls (before `$9`) removed with them, except those this batch settles (two
/// modifications of one row in one statement would leave either). Returns whether the head
/// moved.
const APPEND_AFTER_TIP: &str = "\
WITH h AS (UPDATE audit_head SET seq = $1, hash = $2, at = $3, mac = $4 \
           WHERE id = 1 AND seq = $5 AND hash = $6 RETURNING id), \
l AS (INSERT INTO audit_log (seq, at, actor, action, user_id, app_id, invoices, ip, detail, \
        prev_hash, hash) \
      SELECT r.seq, r.at, r.actor, r.action, r.user_id, r.app_id, r.invoices, r.ip, r.detail, \
        r.prev_hash, r.hash \
      FROM json_to_recordset(CAST($7 AS json)) AS r(seq bigint, at bigint, actor text, \
        action text, user_id bigint, app_id text, invoices text, ip text, detail text, \
        prev_hash text, hash text) \
      WHERE EXISTS (SELECT 1 FROM h)), \
a AS (SELECT * FROM json_to_recordset(CAST($8 AS json)) AS r(call_key text, app_id text, \
        reply text, expires_at bigint)), \
k AS (INSERT INTO signed_calls (call_key, app_id, reply, expires_at) \
      SELECT call_key, app_id, reply, expires_at FROM a \
      WHERE reply IS NOT NULL AND EXISTS (SELECT 1 FROM h) \
      ON CONFLICT (call_key) DO UPDATE SET app_id = excluded.app_id, reply = excluded.reply, \
        expires_at = excluded.expires_at \
      WHERE signed_calls.reply IS NULL OR signed_calls.expires_at < $9), \
g AS (DELETE FROM signed_calls s USING a \
      WHERE s.call_key = a.call_key AND s.reply IS NULL AND a.reply IS NULL \
        AND EXISTS (SELECT 1 FROM h)), \
x AS (DELETE FROM signed_calls WHERE expires_at < $9 AND EXISTS (SELECT 1 FROM h) \
        AND call_key NOT IN (SELECT call_key FROM a)) \
SELECT COUNT(*) AS moved FROM h";

impl Store {
    /// [`Store::append_audit_and_answers`], in one statement when `tip` is the chain's last
    /// entry as stored (PostgreSQL; the module's comment says why; on a SQLite file in one
    /// blocking call, audit_sqlite.rs). Returns each entry's `(seq, hash)`, as the general
    /// way does; falls back to it when `tip` is unknown or stale, on in-memory SQLite, and
    /// for a batch without entries.
    pub async fn append_audit_after(
        &self,
        tip: Option<&ChainTip>,
        entries: &[EntryContent],
        answers: &[SignedAnswer],
        now: i64,
        sign_head: &HeadSigner,
    ) -> StoreResult<Vec<(i64, String)>> {
        // On a SQLite file the whole batch is one blocking call (audit_sqlite.rs).
        if let Some(appender) = self.audit_appender() {
            if entries.is_empty() && answers.is_empty() {
                return Ok(Vec::new());
            }
            return appender.append(tip, entries, answers, now, sign_head).await;
        }
        if let (Backend::Postgres, Some(tip), false) = (self.backend(), tip, entries.is_empty()) {
            if let Some(done) = self
                .append_in_one_statement(tip, entries, answers, now, sign_head)
                .await?
            {
                return Ok(done);
            }
        }
        self.append_audit_and_answers(entries, answers, now, sign_head)
            .await
    }

    /// The one statement; `None` when the head is no longer `tip` (nothing was written).
    async fn append_in_one_statement(
        &self,
        tip: &ChainTip,
        entries: &[EntryContent],
        answers: &[SignedAnswer],
        now: i64,
        sign_head: &HeadSigner,
    ) -> StoreResult<Option<Vec<(i64, String)>>> {
        let rows = chain(entries, tip.seq, tip.hash.clone())?;
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        let at = entries.iter().map(|e| e.at).max().unwrap_or_default();
        let mac = sign_head(last.seq, &last.hash, at);
        let encode = |what: &'static str, value: serde_json::Value| {
            serde_json::to_string(&value)
                .map_err(|e| StoreError::corrupt("audit_log", what, e.to_string()))
        };
        let json_rows = encode(
            "invoices",
            rows.iter()
                .map(|r| {
                    let e = r.entry;
                    serde_json::json!({
                        "seq": r.seq, "at": e.at, "actor": e.actor, "action": e.action,
                        "user_id": e.user_id, "app_id": e.app_id, "invoices": r.invoices,
                        "ip": e.ip, "detail": e.detail, "prev_hash": r.prev_hash,
                        "hash": r.hash,
                    })
                })
                .collect(),
        )?;
        let json_answers = encode(
            "reply",
            answers
                .iter()
                .map(|a| {
                    serde_json::json!({"call_key": a.call_key, "app_id": a.app_id.as_str(),
                        "reply": a.reply, "expires_at": a.expires_at})
                })
                .collect(),
        )?;
        // The expired signed calls go with a batch that settles answers, as the general way.
        let expired_before = if answers.is_empty() { i64::MIN } else { now };
        let row = sqlx::query(APPEND_AFTER_TIP)
            .bind(last.seq)
            .bind(last.hash.as_str())
            .bind(at)
            .bind(mac)
            .bind(tip.seq)
            .bind(tip.hash.as_str())
            .bind(json_rows)
            .bind(json_answers)
            .bind(expired_before)
            .fetch_one(self.pool())
            .await
            .map_err(|err| StoreError::on_unique(err, "this audit seq"))?;
        let moved: i64 = row.try_get("moved")?;
        if moved == 0 {
            return Ok(None);
        }
        Ok(Some(rows.into_iter().map(|r| (r.seq, r.hash)).collect()))
    }
}
