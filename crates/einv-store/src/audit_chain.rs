//! Chaining appended entries after the head and storing them (the general way, in one
//! transaction; audit_tip.rs and audit_sqlite.rs chain with audit_rows.rs's `chain` too).

use einv_core::audit::EntryContent;
use sqlx::Row;

use crate::audit::HeadSigner;
use crate::audit_rows::{chain, ChainedRow};
use crate::query::placeholders;
use crate::{StoreError, StoreResult};

/// Appends `entries` to the chain inside `tx` (see [`Store::append_audit`]).
pub(crate) async fn append_in(
    tx: &mut sqlx::AnyConnection,
    entries: &[EntryContent],
    sign_head: &HeadSigner,
) -> StoreResult<Vec<(i64, String)>> {
    // Write first: this takes the lock every other appender waits on, and reads the head.
    let head = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *tx)
        .await?;
    let (seq, prev): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    // Chain and encode every entry first, then store them with few multi-row statements.
    let rows = chain(entries, seq, prev)?;
    let mut rest = rows.as_slice();
    while !rest.is_empty() {
        // Statements of 64, 32, … 1 rows: few distinct texts for the statement cache, and a
        // batch of n entries costs at most about log2(n) statements.
        let take = INSERT_SIZES
            .iter()
            .copied()
            .find(|size| *size <= rest.len())
            .unwrap_or(1);
        let (chunk, after) = rest.split_at(take);
        insert_rows(tx, chunk).await?;
        rest = after;
    }
    let Some(last) = rows.last() else {
        return Ok(Vec::new());
    };
    let at = entries.iter().map(|e| e.at).max().unwrap_or_default();
    let mac = sign_head(last.seq, &last.hash, at);
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, at = $3, mac = $4 WHERE id = 1")
        .bind(last.seq)
        .bind(last.hash.as_str())
        .bind(at)
        .bind(mac)
        .execute(&mut *tx)
        .await?;
    Ok(rows.into_iter().map(|r| (r.seq, r.hash)).collect())
}

/// The row counts of the multi-row INSERTs (11 parameters a row: 704 at most, within both
/// backends' limits).
const INSERT_SIZES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

async fn insert_rows(tx: &mut sqlx::AnyConnection, rows: &[ChainedRow<'_>]) -> StoreResult<()> {
    let mut sql = String::from(
        "INSERT INTO audit_log (seq, at, actor, action, user_id, app_id, invoices, ip, detail, prev_hash, hash) VALUES ",
    );
    let values: Vec<String> = (0..rows.len())
        .map(|i| format!("({})", placeholders(i * 11 + 1, 11)))
        .collect();
    sql.push_str(&values.join(", "));
    let mut query = sqlx::query(&sql);
    for r in rows {
        let e = r.entry;
        query = query
            .bind(r.seq)
            .bind(e.at)
            .bind(e.actor.as_str())
            .bind(e.action.as_str())
            .bind(e.user_id)
            .bind(e.app_id.as_deref())
            .bind(r.invoices.as_str())
            .bind(e.ip.as_deref())
            .bind(e.detail.as_str())
            .bind(r.prev_hash.as_str())
            .bind(r.hash.as_str());
    }
    query
        .execute(&mut *tx)
        .await
        .map_err(|err| StoreError::on_unique(err, "this audit seq"))?;
    Ok(())
}
