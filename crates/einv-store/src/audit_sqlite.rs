//! The audit appends on a SQLite file, off sqlx (docs/hot-path.md, "Audit appends in one
//! blocking task (SQLite)").
//!
//! Every data read waits for its audit entry to be committed (R6.4, durable first), so the audit
//! writer's batch is on the path of every call. Through sqlx a batch was about six statements
//! (BEGIN, the head locked and read, the rows, the head moved, the answers settled, COMMIT),
//! each a round trip to the connection's worker thread with two thread hand-offs. Here the
//! whole batch runs as one blocking call on one read-write rusqlite connection the [`Store`]
//! owns, with cached prepared statements: one hop when the writer's remembered tip is still the
//! head (audit_tip.rs), two when it is not or is unknown (the head is read in the transaction,
//! the batch chained and signed in the async caller, which holds the signing closure, then
//! stored in the same transaction).
//!
//! The transaction is `BEGIN IMMEDIATE`: it takes SQLite's write lock first, so the head it
//! reads cannot move before it commits, and a write after a read never fails at once with
//! "database is locked" when another connection committed between. Other writers (the sqlx
//! pool, other processes) queue on the same lock with the same busy timeout. The SQL is the
//! general way's (audit.rs, signed_calls.rs); the chain is [`chain`]'s.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use einv_core::audit::EntryContent;
use rusqlite::{named_params, Connection, OpenFlags};

use crate::audit::HeadSigner;
use crate::audit_rows::chain;
use crate::audit_tip::ChainTip;
use crate::signed_calls::{SignedAnswer, GIVE_UP_CLAIM, KEEP_ANSWER, REMOVE_EXPIRED};
use crate::{StoreError, StoreResult};

const INSERT_ROW: &str = "INSERT INTO audit_log (seq, at, actor, action, user_id, app_id, \
    invoices, ip, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
/// Write first: takes the lock every other appender waits on, and reads the head (audit.rs).
const LOCK_HEAD: &str = "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash";
const READ_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
const MOVE_HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2, at = $3, mac = $4 WHERE id = 1";
const MOVE_HEAD_FROM_TIP: &str = "UPDATE audit_head SET seq = $1, hash = $2, at = $3, mac = $4 \
    WHERE id = 1 AND seq = $5 AND hash = $6";

/// The store's one read-write rusqlite connection for audit appends, opened at first use.
#[derive(Debug)]
pub(crate) struct AuditAppender {
    path: PathBuf,
    /// Held for a whole append (across its hops): one batch at a time on this connection.
    slot: tokio::sync::Mutex<Option<Connection>>,
    closed: AtomicBool,
    batches: AtomicU64,
    stale_tips: AtomicU64,
}

/// A batch's rows, chained and signed, owned so a blocking task can store them.
struct Stored {
    links: Vec<Link>,
    at: i64,
    mac: String,
}

/// One row as stored: [`crate::audit_rows::ChainedRow`] without its borrow (the entry's invoice
/// list only as its encoded text, not copied again).
struct Link {
    seq: i64,
    at: i64,
    actor: String,
    action: String,
    user_id: Option<i64>,
    app_id: Option<String>,
    invoices: String,
    ip: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// The signed answers settled with a batch.
struct Settle {
    answers: Vec<SignedAnswer>,
    now: i64,
}

/// What the first hop did.
enum FirstHop {
    /// Committed: each entry's `(seq, hash)`.
    Done(Vec<(i64, String)>),
    /// The transaction is open and the head is `(seq, hash)`: chain after it.
    Opened(i64, String),
}

impl AuditAppender {
    pub(crate) fn new(path: PathBuf) -> Arc<Self> {
        Arc::new(Self {
            path,
            slot: tokio::sync::Mutex::new(None),
            closed: AtomicBool::new(false),
            batches: AtomicU64::new(0),
            stale_tips: AtomicU64::new(0),
        })
    }

