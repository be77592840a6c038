//! "Sign every call", a licence setting, and the first answers to signed v1 calls (so a
//! repeated identical request never acts twice). Migration 0030.

use chrono::{DateTime, Utc};
use einv_core::{AppId, LicenceId};

use crate::{Store, StoreResult};

/// What is known of a signed call by its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedCall {
    /// Never seen (or its window has passed).
    New,
    /// Seen, and being answered now.
    InFlight,
    /// Answered: the first answer, as stored.
    Answered(String),
    /// Answered, but the answer was too large to keep here (stored as an empty `reply`; the
    /// server decides which answers it keeps): a replay is refused, never acted again.
    AnsweredNotKept,
}

impl Store {
    /// Whether the licence `licence_id` requires the MOF signature on every v1 call. A
    /// licence without a decided setting was created after migration 0030: on.
    pub async fn sign_every_call(&self, licence_id: LicenceId) -> StoreResult<bool> {
        let flag: Option<i64> =
            sqlx::query_scalar("SELECT sign_every_call FROM licence_signing WHERE licence_id = $1")
                .bind(licence_id.get())
                .fetch_optional(self.pool())
                .await?;
        Ok(flag.is_none_or(|f| f != 0))
    }

    /// Sets "sign every call" for a licence, recording who and when.
    pub async fn set_sign_every_call(
        &self,
        licence_id: LicenceId,
        on: bool,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql =
            "INSERT INTO licence_signing (licence_id, sign_every_call, changed_at, changed_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (licence_id) DO UPDATE SET \
             sign_every_call = excluded.sign_every_call, changed_at = excluded.changed_at, \
             changed_by = excluded.changed_by";
        let query = sqlx::query(sql)
            .bind(licence_id.get())
            .bind(i64::from(on))
            .bind(at.timestamp())
            .bind(by);
        self.run(query).await
    }

    /// What is known of the signed call `call_key` at `now`.
    pub async fn signed_call(&self, call_key: &str, now: DateTime<Utc>) -> StoreResult<SignedCall> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT reply FROM signed_calls WHERE call_key = $1 AND expires_at >= $2",
        )
        .bind(call_key)
        .bind(now.timestamp())
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            None => SignedCall::New,
            Some((None,)) => SignedCall::InFlight,
            Some((Some(reply),)) if reply.is_empty() => SignedCall::AnsweredNotKept,
            Some((Some(reply),)) => SignedCall::Answered(reply),
        })
    }

    /// Claims the signed call `call_key` for answering until `expires_at`; returns whether
    /// this caller won (false: an identical request came first and its window has not passed).
    /// One statement: a row whose window has passed is taken over in place. Rows of passed
    /// windows are removed by [`Store::append_audit_and_answers`], with the answers it keeps.
    pub async fn claim_signed_call(
        &self,
        call_key: &str,
        app_id: &AppId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO signed_calls (call_key, app_id, reply, expires_at) \
                   VALUES ($1, $2, NULL, $3) ON CONFLICT (call_key) DO UPDATE SET \
                   app_id = excluded.app_id, reply = NULL, expires_at = excluded.expires_at \
                   WHERE signed_calls.expires_at < $4";
        let query = sqlx::query(sql)
            .bind(call_key)
            .bind(app_id.as_str())
            .bind(expires_at.timestamp())
            .bind(now.timestamp());
        self.changed_one(query).await
    }

    /// The signed calls whose window is still open at `now` (a node that holds its claims in
    /// memory reloads them at start-up), at most `limit` of them, latest window first.
    pub async fn open_signed_calls(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<OpenSignedCall>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT call_key, CASE WHEN reply IS NULL THEN 0 ELSE 1 END, expires_at \
             FROM signed_calls WHERE expires_at >= $1 ORDER BY expires_at DESC LIMIT $2",
        )
        .bind(now.timestamp())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(call_key, answered, expires_at)| OpenSignedCall {
                call_key,
                answered: answered != 0,
                expires_at,
            })
            .collect())
    }
}

/// What to do with a claimed signed call once it is answered: keep its answer, or (`None`, an
/// internal failure) give the claim up so an identical request may act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAnswer {
    /// The call's key.
    pub call_key: String,
    /// The AppID that made the call.
    pub app_id: AppId,
    /// The end of the call's window (Unix seconds): the answer is kept until then.
    pub expires_at: i64,
    /// The answer to keep (empty: answered, but not kept; see [`SignedCall::AnsweredNotKept`]).
    pub reply: Option<String>,
}

/// A signed call whose window is open, as [`Store::open_signed_calls`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSignedCall {
    /// The call's key.
    pub call_key: String,
    /// Whether its answer is kept (else it is being answered).
    pub answered: bool,
    /// The end of its window (Unix seconds).
    pub expires_at: i64,
}

/// Settles `answers` on `conn` (inside the audit batch's transaction) and removes the rows
/// whose window ended before `now`.
pub(crate) async fn settle(
    conn: &mut sqlx::AnyConnection,
    answers: &[SignedAnswer],
    now: i64,
) -> StoreResult<()> {
    for answer in answers {
        let query = match &answer.reply {
            Some(reply) => sqlx::query(KEEP_ANSWER)
                .bind(answer.call_key.as_str())
                .bind(answer.app_id.as_str())
                .bind(reply.as_str())
                .bind(answer.expires_at)
                .bind(now),
            None => sqlx::query(GIVE_UP_CLAIM).bind(answer.call_key.as_str()),
        };
        query.execute(&mut *conn).await?;
    }
    if !answers.is_empty() {
        sqlx::query(REMOVE_EXPIRED)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An answer kept: `($1 call_key, $2 app_id, $3 reply, $4 expires_at)` at `$5` now. An upsert:
/// a read claimed in a node's memory or in Redis has no row yet, a call claimed in the store
/// has its row, and a row whose window ended is taken over; the first answer kept in an open
/// window stays. (Also run off sqlx on a SQLite file: audit_sqlite.rs.)
pub(crate) const KEEP_ANSWER: &str = "INSERT INTO signed_calls (call_key, app_id, reply, \
    expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (call_key) DO UPDATE SET \
    app_id = excluded.app_id, reply = excluded.reply, expires_at = excluded.expires_at \
    WHERE signed_calls.reply IS NULL OR signed_calls.expires_at < $5";
/// A claim given up (`$1` call_key): an identical request may act.
pub(crate) const GIVE_UP_CLAIM: &str =
    "DELETE FROM signed_calls WHERE call_key = $1 AND reply IS NULL";
/// The signed calls whose window ended before `$1`, at most [`EXPIRED_PER_BATCH`] of them.
/// Every batch that settles answers runs it, on the path of the calls it answers; bounded, a
/// burst of calls whose windows end in the same second (a client signing many calls with one
/// `timeStamp`) is removed over several batches instead of stalling one of them, and the
/// rows left behind are past their window, so nothing reads them as open.
pub(crate) const REMOVE_EXPIRED: &str = "DELETE FROM signed_calls WHERE call_key IN \
    (SELECT call_key FROM signed_calls WHERE expires_at < $1 LIMIT 256)";
/// How many ended calls one batch removes at most (the `LIMIT` of [`REMOVE_EXPIRED`]).
pub const EXPIRED_PER_BATCH: usize = 256;