    /// `(batches appended here, batches whose tip was stale)`, for tests.
    #[cfg(feature = "test-support")]
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.batches.load(Ordering::Relaxed),
            self.stale_tips.load(Ordering::Relaxed),
        )
    }

    fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
        // NO_MUTEX: the connection is used by one blocking task at a time (the slot's lock).
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // The sqlx pool's pragmas (lib.rs).
        conn.execute_batch(crate::WRITER_PRAGMAS)?;
        conn.execute_batch(crate::hot_read::SERVING_PRAGMAS)?;
        conn.execute_batch(crate::wal_checkpoint::NO_AUTO_CHECKPOINT)?;
        // After the pragmas, whose busy_timeout it replaces: short steps, not SQLite's 1–25 ms.
        conn.busy_handler(Some(crate::wal_checkpoint::writer_retries))?;
        conn.set_prepared_statement_cache_capacity(16);
        Ok(conn)
    }

    /// Closes the connection; appends after this fail as the closed pool's would.
    pub(crate) async fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let conn = self.slot.lock().await.take();
        if let Some(conn) = conn {
            // Closing may checkpoint (the last connection to the file does): off the runtime.
            let _ = tokio::task::spawn_blocking(move || drop(conn)).await;
        }
    }

    /// Appends `entries` after `tip` if it is still the head, else after the head, and settles
    /// `answers` with them (see [`crate::Store::append_audit_and_answers`]).
    pub(crate) async fn append(
        &self,
        tip: Option<&ChainTip>,
        entries: &[EntryContent],
        answers: &[SignedAnswer],
        now: i64,
        sign_head: &HeadSigner,
    ) -> StoreResult<Vec<(i64, String)>> {
        let mut slot = self.slot.lock().await;
        if self.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Database(sqlx::Error::PoolClosed));
        }
        self.batches.fetch_add(1, Ordering::Relaxed);
        let settle = Settle {
            answers: answers.to_vec(),
            now,
        };
        // With a tip the batch is chained and signed before the hop, to store in one.
        let after_tip = match tip {
            Some(tip) if !entries.is_empty() => Some((
                tip.clone(),
                stored(entries, tip.seq, tip.hash.clone(), sign_head)?,
            )),
            _ => None,
        };
        let conn = slot.take();
        let path = self.path.clone();
        let no_entries = entries.is_empty();
        let (conn, first) = blocking(move || {
            let conn = match conn {
                Some(conn) => conn,
                None => Self::open(&path)?,
            };
            let first = in_transaction(&conn, |c| first_hop(c, after_tip, no_entries, &settle));
            Ok((conn, first.map(|hop| (hop, settle))))
        })
        .await?;
        let (head_seq, head_hash, settle) = match first {
            Err(e) => {
                *slot = Some(conn);
                return Err(e);
            }
            Ok((FirstHop::Done(out), _)) => {
                *slot = Some(conn);
                return Ok(out);
            }
            Ok((FirstHop::Opened(seq, hash), settle)) => (seq, hash, settle),
        };
        if tip.is_some() {
            self.stale_tips.fetch_add(1, Ordering::Relaxed);
        }
        // The transaction stays open on `conn` while the batch is chained after the real head;
        // if this future is dropped meanwhile, dropping `conn` rolls it back.
        let rows = match stored(entries, head_seq, head_hash, sign_head) {
            Ok(rows) => rows,
            Err(e) => {
                let conn = blocking(move || {
                    rollback(&conn);
                    Ok(conn)
                })
                .await?;
                *slot = Some(conn);
                return Err(e);
            }
        };
        let (conn, done) = blocking(move || {
            let done = in_transaction(&conn, |c| {
                let out = store_rows(c, rows, false)?;
                settle_answers(c, &settle)?;
                commit(c)?;
                Ok(out)
            });
            Ok((conn, done))
        })
        .await?;
        *slot = Some(conn);
        done
    }
}

/// Runs `f` on a blocking thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Config(format!("audit append task: {e}")))?
}

/// Runs `step` in the open transaction, rolling it back if it fails.
fn in_transaction<T>(
    conn: &Connection,
    step: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    let done = step(conn);
    if done.is_err() {
        rollback(conn);
    }
    done
}

/// COMMIT, from the statement cache: `execute_batch` parsed and prepared it anew on every
/// batch, and so did `BEGIN IMMEDIATE` (every v1 data call waits for one).
fn commit(conn: &Connection) -> StoreResult<()> {
    conn.prepare_cached("COMMIT")?.execute([])?;
    Ok(())
}

fn rollback(conn: &Connection) {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
}

/// `BEGIN IMMEDIATE`, then: the batch after its tip and COMMIT when the tip is the head, the
/// answers alone and COMMIT when there are no entries, else the head (transaction left open).
fn first_hop(
    conn: &Connection,
    after_tip: Option<(ChainTip, Stored)>,
    no_entries: bool,
    settle: &Settle,
) -> StoreResult<FirstHop> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    if let Some((tip, rows)) = after_tip {
        if let Some(out) = store_after_tip(conn, &tip, rows)? {
            settle_answers(conn, settle)?;
            commit(conn)?;
            return Ok(FirstHop::Done(out));
        }
        // Another appender moved the head: the write lock is held, so it is read as is.
        let (seq, hash) = conn
            .prepare_cached(READ_HEAD)?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        return Ok(FirstHop::Opened(seq, hash));
    }
    if no_entries {
        settle_answers(conn, settle)?;
        commit(conn)?;
        return Ok(FirstHop::Done(Vec::new()));
    }
    let (seq, hash) = conn
        .prepare_cached(LOCK_HEAD)?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(FirstHop::Opened(seq, hash))
}

/// The head moved from `tip` to the batch's last entry and the rows inserted, or `None` (and
/// nothing written) when the head is no longer `tip`.
fn store_after_tip(
    conn: &Connection,
    tip: &ChainTip,
    rows: Stored,
) -> StoreResult<Option<Vec<(i64, String)>>> {
    let Some(last) = rows.links.last() else {
        return Ok(Some(Vec::new()));
    };
    let moved = conn
        .prepare_cached(MOVE_HEAD_FROM_TIP)?
        .execute(named_params! {
            "$1": last.seq, "$2": last.hash, "$3": rows.at, "$4": rows.mac,
            "$5": tip.seq, "$6": tip.hash,
        })?;
    if moved == 0 {
        return Ok(None);
    }
    store_rows(conn, rows, true).map(Some)
}

/// Inserts the rows and moves the head to the last unless `head_moved` already.
fn store_rows(
    conn: &Connection,
    rows: Stored,
    head_moved: bool,
) -> StoreResult<Vec<(i64, String)>> {
    let mut insert = conn.prepare_cached(INSERT_ROW)?;
    for l in &rows.links {
        insert
            .execute(named_params! {
                "$1": l.seq, "$2": l.at, "$3": l.actor, "$4": l.action, "$5": l.user_id,
                "$6": l.app_id, "$7": l.invoices, "$8": l.ip, "$9": l.detail,
                "$10": l.prev_hash, "$11": l.hash,
            })
            .map_err(|err| on_unique(err, "this audit seq"))?;
    }
    if let (false, Some(last)) = (head_moved, rows.links.last()) {
        conn.prepare_cached(MOVE_HEAD)?.execute(named_params! {
            "$1": last.seq, "$2": last.hash, "$3": rows.at, "$4": rows.mac,
        })?;
    }
    Ok(rows.links.into_iter().map(|l| (l.seq, l.hash)).collect())
}

/// Settles the answers and removes the expired signed calls, as `signed_calls::settle` does.
fn settle_answers(conn: &Connection, settle: &Settle) -> StoreResult<()> {
    for answer in &settle.answers {
        match &answer.reply {
            Some(reply) => conn.prepare_cached(KEEP_ANSWER)?.execute(named_params! {
                "$1": answer.call_key, "$2": answer.app_id.as_str(), "$3": reply,
                "$4": answer.expires_at, "$5": settle.now,
            })?,
            None => conn
                .prepare_cached(GIVE_UP_CLAIM)?
                .execute(named_params! { "$1": answer.call_key })?,
        };
    }
    if !settle.answers.is_empty() {
        conn.prepare_cached(REMOVE_EXPIRED)?
            .execute(named_params! { "$1": settle.now })?;
    }
    Ok(())
}

/// `entries` chained after `(seq, prev)` and the head's MAC, owned.
fn stored(
    entries: &[EntryContent],
    seq: i64,
    prev: String,
    sign_head: &HeadSigner,
) -> StoreResult<Stored> {
    let links: Vec<Link> = chain(entries, seq, prev)?
        .into_iter()
        .map(|r| Link {
            seq: r.seq,
            at: r.entry.at,
            actor: r.entry.actor.clone(),
            action: r.entry.action.clone(),
            user_id: r.entry.user_id,
            app_id: r.entry.app_id.clone(),
            invoices: r.invoices,
            ip: r.entry.ip.clone(),
            detail: r.entry.detail.clone(),
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
        .collect();
    let at = entries.iter().map(|e| e.at).max().unwrap_or_default();
    let mac = links
        .last()
        .map(|l| sign_head(l.seq, &l.hash, at))
        .unwrap_or_default();
    Ok(Stored { links, at, mac })
}

/// A unique-constraint violation as [`StoreError::AlreadyExists`], as `StoreError::on_unique`
/// does for sqlx.
fn on_unique(err: rusqlite::Error, what: &'static str) -> StoreError {
    const UNIQUE: i32 = 2067; // SQLITE_CONSTRAINT_UNIQUE
    const PRIMARY_KEY: i32 = 1555; // SQLITE_CONSTRAINT_PRIMARYKEY
    match &err {
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == UNIQUE || e.extended_code == PRIMARY_KEY =>
        {
            StoreError::AlreadyExists(what)
        }
        _ => StoreError::Read(err),
    }
}
